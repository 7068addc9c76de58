//! The headless commands, as a script or a teacher would use them.

use assert_cmd::Command;

fn forklab(home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("forklab").unwrap();
    cmd.env("FORKLAB_HOME", home);
    // The tester's own config file and theme never count.
    cmd.env("FORKLAB_CONFIG", home.join("config.toml"));
    cmd.env_remove("NO_COLOR").env_remove("FORKLAB_THEME");
    cmd
}

fn fixture() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons").to_string()
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn without_a_terminal_it_points_to_the_headless_commands() {
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs a terminal") && err.contains("forklab lessons"),
        "{err}"
    );
}

#[test]
fn lessons_lists_and_shows() {
    let home = tempfile::tempdir().unwrap();
    let list = stdout(forklab(home.path()).args(["lessons", "--lessons", &fixture()]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 4, "{list}");
    assert!(
        lines[1].starts_with("intro ") && lines[1].ends_with("Part 1: A tiny course"),
        "{list}"
    );
    let shown = stdout(forklab(home.path()).args([
        "lessons",
        "show",
        "squares",
        "--lessons",
        &fixture(),
        "--width",
        "40",
    ]));
    assert!(shown.contains("def square(x):"), "{shown}");
    assert!(shown.contains("press a"), "{shown}");
    assert!(shown.lines().all(|l| l.chars().count() <= 40), "{shown}");
    let with_answers = stdout(forklab(home.path()).args([
        "lessons",
        "show",
        "squares",
        "--answers",
        "--lessons",
        &fixture(),
    ]));
    assert!(with_answers.contains("385"));
    let out = forklab(home.path())
        .args(["lessons", "show", "nope", "--lessons", &fixture()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lesson \"nope\""));
}

#[test]
fn the_built_in_course_lists_and_checks() {
    let home = tempfile::tempdir().unwrap();
    let list = stdout(forklab(home.path()).arg("lessons"));
    assert!(list.contains("multiprocessing"), "{list}");
    // Running the exercises is tested in tests/practice.rs.
    let check = stdout(forklab(home.path()).args(["check", "--no-run"]));
    assert!(check.contains("no problems"), "{check}");
}

#[test]
fn check_names_file_and_line_of_every_problem() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let good = stdout(forklab(home.path()).args(["check", &fixture()]));
    assert!(good.contains("3 lessons, no problems"), "{good}");

    std::fs::write(
        dir.path().join("a.md"),
        "+++\nid = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n+++\nSee [b](b.md) and [c](c.md).\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "+++\nid = \"a\"\ntitle = \"B\"\npart = 1\norder = 1\n+++\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.md"),
        "+++\nid = \"c\"\ntitle = \"C\"\npart = one\norder = 1\n+++\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("d.md"), "no front matter\n").unwrap();
    let out = forklab(home.path())
        .args(["check", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let d = dir.path().display();
    assert!(
        text.contains(&format!("{d}/a.md:7: link to \"c.md\"")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{d}/b.md:2: duplicate id \"a\"")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{d}/c.md:4: front matter")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{d}/d.md:1: a lesson must start with")),
        "{text}"
    );
}

#[test]
fn version_and_help() {
    let home = tempfile::tempdir().unwrap();
    assert!(stdout(forklab(home.path()).arg("--version")).starts_with("forklab 0."));
    let help = stdout(forklab(home.path()).arg("--help"));
    assert!(help.contains("lessons") && help.contains("check"), "{help}");
}

#[test]
fn a_missing_or_empty_lesson_folder_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let out = forklab(home.path())
        .args(["lessons", "--lessons", "/no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read lessons from /no/such/dir"));
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("bad.md"), "+++\nid = 1\n+++\n").unwrap();
    let out = forklab(home.path())
        .args(["lessons", "--lessons", empty.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no lesson could be loaded") && err.contains("bad.md:2:"),
        "{err}"
    );
}

