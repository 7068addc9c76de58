//! Finding the learner's Python: `--python PATH`, else `FORKLAB_PYTHON`,
//! else the virtual environment forklab itself is installed in (`pipx
//! install forklab`), else `python3` on `PATH`. The interpreter is asked
//! for its version and its start methods once, so the screen can say what
//! ran.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::StartMethod;

/// The oldest Python the examples run on (f-strings with `=`, `math.prod`).
pub const MIN_VERSION: (u32, u32) = (3, 8);

/// The environment variable naming an interpreter when `--python` is absent.
pub const ENV_VAR: &str = "FORKLAB_PYTHON";

/// How long the version probe may take (a cold pyenv shim can be slow).
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// Asks the interpreter what forklab needs to know. Written for Python 2
/// too, so that an old interpreter is reported as old, not as broken.
const PROBE: &str = r#"import sys, platform
sys.stdout.write(platform.python_version() + "\n")
sys.stdout.write("%d %d %d\n" % tuple(sys.version_info[:3]))
try:
    import multiprocessing as m
    sys.stdout.write(str(m.get_start_method()) + "\n")
    sys.stdout.write(",".join(m.get_all_start_methods()) + "\n")
except Exception as e:
    sys.stdout.write("!" + repr(e) + "\n")
sys.stdout.write("executable " + (sys.executable or "") + "\n")
"#;

/// Prints each module named on the command line that this Python cannot
/// find (looked up, not imported, so it is quick and has no side effects).
const FIND_MODULES: &str = r#"import importlib.util, sys
for name in sys.argv[1:]:
    try:
        found = importlib.util.find_spec(name) is not None
    except Exception:
        found = False
    if not found:
        print(name)
"#;

/// Where the interpreter's name came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--python PATH`.
    Flag,
    /// The `FORKLAB_PYTHON` environment variable.
    Env,
    /// `python = ...` in forklab's config file.
    File,
    /// The Python of the virtual environment forklab's own binary is in
    /// (installed from its wheel by pip, pipx or uv).
    Venv,
    /// `python3` searched on `PATH`.
    Path,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::Flag => "--python",
            Source::Env => ENV_VAR,
            Source::File => "the config file",
            Source::Venv => "forklab's virtual environment",
            Source::Path => "PATH",
        })
    }
}

/// A Python interpreter that answered the probe and is recent enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// The program forklab runs: the interpreter's own `sys.executable`,
    /// so a pyenv shim (a shell script) is not run again for each example
    /// and its helper shells do not show up in the process family. A venv's
    /// `bin/python` stays itself (it is its own `sys.executable`).
    pub path: PathBuf,
    /// The program as found (`--python`, the environment, `PATH`), when it
    /// differs from `path` (a shim, a wrapper).
    pub found: PathBuf,
    pub source: Source,
    /// The exact version string, e.g. `3.11.7` or `3.13.0rc1`.
    pub version: String,
    /// (major, minor, micro), for comparisons.
    pub version_info: (u32, u32, u32),
    /// `multiprocessing.get_start_method()`: what runs when none is chosen.
    pub default_start_method: StartMethod,
    /// `multiprocessing.get_all_start_methods()` on this platform.
    pub start_methods: Vec<StartMethod>,
}

/// Why no usable interpreter was found. Its message says what was looked
/// for and how to install Python; the rest of forklab keeps working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// Nothing at the path, or no `python3` on `PATH`.
    NotFound { looked_for: String },
    /// Found, but it could not be run or did not answer like Python.
    Broken {
        path: PathBuf,
        source: Source,
        detail: String,
    },
    /// Older than [`MIN_VERSION`].
    TooOld {
        path: PathBuf,
        source: Source,
        version: String,
    },
}

