//! The tar headers packs may use (GNU long names, PAX paths, the global
//! header `git archive` writes) are read; headers that disagree, or that
//! describe nothing, are refused; a folder pack's hard links are copied
//! only when every name of the file is inside the pack.

use std::io::Write;
use std::path::PathBuf;

use forklab::pack::install::{Limits, add};

use super::{GOOD_MANIFEST, LIMITS, Root, assert_contained, lesson_text};

/// A tar stream written header by header, so that any header can be made.
pub struct Tar(pub Vec<u8>);

impl Tar {
    pub fn new() -> Tar {
        Tar(Vec::new())
    }

    /// A header block: GNU magic, `size` as declared (base-256 when large).
    pub fn header(name: &[u8], kind: u8, size: u64) -> [u8; 512] {
        let mut h = tar::Header::new_gnu();
        let n = name.len().min(100);
        h.as_gnu_mut().unwrap().name[..n].copy_from_slice(&name[..n]);
        h.set_mode(0o644);
        h.set_size(size);
        h.set_entry_type(tar::EntryType::new(kind));
        h.set_cksum();
        *h.as_bytes()
    }

    /// An entry with its body and padding.
    pub fn entry(mut self, name: &[u8], kind: u8, body: &[u8]) -> Tar {
        self.0
            .extend_from_slice(&Tar::header(name, kind, body.len() as u64));
        self.0.extend_from_slice(body);
        self.0.resize(self.0.len().next_multiple_of(512), 0);
        self
    }

    /// A PAX record, `LEN key=value\n`, LEN counting itself.
    pub fn pax(key: &str, value: &[u8]) -> Vec<u8> {
        let rest = key.len() + value.len() + 3;
        let mut len = rest + rest.to_string().len();
        if len.to_string().len() + rest != len {
            len += 1;
        }
        let mut record = format!("{len} {key}=").into_bytes();
        record.extend_from_slice(value);
        record.push(b'\n');
        record
    }

    pub fn manifest(self) -> Tar {
        self.entry(b"pack.toml", b'0', GOOD_MANIFEST.as_bytes())
    }

    /// The manifest and one lesson: a pack that installs.
    pub fn good(self) -> Tar {
        self.manifest()
            .entry(b"1.md", b'0', &lesson_text(1, b"# One\n", None))
    }

    /// The archive: two zero blocks, gzip.
    pub fn gz(mut self) -> Vec<u8> {
        self.0.resize(self.0.len() + 1024, 0);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&self.0).unwrap();
        gz.finish().unwrap()
    }
}

fn write(root: &Root, bytes: &[u8]) -> PathBuf {
    let path = root.root.join("src/pack.tar.gz");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn long_names_pax_paths_and_a_global_header_are_read() {
    let root = Root::new();
    let data = root.root.join("data");
    let long = format!("data/{}.txt", "n".repeat(150));
    let pax_name = format!("data/{}.csv", "p".repeat(200));
    let archive = Tar::new()
        .entry(
            b"pax_global_header",
            b'g',
            &Tar::pax("comment", b"0123456789abcdef"),
        )
        .good()
        .entry(b"././@LongLink", b'L', format!("{long}\0").as_bytes())
        .entry(&long.as_bytes()[..100], b'0', b"long")
        .entry(
            b"PaxHeaders/x",
            b'x',
            &Tar::pax("path", pax_name.as_bytes()),
        )
        .entry(b"short.csv", b'0', b"pax")
        .gz();
    let before = root.outside_listing();
    let result = add(&write(&root, &archive), &data, false, LIMITS).map(|a| a.dir);
    let dir = result.as_ref().unwrap().clone();
    assert_eq!(std::fs::read(dir.join(&long)).unwrap(), b"long");
    assert_eq!(std::fs::read(dir.join(&pax_name)).unwrap(), b"pax");
    assert!(!dir.join("short.csv").exists() && !dir.join("pax_global_header").exists());
    assert_contained(&root, &before, &result);
}

#[test]
fn headers_that_disagree_or_describe_nothing_are_refused() {
    let root = Root::new();
    let data = root.root.join("data");
    let name = b"data/a.txt";
    let cases: Vec<(Tar, &str)> = vec![
        (
            Tar::new()
                .manifest()
                .entry(b"x", b'x', &Tar::pax("size", b"999"))
                .entry(name, b'0', b"abc"),
            "PAX size and its header's size differ",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"x", b'x', &Tar::pax("path", b"data/b.txt"))
                .entry(b"././@LongLink", b'L', b"data/c.txt\0")
                .entry(name, b'0', b"abc"),
            "both a PAX path and a GNU long name",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"././@LongLink", b'L', b"data/b.txt\0")
                .entry(b"././@LongLink", b'L', b"data/c.txt\0")
                .entry(name, b'0', b"abc"),
            "two GNU long names for one entry",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"././@LongLink", b'L', b"data/b.txt\0"),
            "describes no entry",
        ),
        (
            Tar::new().manifest().entry(b"data/", b'5', b"hidden"),
            "a folder with 6 bytes of content",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"x", b'x', &Tar::pax("path", b"data/\xff.txt"))
                .entry(name, b'0', b"abc"),
            "is not UTF-8",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"x", b'x', b"99 path=short\n")
                .entry(name, b'0', b"abc"),
            "malformed PAX header",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"x", b'x', &Tar::pax("path", b"../../outside/p.txt"))
                .entry(name, b'0', b"abc"),
            "uses `..`",
        ),
        (
            Tar::new()
                .manifest()
                .entry(b"././@LongLink", b'K', b"/etc/passwd\0")
                .entry(b"link", b'1', b""),
            "is a link",
        ),
        (
            Tar::new()
                .manifest()
                .entry(name, b'0', b"abc")
                .entry(b"data/sparse", b'S', b""),
            "of a kind packs may not hold",
        ),
    ];
    for (tar, want) in cases {
        let before = root.outside_listing();
        let result = add(&write(&root, &tar.gz()), &data, false, LIMITS).map(|a| a.dir);
        let message = result.as_ref().unwrap_err();
        assert!(message.contains(want), "{want:?} not in {message:?}");
        assert!(message.len() < 400, "a long message: {message:?}");
        assert_contained(&root, &before, &result);
    }
}

