//! Hostile packs, generated: path traversal, absolute names, links in and
//! out, devices and pipes, control characters, invalid UTF-8, empty and
//! oversized files, archive bombs and broken archives. `check` and
//! `pack add` must reject or survive each, never panic, never write
//! outside the data folder, and never leave a half-installed pack.

use std::collections::BTreeSet;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use forklab::lesson::{LessonSet, check};
use forklab::pack::install::{Limits, add};
use proptest::prelude::*;

/// Archives that claim huge headers, and gzip bombs, run through the
/// binary with its peak memory measured.
#[path = "hostile_packs/bombs.rs"]
mod bombs;
/// Long names, PAX headers, hard links: what is read and what refused.
#[path = "hostile_packs/formats.rs"]
mod formats;

/// Small limits, so oversized cases stay cheap.
const LIMITS: Limits = Limits {
    archive_bytes: 1 << 20,
    stream_bytes: 1 << 20,
    total_bytes: 256 << 10,
    lesson_bytes: 128 << 10,
    entries: 40,
    file_bytes: 64 << 10,
    depth: 6,
    name_bytes: 4096,
    pax_bytes: 64 << 10,
};

#[derive(Debug, Clone)]
enum Name {
    /// `a/b.txt` style, inside.
    Plain(String),
    /// `../` 1 to 7 times, then `outside/NAME`: one of the counts reaches
    /// the test's `outside` folder from the staging or the pack folder.
    Traversal(usize, String),
    /// An absolute path into the test's `outside` folder.
    Absolute(String),
}

#[derive(Debug, Clone)]
enum Target {
    Inside,
    Outside,
    Absolute,
    Dangling,
}

#[derive(Debug, Clone)]
enum Item {
    /// A lesson whose example names `example`; the body is arbitrary bytes.
    Lesson {
        n: u8,
        body: Vec<u8>,
        example: Option<Name>,
    },
    File {
        name: Name,
        /// Bytes of zeros (compresses to nothing: a bomb when large).
        size: usize,
    },
    Symlink {
        name: String,
        target: Target,
    },
    HardLink {
        name: String,
        target: Target,
    },
    Fifo(String),
    Device(String),
    /// Folders nested this deep.
    Deep(usize),
}

#[derive(Debug, Clone)]
enum Manifest {
    Good,
    Bad(String),
    Missing,
}

#[derive(Debug, Clone)]
struct Spec {
    manifest: Manifest,
    items: Vec<Item>,
    /// Wrap everything in one top folder (as many archives do).
    wrapped: bool,
    /// Replace the archive by these bytes (a broken or non-tar archive).
    garbage: Option<Vec<u8>>,
}

fn plain() -> impl Strategy<Value = String> {
    "[a-z]{1,6}(/[a-z]{1,6}){0,2}\\.(py|md|txt)"
}

fn name() -> impl Strategy<Value = Name> {
    prop_oneof![
        4 => plain().prop_map(Name::Plain),
        1 => (1usize..8, "[a-z]{1,6}").prop_map(|(k, n)| Name::Traversal(k, n)),
        1 => "[a-z]{1,6}".prop_map(Name::Absolute),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Inside),
        Just(Target::Outside),
        Just(Target::Absolute),
        Just(Target::Dangling)
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Text with escape sequences and other controls.
        "([a-z ]{0,20}(\u{1b}\\[2J|\u{7}|\u{202e}|\u{9b}|\r|\t|\n)?){0,8}"
            .prop_map(String::into_bytes),
        // Anything, invalid UTF-8 included.
        prop::collection::vec(any::<u8>(), 0..200),
    ]
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        3 => (0u8..20, body(), prop::option::of(name()))
            .prop_map(|(n, body, example)| Item::Lesson { n, body, example }),
        3 => (name(), prop_oneof![Just(0usize), 1usize..2000, Just(200_000usize)])
            .prop_map(|(name, size)| Item::File { name, size }),
        1 => ("[a-z]{1,6}(\\.md|\\.py)?", target()).prop_map(|(name, target)| Item::Symlink { name, target }),
        1 => ("[a-z]{1,6}", target()).prop_map(|(name, target)| Item::HardLink { name, target }),
        1 => "[a-z]{1,6}".prop_map(Item::Fifo),
        1 => "[a-z]{1,6}".prop_map(Item::Device),
        1 => (1usize..12).prop_map(Item::Deep),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![
            6 => Just(Manifest::Good),
            1 => "[a-zA-Z0-9 =\"./\u{1b}]{0,40}".prop_map(Manifest::Bad),
            1 => Just(Manifest::Missing),
        ],
        prop::collection::vec(item(), 0..10),
        any::<bool>(),
        prop::option::weighted(0.1, prop::collection::vec(any::<u8>(), 0..300)),
    )
        .prop_map(|(manifest, items, wrapped, garbage)| Spec {
            manifest,
            items,
            wrapped,
            garbage,
        })
}