impl std::fmt::Display for FindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (major, minor) = MIN_VERSION;
        match self {
            FindError::NotFound { looked_for } => {
                write!(f, "no Python interpreter found: looked for {looked_for}.")?
            }
            FindError::Broken {
                path,
                source,
                detail,
            } => write!(
                f,
                "{} (from {source}) does not work as Python: {detail}",
                path.display()
            )?,
            FindError::TooOld {
                path,
                source,
                version,
            } => write!(
                f,
                "{} (from {source}) is Python {version}; the examples need {major}.{minor} or newer.",
                path.display()
            )?,
        }
        write!(
            f,
            "\nforklab runs the lessons' examples with Python {major}.{minor} or newer. To install it:\n  \
             Debian/Ubuntu:  sudo apt install python3\n  \
             macOS:          brew install python3   (or the installer from python.org)\n  \
             Windows:        winget install Python.Python.3.12   (or the installer from python.org)\n\
             Then run forklab again, or name an interpreter with --python PATH or {ENV_VAR}=PATH.\n\
             The lessons can still be read without Python."
        )
    }
}

impl std::error::Error for FindError {}

impl Interpreter {
    /// Finds the interpreter from `--python` (if given), the environment
    /// and `PATH`, and checks its version.
    pub fn find(flag: Option<&Path>) -> Result<Interpreter, FindError> {
        Interpreter::find_chosen(flag.map(|f| (f, Source::Flag)))
    }

    /// The same, with the name chosen by a flag or the config file (and
    /// said so in messages); the environment and `PATH` otherwise.
    pub fn find_chosen(choice: Option<(&Path, Source)>) -> Result<Interpreter, FindError> {
        let venv = std::env::current_exe()
            .ok()
            .and_then(|exe| venv_python(&exe));
        find_from(
            choice,
            std::env::var_os(ENV_VAR).as_deref(),
            venv.as_deref(),
            std::env::var_os("PATH").as_deref(),
        )
    }

    /// [`Interpreter::find_chosen`] for a choice kept by its owner (the
    /// reader keeps the settings' choice for every later search).
    pub fn find_choice(choice: Option<&(PathBuf, Source)>) -> Result<Interpreter, FindError> {
        Interpreter::find_chosen(choice.map(|(path, source)| (path.as_path(), *source)))
    }

    /// Which of `modules` (import names) this Python cannot import.
    pub fn missing_modules(&self, modules: &[String]) -> Result<Vec<String>, String> {
        let args: Vec<&str> = modules.iter().map(String::as_str).collect();
        let out = probe(&self.path, FIND_MODULES, &args).map_err(|e| {
            format!(
                "{} could not look for {}: {e}",
                self.path.display(),
                args.join(", ")
            )
        })?;
        Ok(out
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect())
    }

    /// Whether this platform's Python offers `method`.
    pub fn supports(&self, method: StartMethod) -> bool {
        self.start_methods.contains(&method)
    }
}

/// [`Interpreter::find`] with the environment passed in, for tests.
pub fn find_with(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    path_var: Option<&OsStr>,
) -> Result<Interpreter, FindError> {
    find_chosen_with(flag.map(|f| (f, Source::Flag)), env, path_var)
}

/// [`Interpreter::find_chosen`] with the environment passed in, for tests.
pub fn find_chosen_with(
    choice: Option<(&Path, Source)>,
    env: Option<&OsStr>,
    path_var: Option<&OsStr>,
) -> Result<Interpreter, FindError> {
    find_from(choice, env, None, path_var)
}

/// The Python beside forklab's binary when that binary sits in a virtual
/// environment's `bin` (a wheel installed by pip, pipx or uv tool): the
/// folder holds `python3` or `python` and its parent a `pyvenv.cfg`. A
/// learner who installed forklab with pipx then runs the lessons with no
/// flag, even with no `python3` on PATH.
pub fn venv_python(exe: &Path) -> Option<PathBuf> {
    let bin = exe.parent()?;
    if !bin.parent()?.join("pyvenv.cfg").is_file() {
        return None;
    }
    ["python3", "python"]
        .iter()
        .map(|name| bin.join(name))
        .find(|candidate| is_executable(candidate))
}