#[test]
fn the_tar_stream_and_the_gzip_bytes_are_capped_whatever_the_entries_say() {
    let root = Root::new();
    let data = root.root.join("data");
    let mut tar = Tar::new().manifest();
    for i in 0..6 {
        tar = tar.entry(format!("data/{i}.bin").as_bytes(), b'0', &[0; 30_000]);
    }
    let archive = write(&root, &tar.gz());
    let small = Limits {
        stream_bytes: 100_000,
        ..LIMITS
    };
    let before = root.outside_listing();
    let result = add(&archive, &data, false, small).map(|a| a.dir);
    assert!(
        result.as_ref().unwrap_err().contains("a gzip bomb?"),
        "{result:?}"
    );
    assert_contained(&root, &before, &result);
    // The fuzzing entry point reads from any reader, the gzip bytes
    // capped too.
    let out = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&archive).unwrap();
    let tiny = Limits {
        archive_bytes: 100,
        ..LIMITS
    };
    let err = forklab::pack::archive::unpack_tar_gz(&bytes[..], out.path(), tiny).unwrap_err();
    assert!(err.contains("larger than"), "{err}");
    forklab::pack::archive::unpack_tar_gz(&bytes[..], out.path(), LIMITS).unwrap();
    assert!(out.path().join("data/5.bin").exists());
}

#[test]
fn a_hard_link_in_a_folder_pack_is_copied_only_when_all_its_names_are_inside() {
    let root = Root::new();
    let data = root.root.join("data");
    let pack = root.root.join("src/pack");
    std::fs::create_dir_all(pack.join("data")).unwrap();
    std::fs::write(pack.join("pack.toml"), GOOD_MANIFEST).unwrap();
    std::fs::write(pack.join("1.md"), lesson_text(1, b"# One\n", None)).unwrap();
    std::fs::write(pack.join("data/a.txt"), "shared inside").unwrap();
    std::fs::hard_link(pack.join("data/a.txt"), pack.join("data/b.txt")).unwrap();
    // Named through a link to the folder, as `packs/current` might be.
    let named = root.root.join("src/current");
    std::os::unix::fs::symlink(&pack, &named).unwrap();
    let before = root.outside_listing();
    let result = add(&named, &data, false, LIMITS).map(|a| a.dir);
    let dir = result.as_ref().unwrap().clone();
    for name in ["data/a.txt", "data/b.txt"] {
        assert_eq!(std::fs::read(dir.join(name)).unwrap(), b"shared inside");
    }
    use std::os::unix::fs::MetadataExt;
    assert_eq!(dir.join("data/a.txt").metadata().unwrap().nlink(), 1);
    assert_contained(&root, &before, &result);

    // A name outside the pack: `secret.py` linked in.
    std::fs::hard_link(root.outside().join("secret.py"), pack.join("data/c.py")).unwrap();
    let before = root.outside_listing();
    let result = add(&pack, &data, false, LIMITS).map(|a| a.dir);
    let message = result.as_ref().unwrap_err();
    assert!(
        message.contains("data/c.py is a hard link: it has 2 names and only 1 inside the pack"),
        "{message}"
    );
    assert_contained(&root, &before, &result);
}
