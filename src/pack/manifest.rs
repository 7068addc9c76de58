//! `pack.toml`: who made a pack and which forklab it needs.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The largest `pack.toml` read.
const MAX_MANIFEST_BYTES: u64 = 64 << 10;

/// A pack's `pack.toml`. Unknown keys are errors, as in lessons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Installed as `packs/NAME`: lowercase letters, digits and dashes.
    pub name: String,
    /// The pack's own version, e.g. "1.0.0".
    pub version: String,
    /// Title shown in lists (default: the name).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default)]
    pub authors: Vec<String>,
    /// An SPDX identifier such as "CC-BY-4.0".
    #[serde(alias = "license")]
    pub licence: String,
    /// The oldest forklab that can read the pack, e.g. "0.1".
    pub forklab: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Pack names become folder and file names: keep them plain.
pub use crate::paths::is_valid_pack_name as is_valid_name;

/// What is wrong with a `pack.toml`, with its line when it has one, so
/// `forklab check` lists it as `pack.toml:LINE: ...` without reading the
/// message back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// Missing, a link leading out, too large...
    #[error("pack.toml {0}")]
    Unreadable(crate::lesson::contain::PathError),
    #[error("pack.toml is not UTF-8")]
    NotUtf8,
    /// Not TOML, or keys of the wrong type or unknown.
    #[error("pack.toml:{line}: {message}")]
    Syntax { line: usize, message: String },
    /// Parsed, but a value is not allowed (name, forklab, version).
    #[error("pack.toml: {0}")]
    Invalid(String),
}

impl ManifestError {
    /// The line at fault (1 when the file as a whole is).
    pub fn line(&self) -> usize {
        match self {
            ManifestError::Syntax { line, .. } => *line,
            _ => 1,
        }
    }

    /// The message without the file's name and line.
    pub fn what(&self) -> String {
        match self {
            ManifestError::Unreadable(e) => e.to_string(),
            ManifestError::NotUtf8 => "is not UTF-8".into(),
            ManifestError::Syntax { message, .. } | ManifestError::Invalid(message) => {
                message.clone()
            }
        }
    }
}

impl Manifest {
    /// Reads and validates `DIR/pack.toml`.
    pub fn read(dir: &Path) -> Result<Manifest, ManifestError> {
        let bytes = crate::lesson::contain::read_file(dir, "pack.toml", MAX_MANIFEST_BYTES)
            .map_err(ManifestError::Unreadable)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| ManifestError::NotUtf8)?;
        Self::parse_checked(text)
    }

    /// Parses and validates the text of a `pack.toml`.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        Self::parse_checked(text).map_err(|e| e.to_string())
    }

    /// [`Self::parse`], saying what is wrong by kind and line.
    pub fn parse_checked(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                1 + text[..s.start.min(text.len())].matches('\n').count()
            });
            ManifestError::Syntax {
                line,
                message: crate::sanitize::field(e.message().trim_end(), 300).into_owned(),
            }
        })?;
        if !is_valid_name(&manifest.name) {
            return Err(ManifestError::Invalid(format!(
                "name {:?} must be 1 to 64 lowercase letters, digits and dashes",
                super::limits::shown(&manifest.name)
            )));
        }
        if version_parts(&manifest.forklab).is_none() {
            return Err(ManifestError::Invalid(format!(
                "forklab = {:?} must be a version such as \"0.1\" (the oldest forklab the pack needs)",
                super::limits::shown(&manifest.forklab)
            )));
        }
        if manifest.version.trim().is_empty() {
            return Err(ManifestError::Invalid("version is empty".into()));
        }
        Ok(manifest)
    }

    /// Whether this forklab is recent enough for the pack; an error says
    /// which forklab it needs.
    pub fn supported(&self) -> Result<(), String> {
        let ours = env!("CARGO_PKG_VERSION");
        let (need, have) = (version_parts(&self.forklab), version_parts(ours));
        match (need, have) {
            (Some(need), Some(have)) if have >= need => Ok(()),
            _ => Err(format!(
                "pack {:?} needs forklab {} or later; this is forklab {ours}",
                self.name, self.forklab
            )),
        }
    }

    /// The name to show.
    pub fn title(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }
}

/// "0.1" or "0.1.2" as numbers, missing parts 0.
fn version_parts(version: &str) -> Option<[u64; 3]> {
    let version = version.trim().trim_start_matches(">=").trim();
    let mut parts = [0; 3];
    let mut count = 0;
    for (slot, part) in parts.iter_mut().zip(version.split('.')) {
        *slot = part.parse().ok()?;
        count += 1;
    }
    (count >= 1 && version.split('.').count() <= 3).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name = \"pools\"\nversion = \"1.0.0\"\nauthors = [\"A Teacher\"]\nlicence = \"CC-BY-4.0\"\nforklab = \"0.1\"\n";

    #[test]
    fn a_good_manifest_parses_and_this_forklab_reads_it() {
        let m = Manifest::parse(GOOD).unwrap();
        assert_eq!(m.name, "pools");
        assert_eq!(m.title(), "pools");
        m.supported().unwrap();
        let american = GOOD.replace("licence", "license");
        assert_eq!(Manifest::parse(&american).unwrap().licence, "CC-BY-4.0");
    }

    #[test]
    fn bad_manifests_say_what_is_wrong() {
        let err = Manifest::parse(&GOOD.replace("pools", "../evil")).unwrap_err();
        assert!(err.contains("name"), "{err}");
        let err = Manifest::parse(&GOOD.replace("\"0.1\"", "\"soon\"")).unwrap_err();
        assert!(err.contains("forklab"), "{err}");
        let err = Manifest::parse(&format!("{GOOD}colour = 1\n")).unwrap_err();
        assert!(err.starts_with("pack.toml:6:"), "{err}");
        let future = Manifest::parse(&GOOD.replace("\"0.1\"", "\"99.0\"")).unwrap();
        assert!(
            future
                .supported()
                .unwrap_err()
                .contains("needs forklab 99.0")
        );
    }
}
