//! A lesson set: the course embedded in the binary, or a teacher's folder.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::model::{Lesson, Problem};
use super::parse::parse_lesson;

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

    /// A teacher's own lesson folder (`--lessons DIR`).
    pub fn from_dir(dir: &Path) -> std::io::Result<LessonSet> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_file()
                && path
                    .file_name()
                    .is_some_and(|n| is_lesson_file(Path::new(n)))
            {
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                match std::fs::read(&path) {
                    Ok(bytes) => files.push((name, String::from_utf8_lossy(&bytes).into_owned())),
                    Err(e) => files.push((name, format!("\u{0}unreadable: {e}"))),
                }
            }
        }
        Ok(Self::from_files(files, Origin::Dir(dir.to_path_buf())))
    }

    /// Parses every file, keeps the good lessons in course order and records
    /// the rest (bad files, duplicate ids) as problems.
    pub fn from_files(mut files: Vec<(String, String)>, origin: Origin) -> LessonSet {
        files.sort();
        let mut lessons: Vec<Lesson> = Vec::new();
        let mut problems = Vec::new();
        for (name, text) in files {
            if let Some(err) = text.strip_prefix("\u{0}") {
                problems.push(Problem {
                    file: name,
                    line: 1,
                    message: err.to_string(),
                });
                continue;
            }
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

    /// Reads a file of the set (an example script), relative to its folder.
    pub fn read_file(&self, relative: &str) -> Option<Vec<u8>> {
        match &self.origin {
            Origin::Embedded => EMBEDDED_LESSONS
                .get_file(relative)
                .map(|f| f.contents().to_vec()),
            Origin::Dir(dir) => std::fs::read(dir.join(relative)).ok(),
        }
    }

    /// Whether a data name (file or folder under `assets/`) can be found:
    /// in a teacher's folder first, then among forklab's own assets.
    pub fn has_asset(&self, name: &str) -> bool {
        if let Origin::Dir(dir) = &self.origin
            && (dir.join(name).exists() || dir.join("assets").join(name).exists())
        {
            return true;
        }
        EMBEDDED_ASSETS.get_entry(name).is_some()
    }

    /// Copies a data name (file or folder, found as [`Self::has_asset`]
    /// finds it) to `dest_dir/NAME`, for a script that reads `./NAME`.
    /// Names that could escape `dest_dir` (absolute, `..`) are refused.
    pub fn copy_asset(&self, name: &str, dest_dir: &Path) -> std::io::Result<()> {
        use std::path::Component;
        let relative = Path::new(name);
        let plain = !name.is_empty()
            && relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{name:?} is not a plain relative name"),
            ));
        }
        let dest = dest_dir.join(relative);
        if let Origin::Dir(dir) = &self.origin {
            for source in [dir.join(relative), dir.join("assets").join(relative)] {
                if source.exists() {
                    return copy_tree(&source, &dest, 0);
                }
            }
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

/// Copies a file or folder (following links, at most 32 folders deep).
fn copy_tree(source: &Path, dest: &Path, depth: usize) -> std::io::Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if !source.is_dir() {
        return std::fs::copy(source, dest).map(|_| ());
    }
    if depth > 32 {
        return Err(std::io::Error::other(format!(
            "{} is nested too deeply",
            source.display()
        )));
    }
    std::fs::create_dir_all(dest)?;
    for entry in std::fs::read_dir(source)? {
        let entry = entry?;
        copy_tree(&entry.path(), &dest.join(entry.file_name()), depth + 1)?;
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
    fn the_embedded_course_loads_cleanly() {
        let set = LessonSet::embedded();
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert!(set.index_of("start").is_some());
        assert!(set.index_of("multiprocessing").is_some());
        assert_eq!(set.lessons[0].meta.id, "start");
    }
}