/// The test's folders: `src` (the pack), `data` (FORKLAB_HOME), `outside`
/// (must never change), 8 folders deep in a temporary folder so that even
/// a broken forklab following `../` 7 times writes inside it, where the
/// listing sees it.
struct Root {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Root {
    fn new() -> Root {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp
            .path()
            .canonicalize()
            .unwrap()
            .join("1/2/3/4/5/6/7/root");
        std::fs::create_dir_all(&root).unwrap();
        for d in ["src", "data", "outside"] {
            std::fs::create_dir(root.join(d)).unwrap();
        }
        std::fs::write(root.join("outside/secret.py"), "print('secret')\n").unwrap();
        Root { tmp, root }
    }

    fn outside(&self) -> PathBuf {
        self.root.join("outside")
    }

    /// The path an item's name stands for, as written in the pack.
    fn name(&self, name: &Name) -> String {
        match name {
            Name::Plain(p) => p.clone(),
            Name::Traversal(k, n) => format!("{}outside/{n}", "../".repeat(*k)),
            Name::Absolute(n) => format!("{}/{n}", self.outside().display()),
        }
    }

    fn link_target(&self, target: &Target) -> String {
        match target {
            Target::Inside => "pack.toml".into(),
            Target::Outside => "../../../../../../../outside/secret.py".into(),
            Target::Absolute => format!("{}/secret.py", self.outside().display()),
            Target::Dangling => "no-such-file".into(),
        }
    }

    /// Everything but `data` and `src`: must be the same after a case.
    fn outside_listing(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let top = self.tmp.path().canonicalize().unwrap();
        walk(&top, &mut |p| {
            let rel = p.strip_prefix(&top).unwrap();
            if !(p.starts_with(self.root.join("data")) || p.starts_with(self.root.join("src"))) {
                let len = std::fs::symlink_metadata(p).map_or(0, |m| m.len());
                out.insert(format!("{} {len}", rel.display()));
            }
        });
        out
    }
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        f(&path);
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&path, f);
        }
    }
}

const GOOD_MANIFEST: &str =
    "name = \"hostile\"\nversion = \"1\"\nlicence = \"MIT\"\nforklab = \"0.1\"\n";