#[test]
fn global_flags_count_before_and_after_the_command() {
    let home = tempfile::tempdir().unwrap();
    let before = ["--python", "/no/such/python", "example", "run", "map-demo"];
    let after = ["example", "run", "map-demo", "--python", "/no/such/python"];
    for args in [&before[..], &after[..]] {
        let out = forklab(home.path())
            .env_remove("FORKLAB_PYTHON")
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("\"/no/such/python\" (given with --python)"),
            "{args:?}: {err}"
        );
    }
    // --lessons after the command, as before it.
    let list = stdout(forklab(home.path()).args(["example", "list", "--lessons", &fixture()]));
    let list_before =
        stdout(forklab(home.path()).args(["--lessons", &fixture(), "example", "list"]));
    assert_eq!(list, list_before);
    assert!(!list.trim().is_empty());
}

#[test]
fn config_prints_each_setting_with_its_source() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("config.toml");
    let out = stdout(forklab(home.path()).arg("config"));
    assert!(out.contains("not found: defaults apply"), "{out}");
    assert!(out.contains(&file.display().to_string()), "{out}");
    std::fs::write(
        &file,
        "theme = \"light\"\nrefresh_ms = 500\nstart_method = \"spawn\"\n",
    )
    .unwrap();
    let out =
        stdout(
            forklab(home.path())
                .env("NO_COLOR", "1")
                .args(["config", "--refresh", "2000"]),
        );
    let row = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("theme"), "theme light file");
    assert_eq!(row("refresh_ms"), "refresh_ms 2000 flag --refresh");
    assert_eq!(row("start_method"), "start_method spawn file");
    assert!(row("colour").ends_with("env NO_COLOR"), "{out}");
}

#[test]
fn config_set_and_unset_change_one_line_of_the_file() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("config.toml");
    std::fs::write(&file, "# chosen for room 4\nrefresh_ms = 500\n").unwrap();
    let said = stdout(forklab(home.path()).args(["config", "set", "theme", "light"]));
    assert!(said.contains("theme = light in"), "{said}");
    let out = stdout(forklab(home.path()).arg("config"));
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["theme", "light", "file"]),
        "{out}"
    );
    stdout(forklab(home.path()).args(["config", "unset", "refresh_ms"]));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# chosen for room 4\ntheme = \"light\"\n"
    );
    // A refused change says why, exits 2 and leaves the file as it was.
    let out = forklab(home.path())
        .args(["config", "set", "theme", "purple"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown theme") && err.contains("nothing changed"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# chosen for room 4\ntheme = \"light\"\n"
    );
}

#[test]
fn a_bad_config_file_names_its_line_and_the_defaults_apply() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "theme = \"light\"\n\nrefresh_ms = 700\n",
    )
    .unwrap();
    let out = forklab(home.path()).arg("config").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("line 3: refresh 700 ms is not offered"),
        "{text}"
    );
    assert!(text.contains("theme          dark"), "{text}");
    // Headless commands that read settings say so on stderr, then go on.
    let out = forklab(home.path())
        .args(["example", "list", "--lessons", &fixture()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("config.toml: line 3:") && err.contains("using the defaults"),
        "{err}"
    );
}

#[test]
fn the_config_files_python_is_used_and_named_as_the_files() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "python = \"/no/such/py3\"\n",
    )
    .unwrap();
    let out = forklab(home.path())
        .env_remove("FORKLAB_PYTHON")
        .args(["example", "run", "map-demo"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("\"/no/such/py3\" (given in the config file"),
        "{err}"
    );
    // A flag still wins over the file, and says so.
    let out = forklab(home.path())
        .env_remove("FORKLAB_PYTHON")
        .args(["example", "run", "map-demo", "--python", "/flag/py"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"/flag/py\" (given with --python)"), "{err}");
}

#[test]
fn a_run_whose_result_the_class_did_not_get_exits_non_zero_after_its_table() {
    let home = tempfile::tempdir().unwrap();
    // A port nothing listens on: bound, then closed.
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let out = forklab(home.path())
        .args([
            "run",
            "--engine",
            "forklab",
            "--workers",
            "1",
            "--tasks",
            "2",
        ])
        .args(["--task-size", "100", "--repeat", "1", "--join", &address])
        .args(["ABC234", "--nickname", "ana"])
        .output()
        .unwrap();
    let (table, said) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(table.contains("engine forklab"), "{table}\n{said}");
    assert!(said.contains("not sent to the class"), "{said}");
    assert_eq!(
        out.status.code(),
        Some(forklab::commands::status::NOT_SENT.into()),
        "{said}"
    );
}

