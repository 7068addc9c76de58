//! Hostile traces given to the real `forklab trace check` (which reads a
//! trace as `forklab replay` does): a big string multiplied by many rows,
//! a record-count bomb, too many cores. Each is refused with a message
//! naming its line, or read within its budget, and the child's own peak
//! memory (its `VmHWM`, which `trace check` prints) stays under 64 MB. Before the budgets, a 15 KB trace took 3.3 GB and a 1.2 MB one
//! 3.9 GB.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use flate2::{Compress, Compression, Crc, FlushCompress};

/// The ceiling on the child's peak resident memory, in KB.
const PEAK_LIMIT_KB: u64 = 64 << 10;

/// How long one `trace check` may take before the test kills it.
const DEADLINE: Duration = Duration::from_secs(180);

const HEADER: &str = r#"{"forklab_trace":1,"machine":{"cores":2,"model":null,"os":null,"python":null,"forklab":"0.1.0","recorded":"2026-12-01T16:40:00Z"}}"#;

/// What a `trace check` child did.
struct Checked {
    code: i32,
    stdout: String,
    stderr: String,
    /// Its own peak resident memory (VmHWM), as it printed it.
    peak_kb: u64,
}

/// `forklab trace check FILE` as a child, with the peak resident memory
/// it read from its own `/proc/self/status` (`VmHWM`). Not `ru_maxrss`
/// from `wait4`: Linux carries into it the high-water mark of the test
/// process the child was spawned from (`posix_spawn` shares its memory
/// until the exec), which other tests running beside this one raise.
fn check_measured(file: &Path) -> Checked {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["trace", "check"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let start = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            // Only the start: a huge message must not eat the test's memory.
            let mut text = Vec::new();
            let _ = (&mut pipe).take(64 << 10).read_to_end(&mut text);
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = start(Box::new(child.stdout.take().unwrap()));
    let stderr = start(Box::new(child.stderr.take().unwrap()));
    let (done, ended) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if ended.recv_timeout(DEADLINE).is_err() {
            // SAFETY: kill(2) on our own child, not yet reaped (the test
            // waits for it below and only then says it is done).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return true;
        }
        false
    });
    let status = child.wait().unwrap();
    let _ = done.send(());
    assert!(
        !watchdog.join().unwrap(),
        "trace check ran past {DEADLINE:?}"
    );
    let stdout = stdout.join().unwrap();
    let peak_kb = stdout
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.split_once('(')?.1.strip_suffix(" kB)")?.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory line in: {stdout}"));
    Checked {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr: stderr.join().unwrap(),
        peak_kb,
    }
}

/// `first` then `line` repeated `times`, gzip-compressed cheaply: a
/// megabyte of whole lines is deflated once after a full flush and its
/// bytes repeated, the CRC combined.
fn gzip_repeated(first: &str, line: &str, times: usize) -> Vec<u8> {
    let mut deflate = Compress::new(Compression::fast(), false);
    let mut run = |input: &[u8], flush: FlushCompress| {
        let mut out = Vec::with_capacity(input.len() / 2 + 1024);
        let mut at = 0;
        loop {
            let before = deflate.total_in();
            deflate.compress_vec(&input[at..], &mut out, flush).unwrap();
            at += (deflate.total_in() - before) as usize;
            if at == input.len() && out.len() < out.capacity() {
                return out;
            }
            out.reserve(out.capacity().max(1024));
        }
    };
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut crc = Crc::new();
    let head = format!("{first}\n");
    gz.extend(run(head.as_bytes(), FlushCompress::Full));
    crc.update(head.as_bytes());
    let per_chunk = ((1 << 20) / (line.len() + 1)).max(1);
    let chunk = format!("{line}\n").repeat(per_chunk.min(times));
    let chunk_gz = run(chunk.as_bytes(), FlushCompress::Full);
    let mut chunk_crc = Crc::new();
    chunk_crc.update(chunk.as_bytes());
    for _ in 0..times / per_chunk.min(times) {
        gz.extend(&chunk_gz);
        crc.combine(&chunk_crc);
    }
    gz.extend(run(b"", FlushCompress::Finish));
    gz.extend(crc.sum().to_le_bytes());
    gz.extend(crc.amount().to_le_bytes());
    gz
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .unwrap();
    path
}

fn process_line(pid: u32, command: &str) -> String {
    format!(
        r#"{{"t":0,"k":"process","pid":{pid},"name":"python3","command":"{command}","role":"worker"}}"#
    )
}

fn sample_line(rows: &[u32]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|pid| format!(r#"[{pid},1,"R",99.5,1048576,0]"#))
        .collect();
    format!(
        r#"{{"t":1,"k":"sample","cores":[50.0,50.0],"total":50.0,"mem":[1,2],"load":null,"procs":[{}]}}"#,
        rows.join(",")
    )
}

/// The trace of the report: one process named with a 15 MB command, then
/// a sample listing it 60 times. Refused at its line, in little memory.
#[test]
fn a_huge_command_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        process_line(7, &"x".repeat(15 << 20)),
        sample_line(&[7; 60])
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(text.as_bytes()).unwrap();
    let file = write(dir.path(), "huge.trace.jsonl.gz", &gz.finish().unwrap());
    let got = check_measured(&file);
    eprintln!("huge command: peak {} KB", got.peak_kb);
    assert_eq!(got.code, 1, "{}", got.stdout);
    assert!(
        got.stderr
            .contains("line 2: a trace line of 15.0 MiB: at most 1.0 MiB per trace line"),
        "{}",
        got.stderr
    );
    assert!(got.peak_kb < PEAK_LIMIT_KB, "peak {} KB", got.peak_kb);
}

