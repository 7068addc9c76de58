//! A lesson set: the course embedded in the binary, or a teacher's folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use super::contain::{self, PathError};
use super::model::{Lesson, Problem};
use super::parse::parse_lesson;

/// The largest lesson file read: a whole book fits; a runaway file does not.
pub const MAX_LESSON_BYTES: u64 = 8 << 20;

/// The most lesson files a set may hold; the rest are skipped with a problem.
pub const MAX_LESSONS: usize = 1000;

/// The largest example script, exercise or data file read from a set.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

static EMBEDDED_LESSONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");
static EMBEDDED_ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// Where a lesson set came from; examples and data are read from there.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Embedded,
    Dir(PathBuf),
}

/// The lessons in course order, plus the files that could not be loaded.
#[derive(Debug, Clone)]
pub struct LessonSet {
    pub lessons: Vec<Lesson>,
    pub origin: Origin,
    /// Files skipped because they are malformed: shown to the user, never fatal.
    pub problems: Vec<Problem>,
}

impl LessonSet {
    /// The course shipped inside the binary, so forklab runs from any folder.
    pub fn embedded() -> LessonSet {
        let files = EMBEDDED_LESSONS
            .files()
            .filter(|f| is_lesson_file(f.path()))
            .map(|f| {
                let name = f.path().to_string_lossy().into_owned();
                (name, String::from_utf8_lossy(f.contents()).into_owned())
            })
            .collect();
        Self::from_files(files, Origin::Embedded)
    }

