//! Small archives that claim huge headers (GNU long name, long link, PAX,
//! global PAX) and gzip bombs, each given to the real `forklab pack add`
//! with its default limits. Each is refused with a short message, no
//! staging folder is left, and the child's own peak memory (its
//! `ru_maxrss`, read with `wait4` as it ends) stays under 64 MB. Before
//! the caps, a 133 KB long-name archive took 1.2 GB.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use flate2::{Compress, Compression, Crc, FlushCompress};

use super::formats::Tar;

/// The ceiling on the child's peak resident memory.
const PEAK_LIMIT_KB: i64 = 64 << 10;

/// How long one `pack add` may take before the test kills it.
const DEADLINE: Duration = Duration::from_secs(120);

/// A `.tar.gz` whose first entry is a `kind` header named `name` claiming `claimed`
/// bytes, all of them present (`fill`), then `rest` (more tar). Made
/// cheaply: a megabyte of `fill` is deflated once after a full flush and
/// its bytes repeated, the CRC combined.
fn bomb(name: &[u8], kind: u8, claimed: u64, fill: u8, rest: &[u8]) -> Vec<u8> {
    let mut deflate = Compress::new(Compression::best(), false);
    let mut run = |input: &[u8], flush: FlushCompress| {
        let mut out = Vec::with_capacity(input.len() / 2 + 1024);
        let start = deflate.total_in();
        loop {
            let done = (deflate.total_in() - start) as usize;
            if out.capacity() - out.len() < 1024 {
                out.reserve(64 << 10);
            }
            deflate
                .compress_vec(&input[done..], &mut out, flush)
                .unwrap();
            let all_in = (deflate.total_in() - start) as usize == input.len();
            if all_in && out.capacity() > out.len() {
                return out;
            }
        }
    };
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut crc = Crc::new();
    let head = Tar::header(name, kind, claimed);
    gz.extend(run(&head, FlushCompress::Full));
    crc.update(&head);
    let chunk = vec![fill; 1 << 20];
    let block = run(&chunk, FlushCompress::Full);
    let mut chunk_crc = Crc::new();
    chunk_crc.update(&chunk);
    let whole = claimed / chunk.len() as u64;
    if whole > 0 {
        gz.extend(&block);
        crc.combine(&chunk_crc);
    }
    for _ in 1..whole {
        gz.extend(&block);
        crc.combine(&chunk_crc);
    }
    let mut tail = vec![fill; (claimed % chunk.len() as u64) as usize];
    tail.resize(tail.len().next_multiple_of(512), 0);
    tail.extend_from_slice(rest);
    tail.resize(tail.len() + 1024, 0);
    gz.extend(run(&tail, FlushCompress::Finish));
    crc.update(&tail);
    gz.extend(crc.sum().to_le_bytes());
    gz.extend(crc.amount().to_le_bytes());
    gz
}

/// `forklab pack add ARCHIVE` as a child: its exit code, stderr, and peak
/// resident memory in KB.
fn pack_add_measured(home: &Path, archive: &Path) -> (i32, String, i64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forklab"))
        .args(["pack", "add"])
        .arg(archive)
        .env("FORKLAB_HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        // Only the start: a huge message must not eat the test's memory.
        let mut text = Vec::new();
        let _ = (&mut stderr).take(64 << 10).read_to_end(&mut text);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        String::from_utf8_lossy(&text).into_owned()
    });
    let (code, peak_kb) = reap_measured(child);
    (code, reader.join().unwrap(), peak_kb)
}

/// Waits for `child` with `wait4(2)`, which reports the child's own peak
/// resident memory (`ru_maxrss`, KB); killed past [`DEADLINE`]. Returns
/// the exit code (-1 for a signal) and the peak.
fn reap_measured(child: std::process::Child) -> (i32, i64) {
    let pid = child.id() as i32;
    let (done, ended) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if ended.recv_timeout(DEADLINE).is_err() {
            // SAFETY: kill(2) on our own child, not yet reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return true;
        }
        false
    });
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out-parameter for wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid out-pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let _ = done.send(());
    assert_eq!(waited, pid, "wait4 failed");
    assert!(!watchdog.join().unwrap(), "pack add ran past {DEADLINE:?}");
    // Reaped above: std's handle must not wait on the id again.
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}

#[test]
fn header_and_gzip_bombs_are_refused_in_little_memory() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let manifest = Tar::new().manifest().0;
    let one_more_lesson = Tar::new().manifest().entry(b"b.md", b'0', b"x").0;
    let link = b"././@LongLink";
    let mb = 1u64 << 20;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "long name",
            bomb(link, b'L', 100 * mb, b'a', &manifest),
            "a GNU long name of 100.0 MiB: at most 4.0 KiB per GNU long name",
        ),
        (
            "long link",
            bomb(link, b'K', 100 * mb, b'a', &manifest),
            "a GNU long link of 100.0 MiB: at most 4.0 KiB",
        ),
        (
            "pax",
            bomb(b"PaxHeaders/x", b'x', 100 * mb, b'a', &manifest),
            "a PAX header of 100.0 MiB: at most 64.0 KiB",
        ),
        (
            "global pax",
            bomb(b"pax_global_header", b'g', 100 * mb, b'a', &manifest),
            "a global PAX header of 100.0 MiB: at most 64.0 KiB",
        ),
        (
            "a file of a gigabyte of zeros",
            bomb(b"data/zeros", b'0', 1024 * mb, 0, &manifest),
            "data/zeros: a pack file of 1.0 GiB: at most 16.0 MiB per pack file",
        ),
        (
            "16 MB of lessons, then more",
            bomb(b"a.md", b'0', 16 * mb, 0, &one_more_lesson),
            "b.md: more than 16.0 MiB of lessons in total",
        ),
    ];
    for (what, archive, want) in cases {
        assert!(archive.len() < 2 << 20, "{what}: {} bytes", archive.len());
        let path = work.path().join("bomb.tar.gz");
        std::fs::write(&path, &archive).unwrap();
        let (code, stderr, peak_kb) = pack_add_measured(home.path(), &path);
        eprintln!(
            "{what}: {} KB archive, peak {} MB",
            archive.len() >> 10,
            peak_kb >> 10
        );
        assert_eq!(code, 1, "{what}: {stderr}");
        assert!(stderr.contains(want), "{what}: {want:?} not in {stderr:?}");
        assert!(stderr.len() < 500, "{what}: a long message: {stderr:?}");
        assert!(
            peak_kb < PEAK_LIMIT_KB,
            "{what}: peak memory {peak_kb} KB, over {PEAK_LIMIT_KB} KB"
        );
        let left: Vec<_> = std::fs::read_dir(home.path().join("packs"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "{what}: left {left:?}");
    }
}

#[test]
fn a_bomb_is_a_valid_gzip_of_what_it_claims() {
    let claimed = (3 << 20) + 5;
    let gz = bomb(b"n", b'0', claimed, b'z', b"REST");
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut tar)
        .unwrap();
    assert_eq!(&tar[..1], b"n");
    let body = &tar[512..512 + claimed as usize];
    assert!(body.iter().all(|&b| b == b'z'));
    let rest = 512 + (claimed as usize).next_multiple_of(512);
    assert_eq!(&tar[rest..rest + 4], b"REST");
    assert_eq!(tar.len(), rest + 4 + 1024);
}