/// A command just under the line budget, listed 60 times in each of 200
/// samples: kept once (cut to the command limit), so the trace reads in
/// little memory (copied into each row, it took 12 GB).
#[test]
fn a_big_command_in_many_rows_is_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = format!("{HEADER}\n{}", process_line(7, &"x".repeat(1000 << 10)));
    let bytes = gzip_repeated(&first, &sample_line(&[7; 60]), 200);
    let file = write(dir.path(), "rows.trace.jsonl.gz", &bytes);
    let got = check_measured(&file);
    eprintln!(
        "1000 KB command x 60 rows x 200 samples ({} KB file): peak {} KB",
        bytes.len() >> 10,
        got.peak_kb
    );
    assert_eq!(got.code, 0, "{}", got.stderr);
    assert!(got.stdout.contains("200 samples"), "{}", got.stdout);
    assert!(got.peak_kb < PEAK_LIMIT_KB, "peak {} KB", got.peak_kb);
}

/// Ten million tiny records in a small gzip file: refused as a bomb
/// before the memory is taken.
#[test]
fn a_record_count_bomb_is_refused_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = gzip_repeated(
        HEADER,
        r#"{"t":1,"k":"lab_began","sweep":true}"#,
        10_000_000,
    );
    let file = write(dir.path(), "bomb.trace.jsonl.gz", &bytes);
    let got = check_measured(&file);
    eprintln!(
        "10 million records ({} KB file): peak {} KB",
        bytes.len() >> 10,
        got.peak_kb
    );
    assert_eq!(got.code, 1, "{}", got.stdout);
    assert!(got.stderr.contains("compression bomb"), "{}", got.stderr);
    assert!(got.stderr.contains("line "), "{}", got.stderr);
    assert!(got.peak_kb < PEAK_LIMIT_KB, "peak {} KB", got.peak_kb);
}

/// A header claiming a million cores is refused at line 1; samples of the
/// most cores a trace may have, repeated, are refused as a bomb.
#[test]
fn too_many_cores_are_refused_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let million = HEADER.replace(r#""cores":2"#, r#""cores":1000000"#);
    let file = write(dir.path(), "million.trace.jsonl", million.as_bytes());
    let got = check_measured(&file);
    assert_eq!(got.code, 1);
    assert!(
        got.stderr
            .contains("line 1: a machine of 1000000 cores (a trace has 1 to 4096)"),
        "{}",
        got.stderr
    );

    let header = HEADER.replace(r#""cores":2"#, r#""cores":4096"#);
    let cores = vec!["100.0"; 4096].join(",");
    let sample = format!(
        r#"{{"t":1,"k":"sample","cores":[{cores}],"total":100.0,"mem":[1,2],"load":null,"procs":[]}}"#
    );
    let bytes = gzip_repeated(&header, &sample, 20_000);
    let file = write(dir.path(), "cores.trace.jsonl.gz", &bytes);
    let got = check_measured(&file);
    eprintln!(
        "20,000 samples of 4096 cores ({} KB file): peak {} KB",
        bytes.len() >> 10,
        got.peak_kb
    );
    assert_eq!(got.code, 1, "{}", got.stdout);
    assert!(got.stderr.contains("compression bomb"), "{}", got.stderr);
    assert!(got.peak_kb < PEAK_LIMIT_KB, "peak {} KB", got.peak_kb);
}

/// A trace forklab recorded reads and is summarized.
#[test]
fn a_recorded_trace_is_summarized() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = forklab::trace::scripted(16, 17, 240, Duration::from_millis(250));
    let file = write(dir.path(), "scripted.trace.jsonl.gz", &bytes);
    let got = check_measured(&file);
    assert_eq!(got.code, 0, "{}", got.stderr);
    assert!(
        got.stdout.contains("machine: 16 cores, scripted"),
        "{}",
        got.stdout
    );
    assert!(
        got.stdout
            .contains("240 samples every 250 ms, processes: 17"),
        "{}",
        got.stdout
    );
    eprintln!("scripted 16 cores, one minute: peak {} KB", got.peak_kb);
}

/// An escape sequence in a process's command reaches the summary and the
/// panes as visible text.
#[test]
fn escapes_in_a_trace_are_shown_not_obeyed() {
    let header = HEADER.replace(r#""model":null"#, r#""model":"\u001b]0;pwned\u0007CPU""#);
    let text = format!("{header}\n");
    let trace = forklab::trace::Trace::read(text.as_bytes()).unwrap();
    assert_eq!(trace.header.machine.model.as_deref(), Some("␛]0;pwned␇CPU"));
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        process_line(7, r"python3 \u001b[2J\u202eevil"),
        sample_line(&[7])
    );
    let trace = forklab::trace::Trace::read(text.as_bytes()).unwrap();
    let forklab::trace::Entry::Sample(sample) = &trace.entries[0].entry else {
        panic!("not a sample: {:?}", trace.entries[0]);
    };
    assert_eq!(&*sample.processes[0].command, "python3 ␛[2J⟨U+202E⟩evil");
}