/// `forklab CMD --help`'s option lines: each flag's long name.
fn flags_of(home: &std::path::Path, command: &[&str]) -> Vec<String> {
    let help = stdout(forklab(home).args(command).arg("--help"));
    help.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_string)
        .collect()
}

#[test]
fn each_commands_help_lists_only_the_flags_that_apply_to_it() {
    let home = tempfile::tempdir().unwrap();
    let has = |flags: &[String], f: &str| flags.iter().any(|x| x == f);
    let lessons = flags_of(home.path(), &["lessons"]);
    assert!(
        has(&lessons, "--lessons") && has(&lessons, "--pack"),
        "{lessons:?}"
    );
    for other in [
        "--python",
        "--theme",
        "--join",
        "--max-memory",
        "--reset-progress",
    ] {
        assert!(!has(&lessons, other), "lessons lists {other}: {lessons:?}");
    }
    let run = flags_of(home.path(), &["run"]);
    for own in [
        "--python",
        "--join",
        "--nickname",
        "--engine",
        "--start-method",
    ] {
        assert!(has(&run, own), "run lacks {own}: {run:?}");
    }
    for other in ["--lessons", "--theme", "--refresh", "--max-processes"] {
        assert!(!has(&run, other), "run lists {other}: {run:?}");
    }
    let pack = flags_of(home.path(), &["pack", "list"]);
    assert!(
        !has(&pack, "--lessons") && !has(&pack, "--python"),
        "{pack:?}"
    );
    let example = flags_of(home.path(), &["example", "run"]);
    for own in ["--python", "--lessons", "--max-processes", "--max-memory"] {
        assert!(has(&example, own), "example run lacks {own}: {example:?}");
    }
    assert!(!has(&example, "--theme"), "{example:?}");
    // The reader takes them all.
    let reader = flags_of(home.path(), &[]);
    for own in [
        "--theme",
        "--refresh",
        "--join",
        "--reset-progress",
        "--python",
    ] {
        assert!(has(&reader, own), "the reader lacks {own}: {reader:?}");
    }
    // Given where it does not apply, before or after the command: refused.
    for args in [
        &["--theme", "light", "lessons"][..],
        &["lessons", "--theme", "light"],
    ] {
        let out = forklab(home.path()).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("--theme does not apply to `forklab lessons`"),
            "{err}"
        );
    }
}

#[test]
fn run_help_names_every_engine_and_the_measured_task_size() {
    let home = tempfile::tempdir().unwrap();
    let help = stdout(forklab(home.path()).args(["run", "--help"]));
    let engine = help.split("--engine").nth(1).unwrap();
    let engine = &engine[..engine.find("--start-method").unwrap()];
    for name in ["python", "forklab", "dask"] {
        assert!(
            engine.contains(name),
            "--engine help lacks {name}: {engine}"
        );
    }
    let size = help.split("--task-size").nth(1).unwrap();
    assert!(
        size[..size.find("\n\n").unwrap()].contains("measured"),
        "{size}"
    );
    let method = help.split("--start-method").nth(1).unwrap();
    assert!(method.contains("exec"), "{method}");
}

#[test]
fn the_forklab_engines_start_methods_are_exec_and_forkserver() {
    let home = tempfile::tempdir().unwrap();
    let run = [
        "run",
        "--workers",
        "1",
        "--tasks",
        "2",
        "--task-size",
        "100",
        "--repeat",
        "1",
    ];
    for (engine, method, says) in [
        (
            "forklab",
            "spawn",
            "the forklab engine starts its workers by exec",
        ),
        (
            "forklab",
            "fork",
            "the forklab engine starts its workers by exec",
        ),
        (
            "python",
            "exec",
            "exec is the forklab engine's start method",
        ),
    ] {
        let out = forklab(home.path())
            .args(run)
            .args(["--engine", engine, "--start-method", method])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{engine} {method}: {err}");
        assert!(err.contains(says), "{engine} {method}: {err}");
        assert!(out.stdout.is_empty(), "{engine} {method} ran");
    }
    // exec is what the header names, chosen or by default.
    let table = stdout(forklab(home.path()).args(run).args([
        "--engine",
        "forklab",
        "--start-method",
        "exec",
    ]));
    assert!(table.contains("start method exec"), "{table}");
}

