//! `forklab pack add FILE.tar.gz`: an archive from a stranger, unpacked by
//! forklab into a staging folder, checked and installed, or refused with
//! nothing left behind. Inputs that do not start as gzip are taken as a
//! plain tar and gzipped first, so the fuzzer mutates the tar headers
//! themselves rather than a compressed stream.
#![no_main]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use forklab::pack::install::{Limits, add};
use libfuzzer_sys::fuzz_target;

/// One data folder for the whole run (a fresh one per input would cost
/// more than the unpacking).
fn data() -> &'static Path {
    static DATA: OnceLock<tempfile::TempDir> = OnceLock::new();
    DATA.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("forklab-fuzz-pack-")
            .tempdir()
            .expect("a temporary folder")
    })
    .path()
}

fn archive(data: &[u8]) -> PathBuf {
    let path = self::data().join("in.tar.gz");
    let mut file = std::fs::File::create(&path).expect("the archive is written");
    if data.starts_with(&[0x1f, 0x8b]) {
        file.write_all(data).unwrap();
    } else {
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap();
    }
    path
}

fuzz_target!(|bytes: &[u8]| {
    let source = archive(bytes);
    let root = data().join("data");
    let packs = root.join("packs");
    match add(&source, &root, false, Limits::default()) {
        Ok(added) => {
            assert!(
                added.dir.starts_with(&packs),
                "installed outside: {added:?}"
            );
            std::fs::remove_dir_all(&added.dir).unwrap();
        }
        Err(message) => {
            assert!(!message.is_empty());
            assert!(
                !message.chars().any(|c| c.is_control() && c != '\n'),
                "a control character in {message:?}"
            );
        }
    }
    // Refused or installed and removed: nothing is left in the packs folder.
    if let Ok(left) = std::fs::read_dir(&packs) {
        let left: Vec<_> = left.flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
});
