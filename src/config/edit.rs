//! `forklab config set`: one key changed in a file the learner may have
//! written by hand. The file is edited as TOML (toml_edit), not as
//! lines, so any valid file (quoted keys, multi-line strings, comments)
//! keeps its formatting and only the key changes.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Value};

use super::{KEYS, StartMethod, ThemeName, check_processes, parse, parse_refresh, parse_size};
use crate::lab::engine::dask::parse_scheduler;

/// The file's text with `key` set to `value`, or its entry removed when
/// `value` is `None`. Everything else, comments included, stays as it
/// was (a value keeps its trailing comment; a removed key's comment
/// lines above it stay); the result is checked as the reader will read
/// it, so a bad value or an unreadable file is refused with its reason
/// and nothing changes.
pub fn edit(text: &str, key: &str, value: Option<&str>) -> Result<String, String> {
    if !KEYS.contains(&key) {
        return Err(format!(
            "unknown setting {key:?}: the settings are {}",
            KEYS.join(", ")
        ));
    }
    let fix_first = |e: String| format!("the file does not read as it is ({e}): fix it first");
    parse(text).map_err(fix_first)?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| fix_first(e.message().trim().to_string()))?;
    match value {
        None => remove(&mut doc, key),
        Some(v) => {
            let mut new = checked(key, v)?;
            if let Some(old) = doc.get(key).and_then(Item::as_value) {
                *new.decor_mut() = old.decor().clone();
            }
            doc[key] = Item::Value(new);
        }
    }
    let out = doc.to_string();
    parse(&out).map_err(|e| format!("{key}: {e}"))?;
    Ok(out)
}

/// `value` checked as the reader will check it (for its messages), as
/// the TOML value to write.
fn checked(key: &str, v: &str) -> Result<Value, String> {
    let number = |n: u64| i64::try_from(n).map(Value::from).map_err(|e| e.to_string());
    match key {
        "refresh_ms" => {
            let ms: u64 = v
                .trim()
                .parse()
                .map_err(|_| format!("refresh_ms is a number of milliseconds, not {v:?}"))?;
            parse_refresh(ms)?;
            number(ms)
        }
        "max_processes" => {
            let n: u64 = v
                .trim()
                .parse()
                .map_err(|_| format!("max_processes is a number, not {v:?}"))?;
            number(check_processes(n)?)
        }
        _ => {
            match key {
                "max_memory" => parse_size(v).map(drop)?,
                "theme" => v.parse::<ThemeName>().map(drop)?,
                "start_method" => v.parse::<StartMethod>().map(drop)?,
                "dask_scheduler" => parse_scheduler(v).map(drop)?,
                _ => {}
            }
            Ok(Value::from(v))
        }
    }
}

/// Removes `key`; the comment lines above it (kept by toml_edit as the
/// key's prefix) move to the key after it, or to the end of the file.
fn remove(doc: &mut DocumentMut, key: &str) {
    let next = {
        let mut keys = doc.iter().map(|(k, _)| k);
        keys.by_ref().find(|k| *k == key);
        keys.next().map(str::to_string)
    };
    let Some((removed, _)) = doc.remove_entry(key) else {
        return;
    };
    let above = removed
        .leaf_decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string();
    if above.trim().is_empty() {
        return;
    }
    match next.and_then(|n| doc.key_mut(&n)) {
        Some(mut next) => {
            let decor = next.leaf_decor_mut();
            let own = decor.prefix().and_then(|p| p.as_str()).unwrap_or("");
            let joined = format!("{above}{own}");
            decor.set_prefix(joined);
        }
        None => {
            let trailing = doc.trailing().as_str().unwrap_or("").to_string();
            doc.set_trailing(format!("{above}{trailing}"));
        }
    }
}