fn lesson_text(n: u8, body: &[u8], example: Option<&str>) -> Vec<u8> {
    let mut text = format!("+++\nid = \"l{n}\"\ntitle = \"L{n}\"\npart = 1\norder = {n}\n");
    if let Some(file) = example {
        text.push_str(&format!(
            "\n[[examples]]\nid = \"e\"\nfile = {}\ntitle = \"E\"\n",
            toml::Value::String(file.to_string())
        ));
    }
    text.push_str("+++\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Writes the spec as a folder (what a folder can hold: no devices).
fn write_folder(root: &Root, spec: &Spec) -> PathBuf {
    let top = if spec.wrapped {
        root.root.join("src/wrap/pack")
    } else {
        root.root.join("src/pack")
    };
    let base = top.clone();
    std::fs::create_dir_all(&base).unwrap();
    match &spec.manifest {
        Manifest::Good => std::fs::write(base.join("pack.toml"), GOOD_MANIFEST).unwrap(),
        Manifest::Bad(text) => std::fs::write(base.join("pack.toml"), text).unwrap(),
        Manifest::Missing => {}
    }
    let put = |rel: &str, bytes: &[u8]| {
        // Only names inside: a folder cannot hold `../x` entries.
        if rel.starts_with('/') || rel.contains("..") {
            return;
        }
        let path = base.join(rel);
        if path.exists() {
            return;
        }
        if std::fs::create_dir_all(path.parent().unwrap()).is_ok() {
            let _ = std::fs::write(&path, bytes);
        }
    };
    for item in &spec.items {
        match item {
            Item::Lesson { n, body, example } => {
                let example = example.as_ref().map(|e| root.name(e));
                put(
                    &format!("{n}.md"),
                    &lesson_text(*n, body, example.as_deref()),
                );
            }
            Item::File { name, size } => put(&root.name(name), &vec![0; *size]),
            Item::Symlink { name, target } => {
                let path = base.join(name);
                if !path.exists() {
                    let _ = std::os::unix::fs::symlink(root.link_target(target), &path);
                }
            }
            Item::HardLink { name, target } => {
                let path = base.join(name);
                let original = match target {
                    Target::Inside => base.join("pack.toml"),
                    Target::Outside | Target::Absolute => root.outside().join("secret.py"),
                    Target::Dangling => continue,
                };
                if !path.exists() {
                    let _ = std::fs::hard_link(original, &path);
                }
            }
            Item::Fifo(name) | Item::Device(name) => {
                let path = base.join(format!("{name}.fifo"));
                let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
                // SAFETY: a valid NUL-terminated path.
                unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
            }
            Item::Deep(depth) => {
                let rel: Vec<String> = (0..*depth).map(|i| format!("d{i}")).collect();
                put(&format!("{}/f.txt", rel.join("/")), b"deep");
            }
        }
    }
    if spec.wrapped {
        root.root.join("src/wrap")
    } else {
        top
    }
}

/// Appends an entry with its name written raw (no checks by the tar crate).
fn raw(
    b: &mut tar::Builder<impl Write>,
    name: &str,
    kind: tar::EntryType,
    data: &[u8],
    link: Option<&str>,
) {
    let mut h = tar::Header::new_old();
    let old = h.as_old_mut();
    let bytes = name.as_bytes();
    let n = bytes.len().min(99);
    old.name[..n].copy_from_slice(&bytes[..n]);
    if let Some(link) = link {
        let l = link.as_bytes();
        let n = l.len().min(99);
        old.linkname[..n].copy_from_slice(&l[..n]);
    }
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn write_archive(root: &Root, spec: &Spec) -> PathBuf {
    let path = root.root.join("src/pack.tar.gz");
    if let Some(garbage) = &spec.garbage {
        std::fs::write(&path, garbage).unwrap();
        return path;
    }
    let file = std::fs::File::create(&path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    let prefix = if spec.wrapped { "pack/" } else { "" };
    let p = |rel: &str| {
        if rel.starts_with('/') || rel.starts_with("..") {
            rel.to_string()
        } else {
            format!("{prefix}{rel}")
        }
    };
    use tar::EntryType as T;
    match &spec.manifest {
        Manifest::Good => raw(
            &mut b,
            &p("pack.toml"),
            T::Regular,
            GOOD_MANIFEST.as_bytes(),
            None,
        ),
        Manifest::Bad(text) => raw(&mut b, &p("pack.toml"), T::Regular, text.as_bytes(), None),
        Manifest::Missing => {}
    }
    for item in &spec.items {
        match item {
            Item::Lesson { n, body, example } => {
                let example = example.as_ref().map(|e| root.name(e));
                let text = lesson_text(*n, body, example.as_deref());
                raw(&mut b, &p(&format!("{n}.md")), T::Regular, &text, None);
            }
            Item::File { name, size } => raw(
                &mut b,
                &p(&root.name(name)),
                T::Regular,
                &vec![0; *size],
                None,
            ),
            Item::Symlink { name, target } => raw(
                &mut b,
                &p(name),
                T::Symlink,
                &[],
                Some(&root.link_target(target)),
            ),
            Item::HardLink { name, target } => raw(
                &mut b,
                &p(name),
                T::Link,
                &[],
                Some(&root.link_target(target)),
            ),
            Item::Fifo(name) => raw(&mut b, &p(name), T::Fifo, &[], None),
            Item::Device(name) => raw(&mut b, &p(name), T::Char, &[], None),
            Item::Deep(depth) => {
                let rel: Vec<String> = (0..*depth).map(|i| format!("d{i}")).collect();
                raw(
                    &mut b,
                    &p(&format!("{}/f.txt", rel.join("/"))),
                    T::Regular,
                    b"deep",
                    None,
                )
            }
        }
    }
    b.into_inner().unwrap().finish().unwrap();
    path
}

/// What must hold after any `pack add`, whatever it returned.
fn assert_contained(root: &Root, before: &BTreeSet<String>, result: &Result<PathBuf, String>) {
    assert_eq!(
        &root.outside_listing(),
        before,
        "something was written outside the data folder"
    );
    let packs = root.root.join("data/packs");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&packs).unwrap().flatten() {
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    assert!(
        names.iter().all(|n| !n.starts_with(".adding-")),
        "a staging folder was left behind: {names:?}"
    );
    match result {
        Ok(dir) => {
            assert_eq!(names, ["hostile"]);
            walk(dir, &mut |p| {
                let meta = std::fs::symlink_metadata(p).unwrap();
                assert!(meta.is_file() || meta.is_dir(), "{} installed", p.display());
            });
            let set = LessonSet::from_dir(dir).unwrap();
            let problems = check::check(&set);
            assert!(problems.is_empty(), "installed with problems: {problems:?}");
            std::fs::remove_dir_all(dir).unwrap();
        }
        Err(message) => {
            assert!(names.is_empty(), "failed but left {names:?}");
            assert!(!message.contains('\u{1b}'), "raw escape in {message:?}");
        }
    }
}

fn check_folder(root: &Root, dir: &Path, spec: &Spec) {
    let Ok(set) = LessonSet::from_dir(dir) else {
        return;
    };
    let problems = check::check(&set);
    let warnings = check::warnings(&set);
    let mut seen = BTreeSet::new();
    for item in &spec.items {
        let Item::Lesson { n, body, example } = item else {
            continue;
        };
        // The folder keeps the first of two lessons with one file name.
        if !seen.insert(*n) {
            continue;
        }
        let file = format!("{n}.md");
        let Some(lesson) = set.lessons.iter().find(|l| l.file == file) else {
            continue;
        };
        if matches!(example, Some(Name::Traversal(..) | Name::Absolute(_))) {
            let refused = ["uses `..`", "absolute path", "outside"];
            assert!(
                problems.iter().any(|p| p.file == file
                    && p.message.contains("example")
                    && refused.iter().any(|r| p.message.contains(r))),
                "{file}: example outside the pack not reported: {problems:?}"
            );
            assert!(set.read_file(&lesson.meta.examples[0].file).is_none());
        }
        if body.contains(&0x1b)
            && String::from_utf8_lossy(body).contains('\u{1b}')
            && lesson.body.contains('\u{1b}')
        {
            assert!(
                warnings.iter().any(|w| w.file == file),
                "{file}: ESC in the text not warned about"
            );
        }
    }
    let _ = root;
    if !set.is_empty() {
        survives_the_reader(set);
    }
}

/// The reader opens every lesson of the set and draws it, with no control
/// character reaching the screen.
fn survives_the_reader(set: LessonSet) {
    use ratatui::layout::Rect;
    let count = set.len();
    let mut state = forklab::tui::State::new(
        set,
        forklab::progress::Progress::default(),
        Rect::new(0, 0, 80, 24),
    );
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    for _ in 0..count {
        terminal
            .draw(|frame| forklab::tui::view(&state, frame))
            .unwrap();
        let buffer = terminal.backend().buffer();
        let screen: String = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(
            !screen.chars().any(forklab::sanitize::is_unsafe),
            "a control character reached the screen: {screen:?}"
        );
        forklab::tui::update(
            &mut state,
            forklab::tui::action::reader::Msg::NextLesson.into(),
            std::time::Instant::now(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn hostile_packs_are_refused_or_installed_safely(spec in spec()) {
        let root = Root::new();
        let before = root.outside_listing();
        let data = root.root.join("data");

        let folder = write_folder(&root, &spec);
        let pack_dir = if spec.wrapped { folder.join("pack") } else { folder.clone() };
        check_folder(&root, &pack_dir, &spec);
        let result = add(&folder, &data, false, LIMITS).map(|a| a.dir);
        let shares_outside = root.outside().join("secret.py").metadata().unwrap().nlink() > 1;
        prop_assert!(!(shares_outside && result.is_ok()), "a hard link to a file outside was installed");
        assert_contained(&root, &before, &result);

        let archive = write_archive(&root, &spec);
        let before = root.outside_listing();
        let result = add(&archive, &data, false, LIMITS).map(|a| a.dir);
        assert_contained(&root, &before, &result);
    }
}

#[test]
fn each_kind_of_hostile_archive_gets_a_clear_refusal() {
    let root = Root::new();
    let data = root.root.join("data");
    let cases: Vec<(Vec<Item>, &str)> = vec![
        (
            vec![Item::File {
                name: Name::Traversal(4, "x".into()),
                size: 3,
            }],
            "uses `..`",
        ),
        (
            vec![Item::File {
                name: Name::Absolute("x".into()),
                size: 3,
            }],
            "absolute path",
        ),
        (
            vec![Item::Symlink {
                name: "s".into(),
                target: Target::Inside,
            }],
            "is a link",
        ),
        (
            vec![Item::HardLink {
                name: "h".into(),
                target: Target::Outside,
            }],
            "is a link",
        ),
        (vec![Item::Device("d".into())], "device"),
        (vec![Item::Fifo("f".into())], "device or a pipe"),
        (
            vec![Item::File {
                name: Name::Plain("big.txt".into()),
                size: 200_000,
            }],
            "a pack file of 195.3 KiB: at most 64.0 KiB per pack file",
        ),
        (vec![Item::Deep(10)], "nested more than"),
        (
            (0..50)
                .map(|i| Item::File {
                    name: Name::Plain(format!("f{i}.txt")),
                    size: 1,
                })
                .collect(),
            "more than 40 pack files (the limit): too many",
        ),
        (
            (0..6)
                .map(|i| Item::File {
                    name: Name::Plain(format!("z{i}.txt")),
                    size: 60_000,
                })
                .collect(),
            "of pack files in total (the limit)",
        ),
        (
            vec![Item::Lesson {
                n: 1,
                body: vec![],
                example: Some(Name::Plain("missing.py".into())),
            }],
            "problem(s); nothing was installed",
        ),
    ];
    for (items, want) in cases {
        let spec = Spec {
            manifest: Manifest::Good,
            items,
            wrapped: false,
            garbage: None,
        };
        let before = root.outside_listing();
        let archive = write_archive(&root, &spec);
        let result = add(&archive, &data, false, LIMITS).map(|a| a.dir);
        let Err(message) = &result else {
            panic!("{spec:?} was installed");
        };
        assert!(message.contains(want), "{want:?} not in {message:?}");
        assert_contained(&root, &before, &result);
    }
    let spec = Spec {
        manifest: Manifest::Good,
        items: vec![],
        wrapped: false,
        garbage: Some(b"not gzip at all".to_vec()),
    };
    let message = add(&write_archive(&root, &spec), &data, false, LIMITS).unwrap_err();
    assert!(message.contains("not a readable .tar.gz"), "{message}");
}

#[test]
fn a_good_pack_installs_from_a_folder_and_an_archive_and_replaces_only_when_asked() {
    let root = Root::new();
    let data = root.root.join("data");
    let spec = Spec {
        manifest: Manifest::Good,
        items: vec![
            Item::Lesson {
                n: 0,
                body: b"# Hello\n".to_vec(),
                example: Some(Name::Plain("examples/e.py".into())),
            },
            Item::File {
                name: Name::Plain("examples/e.py".into()),
                size: 0,
            },
            Item::Symlink {
                name: "alias.md.txt".into(),
                target: Target::Inside,
            },
        ],
        wrapped: true,
        garbage: None,
    };
    let folder = write_folder(&root, &spec);
    let added = add(&folder, &data, false, LIMITS).unwrap();
    assert_eq!(added.lessons, 1);
    // A link inside the pack is copied as the file it points at.
    assert!(
        std::fs::symlink_metadata(added.dir.join("alias.md.txt"))
            .unwrap()
            .is_file()
    );
    let spec = Spec {
        items: spec.items[..2].to_vec(),
        ..spec
    };
    let archive = write_archive(&root, &spec);
    let err = add(&archive, &data, false, LIMITS).unwrap_err();
    assert!(err.contains("already installed"), "{err}");
    let again = add(&archive, &data, true, LIMITS).unwrap();
    assert_eq!(again.replaced.as_deref(), Some("1"));
    assert!(!again.dir.join("alias.md.txt").exists());
}