/// The search: a chosen name, else the environment variable, else the
/// venv forklab is installed in, else `python3` on PATH.
fn find_from(
    choice: Option<(&Path, Source)>,
    env: Option<&OsStr>,
    venv: Option<&Path>,
    path_var: Option<&OsStr>,
) -> Result<Interpreter, FindError> {
    let (name, source): (OsString, Source) = match (choice, env, venv) {
        (Some((chosen, source)), _, _) => (chosen.as_os_str().to_owned(), source),
        (None, Some(env), _) if !env.is_empty() => (env.to_owned(), Source::Env),
        (None, _, Some(venv)) => (venv.as_os_str().to_owned(), Source::Venv),
        _ => ("python3".into(), Source::Path),
    };
    let path = resolve(&name, path_var).ok_or_else(|| FindError::NotFound {
        looked_for: match source {
            Source::Flag => format!("{} (given with --python)", show(&name, path_var)),
            Source::Env => format!("{} (given in {ENV_VAR})", show(&name, path_var)),
            Source::File => format!(
                "{} (given in the config file: see `forklab config`)",
                show(&name, path_var)
            ),
            Source::Venv => format!(
                "{} (the Python of the virtual environment forklab is installed in)",
                show(&name, path_var)
            ),
            Source::Path => format!(
                "`python3` on PATH ({}); neither --python nor {ENV_VAR} was given",
                path_var
                    .map(|p| p.to_string_lossy().into_owned())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "PATH is empty".into())
            ),
        },
    })?;
    let output = probe(&path, PROBE, &[]).map_err(|detail| FindError::Broken {
        path: path.clone(),
        source,
        detail,
    })?;
    let answer = parse_probe(&output).map_err(|detail| FindError::Broken {
        path: path.clone(),
        source,
        detail,
    })?;
    if (answer.version_info.0, answer.version_info.1) < MIN_VERSION {
        return Err(FindError::TooOld {
            path,
            source,
            version: answer.version,
        });
    }
    let methods = answer.methods.map_err(|detail| FindError::Broken {
        path: path.clone(),
        source,
        detail,
    })?;
    // The interpreter's own idea of itself, if it names a program that
    // exists; else the program as found.
    let real = answer
        .executable
        .as_deref()
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && is_executable(p))
        .unwrap_or_else(|| path.clone());
    Ok(Interpreter {
        path: real,
        found: path,
        source,
        version: answer.version,
        version_info: answer.version_info,
        default_start_method: methods.0,
        start_methods: methods.1,
    })
}

fn show(name: &OsStr, path_var: Option<&OsStr>) -> String {
    if Path::new(name).components().count() > 1 {
        format!("{:?}", Path::new(name))
    } else {
        format!(
            "`{}` on PATH ({})",
            name.to_string_lossy(),
            path_var.map(|p| p.to_string_lossy()).unwrap_or_default()
        )
    }
}

