//! The exit statuses of the headless commands, in one place, so scripts
//! grading a class or wrapping `forklab` can rely on them.

/// Done, or (for `practice check`) the file passed every check.
pub const OK: u8 = 0;
/// A run or check failed (`practice check`: a check failed).
pub const FAILED: u8 = 1;
/// The arguments cannot run (clap's own status for bad arguments), the
/// file could not be checked (unknown id, no file, no Python), or a pack
/// is named wrong or added again without `--replace`.
pub const USAGE: u8 = 2;
/// `practice check`: no check failed, but a timing check could not be
/// judged now (other programs kept the cores busy): check again later.
pub const CANNOT_JUDGE: u8 = 3;
/// `forklab run --join`: the table was printed, but the class did not
/// store it (refused, unreachable, or nothing to send): send it again.
pub const NOT_SENT: u8 = 4;
/// An example was not run: a module it requires is missing (the usual
/// "skipped" status).
pub const SKIPPED: u8 = 77;
/// The time limit stopped the script (as `timeout(1)`).
pub const TIMED_OUT: u8 = 124;

/// Why a command could not do what it was asked. Commands return it;
/// `cli::main`, the edge, prints it (through the sanitizer, as
/// `forklab: ...` or `forklab COMMAND: ...`) and exits with
/// [`Error::status`], the one place an error becomes a status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The work was tried and failed (a run, a file, the output): [`FAILED`].
    #[error("{0}")]
    Failed(String),
    /// What was asked cannot run (an argument, an unknown id, no file, no
    /// Python): [`USAGE`].
    #[error("{0}")]
    Usage(String),
    /// The same, in a command whose messages name it (`forklab run: ...`).
    #[error("{message}")]
    UsageIn {
        command: &'static str,
        message: String,
    },
}

impl Error {
    /// The exit status this error ends forklab with.
    pub fn status(&self) -> u8 {
        match self {
            Error::Failed(_) => FAILED,
            Error::Usage(_) | Error::UsageIn { .. } => USAGE,
        }
    }

    /// Who speaks: `forklab`, or `forklab run` for a command's own.
    pub fn speaker(&self) -> String {
        match self {
            Error::UsageIn { command, .. } => format!("forklab {command}"),
            _ => "forklab".to_string(),
        }
    }
}

/// A pack named wrong, or added again without `--replace`, is the
/// teacher's to fix (usage); the rest failed (an interrupted or refused
/// `pack add` too).
impl From<crate::pack::Error> for Error {
    fn from(e: crate::pack::Error) -> Error {
        if e.is_usage() {
            Error::Usage(e.to_string())
        } else {
            Error::Failed(e.to_string())
        }
    }
}

/// A refused `config set` is the learner's to fix (usage); a file that
/// cannot be read or written failed.
impl From<crate::config::SaveError> for Error {
    fn from(e: crate::config::SaveError) -> Error {
        match e {
            crate::config::SaveError::Refused { .. } => Error::Usage(e.to_string()),
            _ => Error::Failed(e.to_string()),
        }
    }
}

/// A course that gives no lesson failed, whatever the kind (a missing
/// or unreadable folder, lessons that do not load, none at all).
impl From<crate::lesson::LoadError> for Error {
    fn from(e: crate::lesson::LoadError) -> Error {
        Error::Failed(e.to_string())
    }
}

/// An exercise that cannot be checked: a wrong id or the learner's file
/// gone is theirs to fix (usage); a course lacking a file it names failed.
impl From<crate::practice::Error> for Error {
    fn from(e: crate::practice::Error) -> Error {
        if e.is_learners() {
            Error::Usage(e.to_string())
        } else {
            Error::Failed(e.to_string())
        }
    }
}

/// No Python to run with is the user's to fix (`--python`): usage.
impl From<crate::python::FindError> for Error {
    fn from(e: crate::python::FindError) -> Error {
        Error::Usage(e.to_string())
    }
}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::Failed(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::Failed(message.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_status_and_speaker() {
        let failed = Error::from("x".to_string());
        assert_eq!((failed.status(), failed.speaker().as_str()), (1, "forklab"));
        let usage = Error::Usage("x".into());
        assert_eq!((usage.status(), usage.speaker().as_str()), (2, "forklab"));
        let run = Error::UsageIn {
            command: "run",
            message: "x".into(),
        };
        assert_eq!((run.status(), run.speaker().as_str()), (2, "forklab run"));
        assert_eq!(run.to_string(), "x");
    }

    #[test]
    fn no_python_is_a_usage_error() {
        let missing = crate::python::FindError::NotFound {
            looked_for: "python3".into(),
        };
        assert_eq!(Error::from(missing).status(), USAGE);
    }
}
