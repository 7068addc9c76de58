use std::io::Write;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;

use super::*;
use crate::lab::workload::Workload;
use crate::lab::{LabConfig, LabEvent};
use crate::monitor::Sampler;
use crate::monitor::scripted::ScriptedSampler;
use crate::python::{Output, PyEvent, Stream};

const MS250: Duration = Duration::from_millis(250);

fn gzip(text: &str) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

const HEADER: &str = r#"{"forklab_trace":1,"machine":{"cores":2,"model":null,"os":null,"python":null,"forklab":"0.1.0","recorded":"2026-12-01T16:40:00Z"}}"#;

fn machine(cores: usize) -> Machine {
    Machine {
        cores,
        model: None,
        os: None,
        python: Some("3.11.7".into()),
        forklab: "0.1.0".into(),
        recorded: "2026-12-01T16:40:00Z".into(),
    }
}

#[test]
fn a_recording_reads_back_as_the_events_that_made_it() {
    let start = Instant::now();
    let mut rec = Recorder::new(Vec::new(), machine(4), start).unwrap();
    let mut sampler = ScriptedSampler::new(4, 3);
    let samples: Vec<_> = (0..3).map(|_| sampler.sample()).collect();
    rec.sample(start + MS250, &samples[0]).unwrap();
    rec.record(start + MS250, Record::LabBegan { sweep: true })
        .unwrap();
    let config = LabConfig {
        worker_exe: "forklab".into(),
        ..LabConfig::new(Workload::Cpu)
    };
    let started = LabEvent::RunStarted {
        config: config.clone(),
        started: start,
    };
    rec.record(start + MS250, Record::Lab { event: started })
        .unwrap();
    let output = PyEvent::Output(Output {
        stream: Stream::Stderr,
        offset: Duration::from_millis(7),
        text: "Traceback".into(),
        line_end: true,
    });
    rec.record(
        start + MS250 * 2,
        Record::Py {
            run: 3,
            event: output.clone(),
        },
    )
    .unwrap();
    rec.sample(start + MS250 * 2, &samples[1]).unwrap();
    rec.sample(start + MS250 * 3, &samples[2]).unwrap();
    // Taken before the last, reaching the TUI after it: dated with it.
    rec.sample(start + MS250, &samples[0]).unwrap();
    let bytes = rec.finish().unwrap();

    let trace = Trace::read(&bytes[..]).unwrap();
    assert_eq!(trace.header.machine, machine(4));
    assert_eq!(trace.warning, None);
    let kinds: Vec<_> = trace.entries.iter().map(|e| &e.entry).collect();
    assert_eq!(kinds.len(), 7);
    assert_eq!(trace.entries[6].t, MS250 * 3);
    assert_eq!(kinds[0], &Entry::Sample(samples[0].clone()));
    assert_eq!(kinds[1], &Entry::LabBegan { sweep: true });
    assert!(matches!(kinds[2], Entry::Lab(LabEvent::RunStarted { config: c, .. }) if *c == config));
    assert_eq!(kinds[3], &Entry::Py(3, output));
    assert_eq!(kinds[5], &Entry::Sample(samples[2].clone()));
    assert_eq!(trace.entries[5].t, MS250 * 3);
    assert_eq!(trace.length(), MS250 * 3);
}

