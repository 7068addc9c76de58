//! The trace reader (`forklab replay FILE`): any bytes, gzip or plain JSON
//! lines, must give a trace or a clear error, within the memory limit.
#![no_main]

use std::time::Duration;

use forklab::trace::Trace;
use forklab::trace::replay::Cursor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(trace) = Trace::read(data) else {
        return;
    };
    // What the replay screen asks of a trace before and while playing.
    let length = trace.length();
    let _ = trace.sample_interval();
    let _ = trace.lab_results();
    let mut cursor = Cursor::default();
    let _ = cursor.seek(&trace.entries, length / 2);
    let _ = cursor.seek(&trace.entries, Duration::ZERO);
    let _ = cursor.due(&trace.entries);
});