    /// A teacher's own lesson folder (`--lessons DIR`) or an installed pack.
    /// Lesson files are untrusted: a link leading out of the folder, a
    /// device, a file over [`MAX_LESSON_BYTES`] or past the
    /// [`MAX_LESSONS`]th is skipped with a problem, never read. Fails
    /// only when the folder is missing or cannot be listed.
    pub fn from_dir(dir: &Path) -> Result<LessonSet, LoadError> {
        let mut names = Vec::new();
        let unreadable = |source: std::io::Error| LoadError::unreadable(dir, source);
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let name = entry.map_err(unreadable)?.file_name();
            if is_lesson_file(Path::new(&name)) {
                names.push(name.to_string_lossy().into_owned());
            }
        }
        names.sort();
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        if names.len() > MAX_LESSONS {
            skipped.push(Problem {
                file: names[MAX_LESSONS].clone(),
                line: 1,
                message: format!(
                    "{} lesson files: a set holds at most {MAX_LESSONS}; this one and the {} after it are skipped",
                    names.len(),
                    names.len() - MAX_LESSONS - 1
                ),
            });
            names.truncate(MAX_LESSONS);
        }
        for name in names {
            match read_lesson_file(dir, &name) {
                Ok(text) => files.push((name, text)),
                // A folder named `x.md` is not a lesson: pass over it quietly.
                Err(PathError::IsDir) => {}
                Err(e) => skipped.push(Problem {
                    file: name,
                    line: 1,
                    message: match e {
                        PathError::TooLarge(_) => {
                            format!("lesson file {e}: split it into several lessons")
                        }
                        e => format!("lesson file {e}"),
                    },
                }),
            }
        }
        let mut set = Self::from_files(files, Origin::Dir(dir.to_path_buf()));
        set.problems.extend(skipped);
        set.problems
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Ok(set)
    }

    /// The built-in course (`None`) or a folder, with at least one lesson
    /// that loads: what the reader, `lessons`, `practice` and `example`
    /// open. Lessons that fail to load beside a good one stay problems.
    pub fn open(dir: Option<&Path>) -> Result<LessonSet, LoadError> {
        let set = match dir {
            None => LessonSet::embedded(),
            Some(dir) => LessonSet::from_dir(dir)?,
        };
        if !set.is_empty() {
            return Ok(set);
        }
        let dir = dir.map(Path::to_path_buf);
        Err(if set.problems.is_empty() {
            LoadError::Empty { dir }
        } else {
            LoadError::Malformed {
                dir,
                problems: set.problems,
            }
        })
    }

    /// Parses every file, keeps the good lessons in course order and records
    /// the rest (bad files, duplicate ids) as problems.
    pub fn from_files(mut files: Vec<(String, String)>, origin: Origin) -> LessonSet {
        files.sort();
        let mut lessons: Vec<Lesson> = Vec::new();
        let mut problems = Vec::new();
        for (name, text) in files {
            match parse_lesson(&name, &text) {
                Ok(lesson) => {
                    if let Some(first) = lessons.iter().find(|l| l.meta.id == lesson.meta.id) {
                        problems.push(Problem {
                            line: lesson.front_line_of("id"),
                            message: format!(
                                "duplicate id {:?}: {} already uses it",
                                lesson.meta.id, first.file
                            ),
                            file: lesson.file,
                        });
                    } else {
                        lessons.push(lesson);
                    }
                }
                Err(problem) => problems.push(problem),
            }
        }
        lessons.sort_by(|a, b| {
            (a.meta.part, a.meta.order, &a.meta.id).cmp(&(b.meta.part, b.meta.order, &b.meta.id))
        });
        LessonSet {
            lessons,
            origin,
            problems,
        }
    }

    pub fn len(&self) -> usize {
        self.lessons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lessons.is_empty()
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.lessons.iter().position(|l| l.meta.id == id)
    }

    /// Resolves a Markdown link target (`2-2-pool.md`, `./pool.md#anchor`) to a lesson.
    pub fn index_of_link(&self, target: &str) -> Option<usize> {
        let file = lesson_link_file(target)?;
        self.lessons.iter().position(|l| l.file == file)
    }

    /// The part's name, taken from its overview lesson's title.
    pub fn part_title(&self, part: u32) -> String {
        self.lessons
            .iter()
            .find(|l| l.meta.part == part && l.is_overview())
            .map(|l| l.meta.title.clone())
            .unwrap_or_else(|| format!("Part {part}"))
    }

    /// Reads a file of the set (an example script), relative to its folder;
    /// `None` for anything [`Self::file`] refuses.
    pub fn read_file(&self, relative: &str) -> Option<Vec<u8>> {
        self.file(relative).ok()
    }

    /// Reads a file a lesson names (example, exercise starter or solution),
    /// relative to the set's folder. Refused, with the reason: names that
    /// leave the folder (absolute, `..`, or a link leading out), devices and
    /// pipes, folders, files over [`MAX_FILE_BYTES`]. The one gate every
    /// runner and `check` go through.
    pub fn file(&self, relative: &str) -> Result<Vec<u8>, PathError> {
        contain::check_name(relative)?;
        match &self.origin {
            Origin::Embedded => EMBEDDED_LESSONS
                .get_file(relative.trim_start_matches("./"))
                .map(|f| f.contents().to_vec())
                .ok_or(PathError::NotFound),
            Origin::Dir(dir) => contain::read_file(dir, relative, MAX_FILE_BYTES),
        }
    }

    /// Where a data name is found in the set's own folder (`NAME` or
    /// `assets/NAME`), resolved inside it; `Ok(None)` when it is not there.
    fn own_asset(&self, name: &str) -> Result<Option<PathBuf>, PathError> {
        contain::check_name(name)?;
        let Origin::Dir(dir) = &self.origin else {
            return Ok(None);
        };
        for candidate in [name.to_string(), format!("assets/{name}")] {
            match contain::resolve_entry(dir, &candidate) {
                Ok(path) => return Ok(Some(path)),
                Err(PathError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    /// Why a data name cannot be used, if it cannot: outside the folder,
    /// or found neither in the folder nor among forklab's own assets.
    pub fn asset_problem(&self, name: &str) -> Option<PathError> {
        match self.own_asset(name) {
            Ok(Some(_)) => None,
            Ok(None) if EMBEDDED_ASSETS.get_entry(name).is_some() => None,
            Ok(None) => Some(PathError::NotFound),
            Err(e) => Some(e),
        }
    }

    /// Whether a data name (file or folder under `assets/`) can be found:
    /// in a teacher's folder first, then among forklab's own assets.
    pub fn has_asset(&self, name: &str) -> bool {
        self.asset_problem(name).is_none()
    }

    /// Copies a data name (file or folder, found as [`Self::has_asset`]
    /// finds it) to `dest_dir/NAME`, for a script that reads `./NAME`.
    /// Names that could escape `dest_dir` (absolute, `..`) or the set's
    /// folder (links leading out, devices) are refused.
    pub fn copy_asset(&self, name: &str, dest_dir: &Path) -> std::io::Result<()> {
        let refused = |e: PathError| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{name:?} {e}"))
        };
        let dest = dest_dir.join(contain::check_name(name).map_err(refused)?);
        if let Some(source) = self.own_asset(name).map_err(refused)? {
            let Origin::Dir(root) = &self.origin else {
                unreachable!("own assets come from a folder")
            };
            return copy_tree(root, &source, &dest, 0);
        }
        match EMBEDDED_ASSETS.get_entry(name) {
            Some(entry) => write_embedded(entry, dest_dir),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no data {name:?} in the lesson folder or forklab's assets"),
            )),
        }
    }
}

