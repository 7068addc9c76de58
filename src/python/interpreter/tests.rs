//! The search and the probe's answers, with fake interpreters (shell
//! scripts) and the real one.

use super::probe::parse_probe;
use super::*;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

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
    let answer =
        parse_probe("3.12.1\n3 12 1\n!ImportError('x')\nexecutable /opt/my py/bin/python3.12\n")
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

/// The probe's answers, as the three kinds of build print them: a GIL
/// build (3.11 to 3.15 as shipped; every one of them printed `gil 0 1`
/// here), a free-threaded build (`python3.14t`), and the same with
/// `PYTHON_GIL=1`. The free-threaded answers are what `probe.py` prints
/// where `Py_GIL_DISABLED` is 1 and `sys._is_gil_enabled()` False or True
/// (no free-threaded build is reachable on this machine).
#[test]
fn the_gil_line_tells_the_three_builds_apart() {
    let answer = |gil: &str| {
        parse_probe(&format!(
            "3.14.0\n3 14 0\nforkserver\nforkserver,fork,spawn\n{gil}executable /usr/bin/python3.14t\n"
        ))
    };
    let standard = answer("gil 0 1\n").unwrap();
    assert_eq!(
        standard.gil,
        Gil {
            free_threaded: false,
            enabled: true
        }
    );
    assert_eq!(standard.gil.describe(), "GIL on");
    assert!(!standard.gil.threads_run_in_parallel());
    // The line does not disturb the lines around it.
    assert_eq!(standard.version_info, (3, 14, 0));
    assert_eq!(standard.methods.unwrap().1.len(), 3);
    assert_eq!(standard.executable.as_deref(), Some("/usr/bin/python3.14t"));

    let free = answer("gil 1 0\n").unwrap().gil;
    assert_eq!((free.free_threaded, free.enabled), (true, false));
    assert_eq!(free.describe(), "free-threaded, GIL off");
    assert!(free.threads_run_in_parallel());

    let forced = answer("gil 1 1\n").unwrap().gil;
    assert_eq!((forced.free_threaded, forced.enabled), (true, true));
    assert_eq!(forced.describe(), "free-threaded, GIL on");
    assert!(!forced.threads_run_in_parallel());

    // An answer from before the line existed: a standard build.
    assert_eq!(answer("").unwrap().gil, Gil::default());
    // A garbled line is an error that quotes it, not a guess.
    for bad in ["gil 2 1\n", "gil 1\n", "gil 0 1 1\n", "gil yes no\n"] {
        let err = answer(bad).unwrap_err();
        assert!(err.contains("about the GIL"), "{bad:?}: {err}");
    }
}

/// The probe itself, run by each fake build: a shell script that prints
/// what `probe.py` prints there, through the whole search.
#[test]
fn the_search_reports_the_gil_of_the_interpreter_found() {
    let dir = tempfile::tempdir().unwrap();
    for (name, line, describe) in [
        ("gil", "gil 0 1", "GIL on"),
        ("free", "gil 1 0", "free-threaded, GIL off"),
        ("forced", "gil 1 1", "free-threaded, GIL on"),
    ] {
        let python = fake(
            dir.path(),
            name,
            &format!(
                "echo 3.14.0; echo 3 14 0; echo forkserver; echo forkserver,fork,spawn; echo {line}"
            ),
        );
        let found = find_with(Some(&python), None, None).unwrap();
        assert_eq!(found.gil.describe(), describe, "{name}");
    }
}

/// The real Python's answer: a GIL build unless CI names a free-threaded
/// one. Required where Python is, else skipped visibly.
#[test]
fn the_real_python_answers_the_gil_question() {
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
    let out = probe(&found.path, PROBE, &[]).unwrap();
    let line = out
        .lines()
        .find(|l| l.starts_with("gil "))
        .unwrap_or_default();
    assert!(["gil 0 1", "gil 1 0", "gil 1 1"].contains(&line), "{out}");
    // Before 3.13 there is no free-threaded build.
    if found.version_info < (3, 13, 0) {
        assert_eq!(found.gil, Gil::default(), "{out}");
    }
}

/// The Python forklab finds: required under CI or
/// FORKLAB_REQUIRE_PYTHON=1 (as tests/support does), else `None` and the
/// test says it skipped.
fn real_python() -> Option<Interpreter> {
    match Interpreter::find(None) {
        Ok(found) => Some(found),
        Err(e) => {
            let required = std::env::var("FORKLAB_REQUIRE_PYTHON").is_ok_and(|v| v == "1")
                || std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(!required, "Python is required here:\n{e}");
            eprintln!("skipped: no Python: {e}");
            None
        }
    }
}

/// A package that `find_spec` finds but that fails to import (as a NumPy
/// built for another Python does) is missing, with why; so is a program
/// that is on `PATH` but fails; what imports and what runs is present.
#[test]
fn a_module_is_there_only_if_it_imports_and_a_program_only_if_it_runs() {
    let Some(real) = real_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (site, bin) = (dir.path().join("site"), dir.path().join("bin"));
    std::fs::create_dir_all(site.join("forklab_broken_pkg")).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        site.join("forklab_broken_pkg/__init__.py"),
        "print('noise on stdout')\nraise ImportError('built for another Python')\n",
    )
    .unwrap();
    std::fs::write(site.join("forklab_fine_pkg.py"), "print('noise')\n").unwrap();
    fake(
        &bin,
        "forklab-broken-tool",
        "echo 'cannot start' >&2; exit 3",
    );
    fake(&bin, "forklab-fine-tool", "exit 0");
    // The real Python with the package folder and the programs at hand
    // (without arguments, as `fake` tries it, it only ends).
    let python = fake(
        dir.path(),
        "python",
        &format!(
            "[ $# -eq 0 ] && exit 0\nPYTHONPATH='{}' PATH='{}':\"$PATH\" exec '{}' \"$@\"",
            site.display(),
            bin.display(),
            real.path.display()
        ),
    );
    // The old test, `find_spec`, finds the broken package.
    let found = Command::new(&python)
        .args([
            "-c",
            "import importlib.util as u, sys; sys.exit(u.find_spec('forklab_broken_pkg') is None)",
        ])
        .status()
        .unwrap();
    assert!(found.success(), "find_spec should find the fake package");
    let interpreter = Interpreter {
        path: python,
        ..real
    };
    let asked = [
        "forklab_broken_pkg",
        "forklab_fine_pkg",
        "json",
        "forklab_no_such_pkg",
        "forklab-broken-tool",
        "forklab-fine-tool",
        "forklab-no-such-tool",
    ]
    .map(String::from);
    let missing = interpreter.missing_modules(&asked).unwrap();
    assert_eq!(missing.len(), 4, "{missing:?}");
    assert_eq!(
        missing[0],
        "forklab_broken_pkg (ImportError: built for another Python)"
    );
    assert_eq!(missing[1], "forklab_no_such_pkg");
    assert!(
        missing[2].starts_with("forklab-broken-tool (`forklab-broken-tool --version` ended with 3"),
        "{missing:?}"
    );
    assert_eq!(missing[3], "forklab-no-such-tool");
}