/// A name with a slash is a path; a bare name is searched on `PATH`.
fn resolve(name: &OsStr, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let as_path = Path::new(name);
    if name.is_empty() {
        return None;
    }
    if as_path.components().count() > 1 || as_path.is_absolute() {
        return is_executable(as_path).then(|| as_path.to_path_buf());
    }
    std::env::split_paths(path_var?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs the probe with a time limit; returns its standard output.
fn probe(path: &Path, code: &str, args: &[&str]) -> Result<String, String> {
    let mut child = Command::new(path)
        .args(["-c", code])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || read_all(stdout.as_mut()));
    let err = std::thread::spawn(move || read_all(stderr.as_mut()));
    let status = match crate::os::process::wait_until(&mut child, Instant::now() + PROBE_TIMEOUT) {
        Ok(Some(status)) => status,
        Ok(None) => {
            crate::os::process::reap(&mut child, Instant::now());
            return Err(format!(
                "it did not answer `python -c` within {} s",
                PROBE_TIMEOUT.as_secs()
            ));
        }
        Err(e) => return Err(format!("cannot wait for it: {e}")),
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if status != crate::os::process::Exit::Code(0) {
        let err = crate::sanitize::text(err.trim());
        return Err(format!(
            "`{} -c ...` ended with {status}{}{}",
            path.display(),
            if err.is_empty() { "" } else { ":\n" },
            err
        ));
    }
    Ok(out)
}

fn read_all(pipe: Option<&mut impl Read>) -> String {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        let _ = pipe.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What the probe said. The start methods are an error when
/// `multiprocessing` is unusable (reported only for a recent Python).
#[derive(Debug, PartialEq)]
struct ProbeAnswer {
    version: String,
    version_info: (u32, u32, u32),
    methods: Result<(StartMethod, Vec<StartMethod>), String>,
    /// `sys.executable`, when the interpreter said.
    executable: Option<String>,
}

fn parse_probe(output: &str) -> Result<ProbeAnswer, String> {
    // The last line names the executable (a path may hold spaces, so only
    // the line's end is trimmed).
    let executable = output
        .lines()
        .find_map(|l| l.strip_prefix("executable "))
        .map(|e| e.trim_end().to_string())
        .filter(|e| !e.is_empty());
    let mut lines = output
        .lines()
        .filter(|l| !l.starts_with("executable "))
        .map(str::trim);
    let unexpected = || {
        format!(
            "unexpected answer to the version probe: {:?}",
            crate::sanitize::text(output.trim())
        )
    };
    let version = lines
        .next()
        .filter(|v| !v.is_empty())
        .ok_or_else(unexpected)?;
    let numbers: Vec<u32> = lines
        .next()
        .ok_or_else(unexpected)?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| unexpected())?;
    let [major, minor, micro] = numbers[..] else {
        return Err(unexpected());
    };
    let methods = match (lines.next(), lines.next()) {
        (Some(error), _) if error.starts_with('!') => Err(format!(
            "its multiprocessing module does not load: {}",
            crate::sanitize::text(&error[1..])
        )),
        (Some(default), Some(all)) => default
            .parse::<StartMethod>()
            .map(|default| {
                let all = all.split(',').filter_map(|m| m.parse().ok()).collect();
                (default, all)
            })
            .map_err(|e| format!("multiprocessing's default start method: {e}")),
        _ => Err(unexpected()),
    };
    Ok(ProbeAnswer {
        version: version.to_string(),
        version_info: (major, minor, micro),
        methods,
        executable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A fake interpreter: a shell script that prints `answer`.
    fn fake(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        // Another test thread may fork while the file is open for writing,
        // and exec then fails with "text file busy" for a moment: wait it out.
        for _ in 0..200 {
            match Command::new(&path)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
            {
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::TXTBSY.raw_os_error()) => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => break,
            }
        }
        path
    }

    #[test]
    fn parses_a_modern_answer() {
        let answer = parse_probe("3.13.0rc1\n3 13 0\nforkserver\nfork,spawn,forkserver\n").unwrap();
        assert_eq!(answer.version, "3.13.0rc1");
        assert_eq!(answer.version_info, (3, 13, 0));
        let (default, all) = answer.methods.unwrap();
        assert_eq!(default, StartMethod::Forkserver);
        assert_eq!(all.len(), 3);
        assert_eq!(answer.executable, None);
        let answer = parse_probe(
            "3.12.1\n3 12 1\n!ImportError('x')\nexecutable /opt/my py/bin/python3.12\n",
        )
        .unwrap();
        assert_eq!(
            answer.executable.as_deref(),
            Some("/opt/my py/bin/python3.12")
        );
        assert!(answer.methods.is_err());
    }

    #[test]
    fn rejects_garbage_and_reports_a_broken_multiprocessing() {
        assert!(parse_probe("").is_err());
        assert!(parse_probe("hello\nworld\n").is_err());
        let answer = parse_probe("3.11.2\n3 11 2\n!ImportError('no _multiprocessing')\n").unwrap();
        assert!(answer.methods.unwrap_err().contains("does not load"));
    }

    #[test]
    fn a_missing_python_says_what_was_looked_for_and_how_to_install() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().as_os_str();
        let err = find_with(None, None, Some(empty)).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, FindError::NotFound { .. }));
        assert!(text.contains("`python3` on PATH"), "{text}");
        assert!(text.contains(&dir.path().display().to_string()), "{text}");
        for hint in [
            "Debian/Ubuntu",
            "apt install python3",
            "macOS",
            "Windows",
            "--python",
        ] {
            assert!(text.contains(hint), "{hint} missing from {text}");
        }
        let err = find_with(Some(Path::new("/no/such/python")), None, Some(empty)).unwrap_err();
        assert!(
            err.to_string()
                .contains("\"/no/such/python\" (given with --python)"),
            "{err}"
        );
        let err = find_with(None, Some(OsStr::new("/no/where/py")), Some(empty)).unwrap_err();
        assert!(err.to_string().contains(ENV_VAR), "{err}");
        // A name from the config file is blamed on the file, not a flag.
        let chosen = Some((Path::new("/from/file/py"), Source::File));
        let err = find_chosen_with(chosen, None, Some(empty)).unwrap_err();
        assert!(
            err.to_string()
                .contains("\"/from/file/py\" (given in the config file"),
            "{err}"
        );
    }

    #[test]
    fn an_old_python_is_too_old() {
        let dir = tempfile::tempdir().unwrap();
        fake(
            dir.path(),
            "python3",
            "echo 2.7.18; echo 2 7 18; echo \"!ImportError\"",
        );
        let err = find_with(None, None, Some(dir.path().as_os_str())).unwrap_err();
        assert!(matches!(err, FindError::TooOld { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("is Python 2.7.18") && text.contains("3.8 or newer"),
            "{text}"
        );
        assert!(text.contains("(from PATH)"), "{text}");
    }

    #[test]
    fn a_failing_or_silent_program_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        let failing = fake(
            dir.path(),
            "failing",
            "echo 'pyenv: python3: command not found' >&2; exit 127",
        );
        let err = find_with(Some(&failing), None, None).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, FindError::Broken { .. }), "{err:?}");
        assert!(
            text.contains("command not found") && text.contains("(from --python)"),
            "{text}"
        );
        let silent = fake(dir.path(), "silent", "true");
        let err = find_with(Some(&silent), None, None).unwrap_err();
        assert!(err.to_string().contains("unexpected answer"), "{err}");
    }

    #[test]
    fn the_flag_beats_the_environment_which_beats_path() {
        let dir = tempfile::tempdir().unwrap();
        let answer = |v: &str| {
            format!(
                "echo {v}; echo {}; echo fork; echo fork,spawn",
                v.replace('.', " ")
            )
        };
        let flag = fake(dir.path(), "flag-python", &answer("3.12.1"));
        let env = fake(dir.path(), "env-python", &answer("3.10.4"));
        fake(dir.path(), "python3", &answer("3.9.0"));
        let path_var = Some(dir.path().as_os_str());
        let found = find_with(Some(&flag), Some(env.as_os_str()), path_var).unwrap();
        assert_eq!(
            (found.version.as_str(), found.source),
            ("3.12.1", Source::Flag)
        );
        let found = find_with(None, Some(env.as_os_str()), path_var).unwrap();
        assert_eq!(
            (found.version.as_str(), found.source),
            ("3.10.4", Source::Env)
        );
        let found = find_with(None, Some(OsStr::new("")), path_var).unwrap();
        assert_eq!(
            (found.version.as_str(), found.source),
            ("3.9.0", Source::Path)
        );
        assert_eq!(found.default_start_method, StartMethod::Fork);
        assert!(found.supports(StartMethod::Spawn) && !found.supports(StartMethod::Forkserver));
        // A bare name given with --python is searched on PATH too.
        let by_name = find_with(Some(Path::new("flag-python")), None, path_var).unwrap();
        assert_eq!(by_name.path, flag);
    }

    #[test]
    fn an_installed_forklab_runs_its_own_venvs_python_unless_told_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let answer = |v: &str| {
            format!(
                "echo {v}; echo {}; echo fork; echo fork,spawn",
                v.replace('.', " ")
            )
        };
        let venv = dir.path().join("venv");
        let bin = venv.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let exe = bin.join("forklab");
        std::fs::write(&exe, "").unwrap();
        let python = fake(&bin, "python3", &answer("3.13.0"));
        // Without pyvenv.cfg the folder is no venv (a `pip install --user`).
        assert_eq!(venv_python(&exe), None);
        std::fs::write(venv.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        assert_eq!(venv_python(&exe).as_deref(), Some(python.as_path()));
        let on_path = dir.path().join("path");
        std::fs::create_dir_all(&on_path).unwrap();
        fake(&on_path, "python3", &answer("3.9.0"));
        let env = fake(dir.path(), "env-python", &answer("3.10.4"));
        let path_var = Some(on_path.as_os_str());
        let venv = venv_python(&exe);
        let found = find_from(None, None, venv.as_deref(), path_var).unwrap();
        assert_eq!(
            (found.version.as_str(), found.source, found.path.as_path()),
            ("3.13.0", Source::Venv, python.as_path())
        );
        // The learner's choice (environment, flag or file) still wins.
        let found = find_from(None, Some(env.as_os_str()), venv.as_deref(), path_var).unwrap();
        assert_eq!(found.source, Source::Env);
        let chosen = Some((env.as_path(), Source::File));
        assert_eq!(
            find_from(chosen, None, venv.as_deref(), path_var)
                .unwrap()
                .source,
            Source::File
        );
        // Outside a venv, PATH as before.
        let found = find_from(None, None, None, path_var).unwrap();
        assert_eq!(
            (found.version.as_str(), found.source),
            ("3.9.0", Source::Path)
        );
    }

    #[test]
    fn a_shim_is_resolved_to_the_interpreter_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let real = fake(
            dir.path(),
            "python3.12",
            "echo 3.12.1; echo 3 12 1; echo fork; echo fork,spawn",
        );
        let shim = fake(
            dir.path(),
            "shim",
            &format!(
                "echo 3.12.1; echo 3 12 1; echo fork; echo fork,spawn; echo executable {}",
                real.display()
            ),
        );
        let found = find_with(Some(&shim), None, None).unwrap();
        assert_eq!(
            (found.path.as_path(), found.found.as_path()),
            (real.as_path(), shim.as_path())
        );
        // An executable that does not exist is not believed.
        let liar = fake(
            dir.path(),
            "liar",
            "echo 3.12.1; echo 3 12 1; echo fork; echo fork,spawn; echo executable /no/such/python",
        );
        assert_eq!(find_with(Some(&liar), None, None).unwrap().path, liar);
    }

    #[test]
    fn the_real_python_names_its_executable() {
        // Required under CI or FORKLAB_REQUIRE_PYTHON=1 (as tests/support
        // does), else skipped visibly.
        let found = match Interpreter::find(None) {
            Ok(found) => found,
            Err(e) => {
                let required = std::env::var("FORKLAB_REQUIRE_PYTHON").is_ok_and(|v| v == "1")
                    || std::env::var("CI").is_ok_and(|v| v == "true");
                assert!(!required, "Python is required here:\n{e}");
                eprintln!("skipped: no Python: {e}");
                return;
            }
        };
        assert!(
            found.path.is_absolute() && is_executable(&found.path),
            "{found:?}"
        );
        let head = std::fs::read(&found.path).unwrap_or_default();
        assert!(
            !head.starts_with(b"#!"),
            "{} is a script, not Python",
            found.path.display()
        );
    }
}