#[test]
fn processes_are_described_once() {
    let bytes = scripted(2, 3, 20, MS250);
    let text = std::io::read_to_string(flate2::read::GzDecoder::new(&bytes[..])).unwrap();
    assert_eq!(text.matches(r#""k":"process""#).count(), 3, "{text}");
    assert_eq!(text.matches(r#""k":"sample""#).count(), 20);
    assert!(text.contains(r#""role":"forklab""#), "{text}");
    assert!(text.contains(r#""role":"worker""#), "{text}");
}

#[test]
fn plain_json_lines_read_too() {
    let text = format!("{HEADER}\n{{\"t\":5,\"k\":\"python\",\"version\":\"3.13.0\"}}");
    let trace = Trace::read(text.as_bytes()).unwrap();
    assert_eq!(trace.entries[0].entry, Entry::Python("3.13.0".into()));
}

fn error(bytes: &[u8]) -> String {
    Trace::read(bytes).unwrap_err().to_string()
}

#[test]
fn bad_traces_say_what_and_where() {
    assert_eq!(error(b""), "the file is empty: not a forklab trace");
    assert_eq!(error(&gzip("")), "the file is empty: not a forklab trace");
    assert!(error(b"hello\n").starts_with("line 1: not a forklab trace"));
    assert!(error(b"{\"a\":1}\n").contains("no `forklab_trace` version"));
    let newer = HEADER.replace(r#""forklab_trace":1"#, r#""forklab_trace":2"#);
    assert_eq!(
        error(&gzip(&newer)),
        "line 1: trace format version 2 is newer than this forklab reads (1): a newer forklab can replay it"
    );
    let big = HEADER.replace(r#""cores":2"#, r#""cores":100000"#);
    assert!(error(big.as_bytes()).contains("100000 cores"));
    let lines = format!(
        "{HEADER}\n\n{{\"t\":1,\"k\":\"python\",\"version\":\"3\"}}\n{{\"t\":2,\"k\":\"party\"}}\n"
    );
    let e = error(&gzip(&lines));
    assert!(
        e.starts_with("line 4: not a trace record: unknown variant `party`"),
        "{e}"
    );
    assert!(e.ends_with("(column 19)"), "{e}");
    let sample = format!(
        "{HEADER}\n{{\"t\":1,\"k\":\"sample\",\"cores\":[1,2],\"total\":1,\"mem\":[1,2],\"load\":null,\"procs\":[[7,1,\"R\",1,1,0]]}}\n"
    );
    assert_eq!(
        error(sample.as_bytes()),
        "line 2: process 7 has no `process` line before it"
    );
    let three = format!(
        "{HEADER}\n{{\"t\":1,\"k\":\"sample\",\"cores\":[1,2,3],\"total\":1,\"mem\":[1,2],\"load\":null,\"procs\":[]}}\n"
    );
    assert_eq!(
        error(three.as_bytes()),
        "line 2: a sample of 3 cores in a trace of 2 cores"
    );
    let back = format!(
        "{HEADER}\n{{\"t\":9,\"k\":\"python\",\"version\":\"3\"}}\n{{\"t\":2,\"k\":\"python\",\"version\":\"3\"}}\n"
    );
    assert_eq!(
        error(back.as_bytes()),
        "line 3: time goes backwards (2 ms after 9 ms)"
    );
    let mut damaged = scripted(2, 2, 40, MS250);
    let middle = damaged.len() / 2;
    damaged[middle..middle + 16].fill(0xff);
    let e = error(&damaged);
    assert!(e.starts_with("line "), "{e}");
    assert!(error(&[0xff, 0xfe, b'\n']).contains("invalid UTF-8"));
    let late =
        format!("{HEADER}\n{{\"t\":18446744073709551615,\"k\":\"python\",\"version\":\"3\"}}\n");
    assert_eq!(
        error(late.as_bytes()),
        "line 2: a time of 18446744073709551615 ms, past 30 days"
    );
    let huge = format!(
        "{HEADER}\n{{\"t\":1,\"k\":\"lab\",\"event\":{{\"run_started\":{{\"config\":{{\"workers\":1000000000000,\"tasks\":64,\"task_size\":8000,\"chunksize\":1,\"workload\":\"cpu\",\"cpus\":null,\"worker_exe\":\"x\",\"deadline\":{{\"secs\":1,\"nanos\":0}}}}}}}}}}\n"
    );
    assert!(
        error(huge.as_bytes()).starts_with("line 2: a lab run of 1000000000000 workers"),
        "{}",
        error(huge.as_bytes())
    );
}

#[test]
fn a_trace_cut_short_replays_what_it_has_and_says_where_it_ends() {
    let bytes = scripted(2, 2, 40, MS250);
    let whole = Trace::read(&bytes[..]).unwrap();
    let cut = Trace::read(&bytes[..bytes.len() * 2 / 3]).unwrap();
    let Some(TraceError::Truncated { line }) = cut.warning else {
        panic!("no warning: {:?}", cut.warning);
    };
    assert!(line > 2, "{line}");
    assert!(!cut.entries.is_empty() && cut.entries.len() < whole.entries.len());
    assert_eq!(cut.entries[..], whole.entries[..cut.entries.len()]);
    // Only the start of the header: nothing to replay.
    assert!(matches!(
        Trace::read(&bytes[..12]).unwrap_err(),
        TraceError::Truncated { line: 1 }
    ));
    let half_line = &HEADER[..HEADER.len() / 2];
    assert!(
        error(half_line.as_bytes())
            .starts_with("line 1: not a forklab trace (the first line is not JSON: EOF")
    );
}

#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full here");
        return;
    };
    let start = Instant::now();
    let mut sampler = ScriptedSampler::new(64, 65);
    let result = Recorder::new(full, machine(64), start).and_then(|mut rec| {
        for i in 0..100 {
            rec.sample(start + MS250 * i, &sampler.sample())?;
        }
        rec.finish().map(drop)
    });
    let e = result.expect_err("/dev/full refuses writes");
    assert_eq!(e.raw_os_error(), Some(28), "{e}"); // ENOSPC
}

#[test]
fn an_unwritable_path_is_an_error() {
    let e = FileRecorder::create(
        std::path::Path::new("/nonexistent-dir/t.jsonl.gz"),
        machine(2),
        Instant::now(),
    );
    assert!(e.is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, plain or compressed, never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), zip in any::<bool>()) {
        let input = if zip { gzip(&String::from_utf8_lossy(&bytes)) } else { bytes };
        let _ = Trace::read(&input[..]);
    }

    /// Arbitrary lines after a valid header: read or refused with a line
    /// number, never a panic.
    #[test]
    fn arbitrary_lines_never_panic(lines in proptest::collection::vec(
        prop_oneof![
            "\\PC{0,80}",
            r#"\{"t":[0-9]{1,3},"k":"(sample|process|lab|py|ended|python|lab_began|py_began)"[^\n]{0,60}\}"#,
        ], 0..8)) {
        let text = std::iter::once(HEADER.to_string()).chain(lines).collect::<Vec<_>>().join("\n");
        match Trace::read(text.as_bytes()) {
            Ok(_) => {}
            Err(e) => prop_assert!(matches!(e, TraceError::Bad { line, .. } | TraceError::Truncated { line } if line >= 2), "{e}"),
        }
    }

    /// Cutting a real trace anywhere gives a trace or a clear error.
    #[test]
    fn a_real_trace_cut_anywhere_never_panics(cut in 0usize..4000) {
        let bytes = scripted(4, 3, 30, MS250);
        let cut = cut.min(bytes.len());
        let _ = Trace::read(&bytes[..cut]);
    }
}

fn process(pid: u32, command: &str) -> String {
    format!(
        r#"{{"t":0,"k":"process","pid":{pid},"name":"python3","command":"{command}","role":"worker"}}"#
    )
}

fn sample(t: u64, pids: &[u32]) -> String {
    let rows: Vec<String> = pids
        .iter()
        .map(|p| format!(r#"[{p},1,"R",1.0,1,0]"#))
        .collect();
    format!(
        r#"{{"t":{t},"k":"sample","cores":[1,2],"total":1,"mem":[1,2],"load":null,"procs":[{}]}}"#,
        rows.join(",")
    )
}

#[test]
fn a_process_is_kept_once_and_shared_by_every_row() {
    let long = "x".repeat(format::MAX_COMMAND * 2);
    let text = [
        HEADER.to_string(),
        process(7, &long),
        sample(1, &[7, 7, 7]),
        sample(2, &[7]),
    ]
    .join("\n");
    let trace = Trace::read(text.as_bytes()).unwrap();
    let commands: Vec<&std::sync::Arc<str>> = trace
        .entries
        .iter()
        .flat_map(|e| match &e.entry {
            Entry::Sample(s) => s.processes.iter().map(|p| &p.command).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(commands.len(), 4);
    assert!(
        commands
            .iter()
            .all(|c| std::sync::Arc::ptr_eq(c, commands[0]))
    );
    assert_eq!(commands[0].len(), format::MAX_COMMAND, "cut to the limit");
}

#[test]
fn a_line_over_its_budget_is_refused_with_its_line() {
    let text = format!("{HEADER}\n{}\n", process(7, &"x".repeat(2 << 20)));
    assert_eq!(
        error(&gzip(&text)),
        "line 2: a trace line of 2.0 MiB: at most 1.0 MiB per trace line"
    );
    let many = format!("{HEADER}\n{}\n", sample(1, &[7; read::MAX_PROCESSES + 1]));
    let e = error(many.as_bytes());
    assert_eq!(
        e, "line 2: 16385 processes in a sample: at most 16384",
        "{e}"
    );
}

#[test]
fn a_small_file_of_many_records_is_refused_as_a_bomb() {
    let line = "{\"t\":1,\"k\":\"lab_began\",\"sweep\":true}\n";
    let text = format!("{HEADER}\n{}", line.repeat(200_000));
    let bytes = gzip(&text);
    let e = error(&bytes);
    assert!(e.contains("a compression bomb, not a recording"), "{e}");
    assert!(e.starts_with("line "), "{e}");
    // The same records, uncompressed, are as big as what they take.
    let trace = Trace::read(text.as_bytes()).unwrap();
    assert_eq!(trace.entries.len(), 200_000);
}

#[test]
fn the_recorder_writes_no_longer_command_than_the_reader_keeps() {
    let start = Instant::now();
    let mut rec = Recorder::new(Vec::new(), machine(2), start).unwrap();
    let mut s = ScriptedSampler::new(2, 1).sample();
    s.processes[0].command = "é".repeat(format::MAX_COMMAND).into();
    rec.sample(start + MS250, &s).unwrap();
    let trace = Trace::read(&rec.finish().unwrap()[..]).unwrap();
    let Entry::Sample(read) = &trace.entries[0].entry else {
        panic!("not a sample");
    };
    let command = &read.processes[0].command;
    assert!(command.len() <= format::MAX_COMMAND && command.len() > format::MAX_COMMAND - 2);
}

fn place(id: &str, section: Option<&str>, line: u64) -> LessonPlace {
    LessonPlace {
        id: id.into(),
        section: section.map(str::to_string),
        line,
        lab: false,
        experiment: None,
    }
}

fn lesson_line(t: u64, id: &str) -> String {
    let id = serde_json::to_string(id).unwrap();
    format!(
        r#"{{"t":{t},"k":"lesson","id":{id},"section":"Chunks","line":3,"lab":true,"experiment":"sweep"}}"#
    )
}

#[test]
fn the_lesson_on_screen_is_written_when_it_changes_and_reads_back() {
    let start = Instant::now();
    let mut rec = Recorder::new(Vec::new(), machine(2), start).unwrap();
    let intro = place("intro", None, 0);
    let squares = LessonPlace {
        lab: true,
        experiment: Some("chunk-sweep".into()),
        ..place("squares", Some("Chunks"), 4)
    };
    for (ms, at) in [(0, &intro), (10, &intro), (20, &squares), (30, &squares)] {
        rec.place(start + Duration::from_millis(ms), at).unwrap();
    }
    rec.place(start + MS250, &intro).unwrap();
    let trace = Trace::read(&rec.finish().unwrap()[..]).unwrap();
    let read: Vec<(u64, &Entry)> = (trace.entries.iter())
        .map(|e| (e.t.as_millis() as u64, &e.entry))
        .collect();
    assert_eq!(
        read,
        [
            (0, &Entry::Lesson(intro.clone())),
            (20, &Entry::Lesson(squares)),
            (250, &Entry::Lesson(intro)),
        ],
        "a place is written once, until it changes"
    );
}

#[test]
fn a_lesson_record_is_clipped_sanitized_and_kept_in_order() {
    // Too long: kept up to its limit, as a process's names are.
    let long = "é".repeat(format::MAX_LESSON_ID);
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        lesson_line(1, &long),
        lesson_line(2, "\u{1b}[2J\u{202e}evil")
    );
    let trace = Trace::read(text.as_bytes()).unwrap();
    let Entry::Lesson(first) = &trace.entries[0].entry else {
        panic!("{:?}", trace.entries[0]);
    };
    assert_eq!(first.id.len(), format::MAX_LESSON_ID);
    assert!(long.starts_with(&first.id), "cut at a character boundary");
    let Entry::Lesson(second) = &trace.entries[1].entry else {
        panic!("{:?}", trace.entries[1]);
    };
    assert_eq!(second.id, "␛[2J⟨U+202E⟩evil");
    assert_eq!(second.section.as_deref(), Some("Chunks"));
    assert_eq!(second.experiment.as_deref(), Some("sweep"));
    // An id no course has reads: the replay says so, and goes on.
    let unknown = format!("{HEADER}\n{}\n", lesson_line(1, "no-such-lesson"));
    assert_eq!(Trace::read(unknown.as_bytes()).unwrap().entries.len(), 1);
    // Out of order: refused with its line, as any record.
    let back = format!(
        "{HEADER}\n{}\n{}\n",
        lesson_line(9, "a"),
        lesson_line(2, "b")
    );
    assert_eq!(
        error(back.as_bytes()),
        "line 3: time goes backwards (2 ms after 9 ms)"
    );
    // A field of the wrong type, or missing: not a trace record.
    let bad = format!("{HEADER}\n{{\"t\":1,\"k\":\"lesson\",\"id\":7}}\n");
    assert!(error(bad.as_bytes()).starts_with("line 2: not a trace record"));
}

#[test]
fn lesson_records_are_counted_before_they_are_kept() {
    let one = lesson_line(1, "a");
    let mut text = String::with_capacity((one.len() + 1) * (read::MAX_PLACES + 2));
    text.push_str(HEADER);
    for _ in 0..=read::MAX_PLACES {
        text.push('\n');
        text.push_str(&one);
    }
    let message = error(text.as_bytes());
    assert_eq!(
        message,
        format!(
            "line {}: {} lesson records in a trace: at most {}",
            read::MAX_PLACES + 2,
            read::MAX_PLACES + 1,
            read::MAX_PLACES
        )
    );
    // Written past its limit, a place reads back as the reader keeps it.
    let start = Instant::now();
    let mut rec = Recorder::new(Vec::new(), machine(2), start).unwrap();
    let huge = place(&"x".repeat(10_000), Some(&"y".repeat(10_000)), 0);
    rec.place(start, &huge).unwrap();
    let bytes = rec.finish().unwrap();
    assert!(bytes.len() < 2_000, "{} bytes written", bytes.len());
    let trace = Trace::read(&bytes[..]).unwrap();
    assert_eq!(trace.entries[0].entry, Entry::Lesson(huge.clipped()));
}

/// docs/trace.schema.json (by hand) names every record kind and, for
/// each, exactly the fields forklab writes.
#[test]
fn the_hand_written_schema_names_every_record_and_field() {
    use crate::os::process::Exit;
    use crate::trace::format::{Line, ProcRow, ProcessRecord, SampleRecord};
    use serde_json::Value;
    let schema: Value = serde_json::from_str(include_str!("../../docs/trace.schema.json")).unwrap();
    let defs = &schema["$defs"];
    let output = PyEvent::Output(Output {
        stream: Stream::Stdout,
        offset: MS250,
        text: "hi".into(),
        line_end: true,
    });
    let records = [
        Record::Sample(SampleRecord {
            cores: vec![1.0],
            total: 1.0,
            mem: [1, 2],
            load: None,
            procs: vec![ProcRow(1, 0, 'R', 1.0, 1, None)],
        }),
        Record::Process(ProcessRecord {
            pid: 1,
            name: "a".into(),
            command: "a".into(),
            role: "master".into(),
        }),
        Record::Ended {
            pid: 1,
            exit: Exit::Code(0),
        },
        Record::LabBegan { sweep: false },
        Record::Lab {
            event: LabEvent::AllReady { at: MS250 },
        },
        Record::PyBegan {
            run: 1,
            title: "t".into(),
            command: "c".into(),
        },
        Record::Py {
            run: 1,
            event: output,
        },
        Record::Python {
            version: "3.13.0".into(),
        },
        Record::Lesson(place("intro", None, 0)),
    ];
    let mut kinds = Vec::new();
    for record in records {
        let value = serde_json::to_value(Line { t: 1, record }).unwrap();
        let kind = value["k"].as_str().unwrap().to_string();
        let def = &defs[&kind];
        let fields = |v: &Value| -> Vec<String> {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(fields(&def["properties"]), fields(&value), "{kind}");
        let mut required: Vec<String> = (def["required"].as_array().unwrap().iter())
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        required.sort();
        assert_eq!(required, fields(&value), "{kind}: every field is written");
        assert_eq!(def["properties"]["k"]["const"], kind.as_str());
        kinds.push(Value::from(kind));
    }
    assert_eq!(
        defs["record"]["properties"]["k"]["enum"],
        Value::from(kinds)
    );
    let header = serde_json::to_value(Header {
        forklab_trace: VERSION,
        machine: machine(2),
    })
    .unwrap();
    let machine_fields = &defs["header"]["properties"]["machine"]["properties"];
    for key in header["machine"].as_object().unwrap().keys() {
        assert!(machine_fields.get(key).is_some(), "machine.{key}");
    }
}
