//! Handing the terminal to the learner's editor (`E` on an exercise):
//! which editor, how it is started, and what to say when it cannot be.
//! The event loop leaves the alternate screen and stops reading keys
//! before calling [`edit`], and takes the terminal back after.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// The editor command: `$VISUAL`, else `$EDITOR` (split into words, so
/// `code --wait` works); `None` when neither is set.
pub fn editor_command(visual: Option<OsString>, editor: Option<OsString>) -> Option<Vec<String>> {
    [visual, editor]
        .into_iter()
        .flatten()
        .map(|value| {
            value
                .to_string_lossy()
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|words| !words.is_empty())
}

/// Runs the editor on `path` with the terminal (blocking until it ends).
/// The error is one line for the status bar.
pub fn edit(path: &Path) -> Result<(), String> {
    let Some(words) = editor_command(std::env::var_os("VISUAL"), std::env::var_os("EDITOR")) else {
        return Err(format!(
            "No editor: set $VISUAL or $EDITOR (e.g. EDITOR=nano), or edit {} in another window: forklab checks it on every save",
            path.display()
        ));
    };
    let (program, args) = words.split_first().expect("not empty");
    let status = Command::new(program)
        .args(args)
        .arg(path)
        .status()
        .map_err(|e| format!("Cannot start the editor {program:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "The editor {program:?} ended with {}",
            crate::os::process::Exit::from(status)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_wins_and_words_are_split() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            editor_command(os("code --wait"), os("vi")),
            Some(vec!["code".to_string(), "--wait".to_string()])
        );
        assert_eq!(
            editor_command(os("  "), os("nano")),
            Some(vec!["nano".into()])
        );
        assert_eq!(editor_command(None, None), None);
        assert_eq!(editor_command(None, os("")), None);
    }
}