/// The commands `forklab --help` lists (hidden ones are not).
fn commands_listed(home: &std::path::Path) -> Vec<String> {
    let help = stdout(forklab(home).arg("--help"));
    let list = help.split("Commands:").nth(1).unwrap();
    let list = &list[..list.find("\n\n").unwrap()];
    // A command's line starts two spaces in; its help's further lines, more.
    list.lines()
        .filter(|l| l.starts_with("  ") && !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn completions_name_every_command_for_each_shell() {
    let home = tempfile::tempdir().unwrap();
    let commands = commands_listed(home.path());
    assert!(commands.len() > 10, "{commands:?}");
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(forklab(home.path()).args(["completions", shell]));
        for name in &commands {
            assert!(script.contains(name.as_str()), "{shell}: no {name}");
        }
        assert!(script.contains("start-method"), "{shell}");
    }
    // fish states per command which flags it offers: lessons has no --theme.
    let fish = stdout(forklab(home.path()).args(["completions", "fish"]));
    let lessons: Vec<&str> = fish
        .lines()
        .filter(|l| l.contains("__fish_forklab_using_subcommand lessons"))
        .collect();
    assert!(lessons.iter().any(|l| l.contains("-l lessons")), "{fish}");
    assert!(
        !lessons.iter().any(|l| l.contains("-l theme")),
        "{lessons:#?}"
    );
    let out = forklab(home.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_naming_every_command() {
    let home = tempfile::tempdir().unwrap();
    let page = stdout(forklab(home.path()).arg("man"));
    // roff: requests are known macros, the title first among them.
    let requests: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with('.'))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let known = [
        ".TH", ".SH", ".SS", ".TP", ".PP", ".IP", ".RS", ".RE", ".br", ".ie", ".el", ".B", ".I",
    ];
    assert!(requests.iter().all(|r| known.contains(r)), "{requests:?}");
    let title = page.lines().find(|l| l.starts_with(".TH")).unwrap();
    assert!(title.starts_with(".TH forklab 1"), "{title}");
    let section = page
        .split(".SH SUBCOMMANDS")
        .nth(1)
        .expect("a SUBCOMMANDS section");
    let section = &section[..section.find(".SH ").unwrap_or(section.len())];
    for name in commands_listed(home.path()) {
        assert!(
            section.contains(&format!("forklab\\-{name}(1)")),
            "{name} not in the man page"
        );
    }
    // groff reads it without a warning, where it is installed.
    match std::process::Command::new("groff")
        .args(["-T", "utf8", "-man", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(mut groff) => {
            use std::io::Write;
            groff
                .stdin
                .take()
                .unwrap()
                .write_all(page.as_bytes())
                .unwrap();
            let out = groff.wait_with_output().unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Err(e) => eprintln!("SKIPPED groff's reading of the man page: no groff ({e})"),
    }
    // --dir writes a page per command.
    let dir = home.path().join("man");
    stdout(forklab(home.path()).args(["man", "--dir", dir.to_str().unwrap()]));
    assert!(dir.join("forklab.1").is_file() && dir.join("forklab-run.1").is_file());
}

#[test]
fn the_readmes_lesson_count_is_the_courses() {
    let readme = include_str!("../README.md");
    let count: usize = readme
        .split_once("The course (")
        .and_then(|(_, rest)| rest.split_once(" lessons"))
        .and_then(|(n, _)| n.parse().ok())
        .expect("README says \"The course (N lessons\"");
    let home = tempfile::tempdir().unwrap();
    let listed = stdout(forklab(home.path()).arg("lessons"));
    // A header line, then a line per lesson.
    let lessons = listed
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(lessons, forklab::lesson::LessonSet::embedded().len());
    assert_eq!(
        count, lessons,
        "README says {count} lessons, the course has {lessons}"
    );
}
