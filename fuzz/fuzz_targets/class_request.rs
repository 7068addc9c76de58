//! The class server's request parser: the bytes a client sent, given to
//! `class::http::parse_request` (what the server's reader calls on each
//! read, with every size limit), every prefix of them too (a slow client's
//! reads), then the body as `/join` and `/submit` take it (serde_json
//! into the payload types, `validate`, `plausible`).
#![no_main]

use forklab::class::http::{Parsed, parse_request};
use forklab::class::{Join, Submit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The server's reader calls the parser on what has arrived so far.
    for end in (0..data.len()).step_by(97) {
        let _ = parse_request(&data[..end]);
    }
    let Ok(Parsed::Request(request)) = parse_request(data) else {
        return;
    };
    if let Ok(join) = serde_json::from_slice::<Join>(&request.body) {
        let _ = join.validate();
    }
    if let Ok(submit) = serde_json::from_slice::<Submit>(&request.body)
        && submit.validate().is_ok()
    {
        let _ = submit.report.plausible();
        let _ = submit.report.best_speedup();
        let _ = forklab::class::payload::report_line(&submit.report);
    }
});