/// Why a lesson folder gives no course. Each caller decides on the kind
/// (the CLI's status, the reader's notice, `check` going on to list the
/// problems) and words it for its own screen; the text is the CLI's.
/// Cloned into the reader's messages, hence the shared `io::Error`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// The folder is not there (a mistyped `--lessons`, a pack removed).
    #[error("cannot read lessons from {}: {source}", .dir.display())]
    Missing {
        dir: PathBuf,
        source: Arc<std::io::Error>,
    },
    /// The folder is there but cannot be listed.
    #[error("cannot read lessons from {}: {source}", .dir.display())]
    Unreadable {
        dir: PathBuf,
        source: Arc<std::io::Error>,
    },
    /// Lesson files are there and none loads: each problem names its
    /// file and line (malformed, unreadable, too large, a duplicate id).
    #[error("{}", no_lesson(.dir.as_deref(), .problems))]
    Malformed {
        dir: Option<PathBuf>,
        problems: Vec<Problem>,
    },
    /// Not one lesson file: the wrong folder, or an empty one.
    #[error("{}", no_lesson(.dir.as_deref(), &[]))]
    Empty { dir: Option<PathBuf> },
}

impl LoadError {
    fn unreadable(dir: &Path, source: std::io::Error) -> LoadError {
        let dir = dir.to_path_buf();
        let source = Arc::new(source);
        if source.kind() == std::io::ErrorKind::NotFound {
            LoadError::Missing { dir, source }
        } else {
            LoadError::Unreadable { dir, source }
        }
    }
}

/// "no lesson could be loaded from DIR", each problem on a line below.
fn no_lesson(dir: Option<&Path>, problems: &[Problem]) -> String {
    let mut message = String::from("no lesson could be loaded");
    if let Some(dir) = dir {
        message.push_str(&format!(" from {}", dir.display()));
    }
    for problem in problems {
        message.push_str(&format!("\n  {problem}"));
    }
    message
}

/// Copies a file or folder (at most 32 folders deep), following only links
/// that stay inside `root`; anything else stops the copy with its name.
fn copy_tree(root: &Path, source: &Path, dest: &Path, depth: usize) -> std::io::Result<()> {
    let source = contain::stays_inside(root, source).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} {e}", source.display()),
        )
    })?;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if !source.is_dir() {
        return std::fs::copy(&source, dest).map(|_| ());
    }
    if depth > 32 {
        return Err(std::io::Error::other(format!(
            "{} is nested too deeply",
            source.display()
        )));
    }
    std::fs::create_dir_all(dest)?;
    for entry in std::fs::read_dir(&source)? {
        let entry = entry?;
        copy_tree(
            root,
            &entry.path(),
            &dest.join(entry.file_name()),
            depth + 1,
        )?;
    }
    Ok(())
}

/// Writes an embedded asset below `root`, at its path within `assets/`.
fn write_embedded(entry: &include_dir::DirEntry<'_>, root: &Path) -> std::io::Result<()> {
    let dest = root.join(entry.path());
    match entry {
        include_dir::DirEntry::File(file) => {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(dest, file.contents())
        }
        include_dir::DirEntry::Dir(dir) => {
            std::fs::create_dir_all(&dest)?;
            dir.entries()
                .iter()
                .try_for_each(|child| write_embedded(child, root))
        }
    }
}

