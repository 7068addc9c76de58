//! Files a lesson set names are untrusted input: a pack downloaded from the
//! internet may name `../../.ssh/id_rsa`, an absolute path, or a link that
//! leads out of the pack. Every file a lesson names (examples, data,
//! exercise starters and solutions) is resolved here, and only a path that
//! lies inside the set's folder after resolving links is handed out.
//!
//! One helper for every kind of file, so `check` and the runners agree.

use std::path::{Component, Path, PathBuf};

/// Why a named file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    Empty,
    /// `/etc/passwd`, `C:\x`.
    Absolute,
    /// `..` anywhere in the name.
    Parent,
    /// A NUL or another control character in the name.
    BadName,
    NotFound,
    /// Inside by name, outside once links are followed.
    Outside {
        resolved: PathBuf,
    },
    /// A FIFO, device or socket: reading it could hang or leak.
    NotRegular,
    /// A folder where a file is needed.
    IsDir,
    /// Over the limit, in bytes, that forklab reads.
    TooLarge(u64),
    Io(String),
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathError::Empty => write!(f, "is empty"),
            PathError::Absolute => write!(
                f,
                "is an absolute path; name files relative to the lesson folder"
            ),
            PathError::Parent => write!(f, "uses `..`; files must lie inside the lesson folder"),
            PathError::BadName => write!(f, "contains a control character"),
            PathError::NotFound => write!(f, "not found"),
            PathError::Outside { resolved } => write!(
                f,
                "leads outside the lesson folder (through a link, to {})",
                crate::sanitize::text(&resolved.display().to_string())
            ),
            PathError::NotRegular => write!(
                f,
                "is not a regular file or folder (a device, pipe or socket)"
            ),
            PathError::IsDir => write!(f, "is a folder, not a file"),
            PathError::TooLarge(limit) => write!(
                f,
                "is larger than {} MB, the most forklab reads",
                limit >> 20
            ),
            PathError::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

impl std::error::Error for PathError {}

/// Checks the name alone: relative, no `..`, no control characters.
pub fn check_name(relative: &str) -> Result<&Path, PathError> {
    if relative.is_empty() {
        return Err(PathError::Empty);
    }
    if relative.chars().any(char::is_control) {
        return Err(PathError::BadName);
    }
    let path = Path::new(relative);
    let mut normal = 0;
    for component in path.components() {
        match component {
            Component::Normal(_) => normal += 1,
            Component::CurDir => {}
            Component::ParentDir => return Err(PathError::Parent),
            Component::RootDir | Component::Prefix(_) => return Err(PathError::Absolute),
        }
    }
    if normal == 0 {
        return Err(PathError::Empty);
    }
    Ok(path)
}

/// `root/relative`, resolved, if it is a regular file or a folder inside
/// `root` after following every link.
pub fn resolve_entry(root: &Path, relative: &str) -> Result<PathBuf, PathError> {
    let path = check_name(relative)?;
    let root = root.canonicalize().map_err(|e| match e.kind() {
        // Nothing is found in a folder that is not there.
        std::io::ErrorKind::NotFound => PathError::NotFound,
        _ => PathError::Io(format!("{}: {e}", root.display())),
    })?;
    let resolved = match root.join(path).canonicalize() {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling link still must not point outside: say where it leads.
            return Err(PathError::NotFound);
        }
        Err(e) => return Err(PathError::Io(e.to_string())),
    };
    if !resolved.starts_with(&root) {
        return Err(PathError::Outside { resolved });
    }
    let meta = std::fs::metadata(&resolved).map_err(|e| PathError::Io(e.to_string()))?;
    if !(meta.is_file() || meta.is_dir()) {
        return Err(PathError::NotRegular);
    }
    Ok(resolved)
}

/// Like [`resolve_entry`], for a regular file only.
pub fn resolve_file(root: &Path, relative: &str) -> Result<PathBuf, PathError> {
    let resolved = resolve_entry(root, relative)?;
    if resolved.is_dir() {
        return Err(PathError::IsDir);
    }
    Ok(resolved)
}

/// Reads a file named by a lesson, refusing anything [`resolve_file`]
/// refuses and files over `limit` bytes.
pub fn read_file(root: &Path, relative: &str, limit: u64) -> Result<Vec<u8>, PathError> {
    use std::io::Read;
    let path = resolve_file(root, relative)?;
    let file = std::fs::File::open(&path).map_err(|e| PathError::Io(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| PathError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(PathError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Whether `path` (already inside `root` by name) stays inside it once
/// links are followed; for walking a data folder entry by entry.
pub fn stays_inside(root: &Path, path: &Path) -> Result<PathBuf, PathError> {
    let root = root
        .canonicalize()
        .map_err(|e| PathError::Io(e.to_string()))?;
    let resolved = path.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PathError::NotFound,
        _ => PathError::Io(e.to_string()),
    })?;
    if !resolved.starts_with(&root) {
        return Err(PathError::Outside { resolved });
    }
    let meta = std::fs::metadata(&resolved).map_err(|e| PathError::Io(e.to_string()))?;
    if !(meta.is_file() || meta.is_dir()) {
        return Err(PathError::NotRegular);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_refused_before_any_lookup() {
        for (name, want) in [
            ("", PathError::Empty),
            (".", PathError::Empty),
            ("/etc/passwd", PathError::Absolute),
            ("../outside.py", PathError::Parent),
            ("examples/../../x", PathError::Parent),
            ("a\u{1b}[2J.py", PathError::BadName),
        ] {
            assert_eq!(check_name(name).unwrap_err(), want, "{name:?}");
        }
        assert!(check_name("./examples/a.py").is_ok());
    }

    #[test]
    fn links_out_of_the_folder_and_special_files_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.py"), "print('x')").unwrap();
        let pack = tempfile::tempdir().unwrap();
        let root = pack.path();
        std::fs::create_dir(root.join("examples")).unwrap();
        std::fs::write(root.join("examples/ok.py"), "print(1)").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.py"),
            root.join("examples/out.py"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("outdir")).unwrap();
        std::os::unix::fs::symlink(root.join("examples/ok.py"), root.join("alias.py")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.py")).unwrap();

        assert!(read_file(root, "examples/ok.py", 100).is_ok());
        assert!(
            read_file(root, "alias.py", 100).is_ok(),
            "a link inside is fine"
        );
        assert!(matches!(
            read_file(root, "examples/out.py", 100),
            Err(PathError::Outside { .. })
        ));
        assert!(matches!(
            read_file(root, "outdir/secret.py", 100),
            Err(PathError::Outside { .. })
        ));
        assert!(matches!(
            read_file(root, "zero.py", 100),
            Err(PathError::Outside { .. })
        ));
        assert_eq!(read_file(root, "examples", 100), Err(PathError::IsDir));
        assert_eq!(read_file(root, "nope.py", 100), Err(PathError::NotFound));
        assert!(matches!(
            read_file(root, "examples/ok.py", 3),
            Err(PathError::TooLarge(3))
        ));
        let message = PathError::Outside {
            resolved: "/tmp/\u{1b}x".into(),
        }
        .to_string();
        assert!(!message.contains('\u{1b}'), "{message}");
    }
}