/// Why `config set` changed nothing: the change was refused (the
/// learner's to fix: a usage error), or the file could not be read or
/// written (a failure).
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}: {reason}; nothing changed", .path.display())]
    Refused { path: PathBuf, reason: String },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create {}: {source}", .dir.display())]
    Create {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Sets (or with `None` removes) one key in the config file at `path`,
/// creating the file and its folder when missing; written whole to a
/// temporary file and renamed over, so a failure leaves the old file.
pub fn save(path: &Path, key: &str, value: Option<&str>) -> Result<(), SaveError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            let path = path.to_path_buf();
            return Err(SaveError::Read { path, source });
        }
    };
    let new = edit(&text, key, value).map_err(|reason| SaveError::Refused {
        path: path.to_path_buf(),
        reason,
    })?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| SaveError::Create {
        dir: dir.to_path_buf(),
        source,
    })?;
    let temp = dir.join(format!(".config.toml.{}", std::process::id()));
    std::fs::write(&temp, new)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&temp);
            SaveError::Write {
                path: path.to_path_buf(),
                source,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn edit_sets_replaces_and_removes_one_key_and_keeps_the_rest() {
        let text = "# my settings\ntheme = \"dark\"  # for the lab\nrefresh_ms = 500\n";
        let set = edit(text, "theme", Some("light")).unwrap();
        assert_eq!(
            set,
            "# my settings\ntheme = \"light\"  # for the lab\nrefresh_ms = 500\n"
        );
        let odd = "/opt/py \"3\"/bin/python3";
        let added = edit(&set, "python", Some(odd)).unwrap();
        assert_eq!(parse(&added).unwrap().python, Some(PathBuf::from(odd)));
        let removed = edit(&added, "refresh_ms", None).unwrap();
        assert!(!removed.contains("refresh_ms") && removed.starts_with("# my settings\n"));
        assert_eq!(
            edit("", "refresh_ms", Some("250")).unwrap(),
            "refresh_ms = 250\n"
        );
    }

    #[test]
    fn edit_refuses_what_the_reader_would_refuse() {
        let bad = |text: &str, key: &str, value: &str| edit(text, key, Some(value)).unwrap_err();
        assert!(bad("", "colour", "on").contains("the settings are theme, refresh_ms"));
        assert!(bad("", "theme", "purple").contains("unknown theme"));
        assert!(bad("", "refresh_ms", "fast").contains("number of milliseconds"));
        assert!(bad("", "refresh_ms", "3").contains("not offered"));
        assert!(bad("", "start_method", "clone").contains("clone"));
        let broken = bad("theme = \n", "refresh_ms", "500");
        assert!(
            broken.contains("line 1") && broken.contains("fix it first"),
            "{broken}"
        );
    }

    #[test]
    fn save_writes_the_file_and_its_folder_and_leaves_a_bad_one_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("forklab").join("config.toml");
        save(&path, "theme", Some("mono")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "theme = \"mono\"\n"
        );
        std::fs::write(&path, "theme = [\n").unwrap();
        let refused = save(&path, "theme", Some("light")).unwrap_err();
        assert!(matches!(refused, SaveError::Refused { .. }), "{refused}");
        assert!(refused.to_string().contains("nothing changed"), "{refused}");
        // Refused: the learner's to fix (status 2), unlike a failed write.
        use crate::commands::status;
        assert_eq!(status::Error::from(refused).status(), status::USAGE);
        let failed = SaveError::Write {
            path: path.clone(),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        };
        assert_eq!(status::Error::from(failed).status(), status::FAILED);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "theme = [\n");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn edit_keeps_any_valid_file_it_did_not_write() {
        // A quoted key, a multi-line string, a literal string, comments
        // and odd spacing: only the key set changes.
        let text = "# by hand\n\"theme\"   =   'dark'   # mine\n\n# the interpreter\n\
                    python = \"\"\"\n/opt/py/bin/python3\"\"\"\n\
                    max_memory = '''\n2GiB'''  # a lot\n";
        let theme = edit(text, "theme", Some("light")).unwrap();
        assert_eq!(theme, text.replace("'dark'", "\"light\""));
        let python = edit(text, "python", Some("/usr/bin/python3")).unwrap();
        assert_eq!(
            python,
            text.replace("\"\"\"\n/opt/py/bin/python3\"\"\"", "\"/usr/bin/python3\"")
        );
        assert_eq!(
            parse(&python).unwrap().python,
            Some(PathBuf::from("/usr/bin/python3"))
        );
        let refresh = edit(text, "refresh_ms", Some("500")).unwrap();
        assert_eq!(refresh, format!("{text}refresh_ms = 500\n"));
        // Removing a key keeps the comment above it and drops its lines.
        let removed = edit(text, "python", None).unwrap();
        assert_eq!(
            removed,
            "# by hand\n\"theme\"   =   'dark'   # mine\n\n# the interpreter\n\
             max_memory = '''\n2GiB'''  # a lot\n"
        );
        assert_eq!(
            parse(&removed).unwrap().max_memory.unwrap().get_ref(),
            "2GiB"
        );
    }
}