/// One lesson file of a folder, inside it and within [`MAX_LESSON_BYTES`].
fn read_lesson_file(dir: &Path, name: &str) -> Result<String, PathError> {
    let bytes = contain::read_file(dir, name, MAX_LESSON_BYTES)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn is_lesson_file(path: &Path) -> bool {
    path.parent().is_none_or(|p| p.as_os_str().is_empty())
        && path.extension().is_some_and(|e| e == "md")
        && !path
            .file_name()
            .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
}

/// The lesson file a relative Markdown link points at, if it is one.
pub fn lesson_link_file(target: &str) -> Option<&str> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let path = target.split('#').next()?;
    let path = path.strip_prefix("./").unwrap_or(path);
    (path.ends_with(".md") && !path.contains('/')).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str, part: u32, order: u32) -> String {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"T {id}\"\npart = {part}\norder = {order}\n+++\nbody\n"
        )
    }

    #[test]
    fn sorts_by_part_then_order_and_reports_duplicates() {
        let set = LessonSet::from_files(
            vec![
                ("b.md".into(), lesson("b", 2, 1)),
                ("a.md".into(), lesson("a", 1, 0)),
                ("c.md".into(), lesson("b", 3, 0)),
                ("d.md".into(), "broken".into()),
            ],
            Origin::Embedded,
        );
        let ids: Vec<_> = set.lessons.iter().map(|l| l.meta.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(set.problems.len(), 2);
        assert!(set.problems.iter().any(|p| p.file == "c.md" && p.line == 2));
        assert!(set.problems.iter().any(|p| p.file == "d.md" && p.line == 1));
        assert_eq!(set.part_title(1), "T a");
        assert_eq!(set.part_title(9), "Part 9");
    }

    #[test]
    fn a_folder_that_gives_no_course_says_which_kind() {
        let dir = tempfile::tempdir().unwrap();
        let missing = LessonSet::open(Some(&dir.path().join("gone"))).unwrap_err();
        assert!(matches!(missing, LoadError::Missing { .. }), "{missing:?}");
        assert!(missing.to_string().starts_with("cannot read lessons from "));
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let unreadable = LessonSet::open(Some(&file)).unwrap_err();
        assert!(
            matches!(unreadable, LoadError::Unreadable { .. }),
            "{unreadable:?}"
        );
        let empty = LessonSet::open(Some(dir.path())).unwrap_err();
        assert!(matches!(empty, LoadError::Empty { .. }), "{empty:?}");
        std::fs::write(dir.path().join("bad.md"), "+++\nid = 1\n+++\n").unwrap();
        let LoadError::Malformed { problems, .. } = LessonSet::open(Some(dir.path())).unwrap_err()
        else {
            panic!("lessons that do not load are malformed");
        };
        assert_eq!((problems[0].file.as_str(), problems[0].line), ("bad.md", 2));
        std::fs::write(dir.path().join("good.md"), lesson("good", 1, 0)).unwrap();
        let set = LessonSet::open(Some(dir.path())).unwrap();
        assert_eq!((set.len(), set.problems.len()), (1, 1));
    }

    #[test]
    fn link_targets_resolve_to_lesson_files() {
        assert_eq!(lesson_link_file("2-2-pool.md"), Some("2-2-pool.md"));
        assert_eq!(lesson_link_file("./pool.md#top"), Some("pool.md"));
        assert_eq!(lesson_link_file("https://x.org/a.md"), None);
        assert_eq!(lesson_link_file("sub/a.md"), None);
    }

    #[test]
    fn assets_copy_from_the_binary_and_from_a_teachers_folder() {
        let dest = tempfile::tempdir().unwrap();
        let set = LessonSet::embedded();
        set.copy_asset("corpus", dest.path()).unwrap();
        let ants = std::fs::read_to_string(dest.path().join("corpus/ants.txt")).unwrap();
        assert!(!ants.is_empty());
        set.copy_asset("corpus/river.txt", dest.path()).unwrap();
        for bad in ["", "../corpus", "/etc/passwd", "corpus/../../x"] {
            assert!(
                set.copy_asset(bad, dest.path()).is_err(),
                "{bad:?} accepted"
            );
        }
        assert!(set.copy_asset("no-such-data", dest.path()).is_err());

        let teacher = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(teacher.path().join("assets/words/deep")).unwrap();
        std::fs::write(teacher.path().join("assets/words/deep/a.txt"), "own").unwrap();
        std::fs::write(teacher.path().join("table.csv"), "1,2").unwrap();
        let set = LessonSet::from_dir(teacher.path()).unwrap();
        let dest = tempfile::tempdir().unwrap();
        set.copy_asset("words", dest.path()).unwrap();
        set.copy_asset("table.csv", dest.path()).unwrap();
        // A teacher's folder still falls back to forklab's own assets.
        set.copy_asset("corpus", dest.path()).unwrap();
        let read = |p: &str| std::fs::read_to_string(dest.path().join(p)).unwrap();
        assert_eq!(read("words/deep/a.txt"), "own");
        assert_eq!(read("table.csv"), "1,2");
        assert!(dest.path().join("corpus/ants.txt").exists());
    }

    #[test]
    fn a_folder_past_the_lesson_limit_keeps_the_first_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..MAX_LESSONS + 2 {
            std::fs::write(
                dir.path().join(format!("{i:04}.md")),
                lesson(&format!("l{i}"), 1, i as u32),
            )
            .unwrap();
        }
        let set = LessonSet::from_dir(dir.path()).unwrap();
        assert_eq!(set.len(), MAX_LESSONS);
        assert_eq!(set.problems.len(), 1, "{:?}", set.problems);
        let problem = set.problems[0].to_string();
        assert!(
            problem.starts_with("1000.md:1: 1002 lesson files: a set holds at most 1000"),
            "{problem}"
        );
    }

    #[test]
    fn the_embedded_course_loads_cleanly() {
        let set = LessonSet::embedded();
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert!(set.index_of("start").is_some());
        assert!(set.index_of("multiprocessing").is_some());
        assert_eq!(set.lessons[0].meta.id, "start");
    }
}
