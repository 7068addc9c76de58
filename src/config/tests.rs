use super::*;

fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |var| {
        vars.iter()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| v.to_string())
    }
}

fn with(flags: &Flags, vars: &'static [(&'static str, &'static str)], text: &str) -> Settings {
    resolve(
        flags,
        &env(vars),
        Some("/c/config.toml".into()),
        "test",
        Some(Ok(text.to_string())),
    )
}

#[test]
fn limits_come_from_the_file_the_variables_and_the_flags() {
    let s = with(
        &Flags::default(),
        &[],
        "max_processes = 100\nmax_memory = \"2GiB\"\n",
    );
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(
        s.limits(),
        Limits {
            processes: 100,
            memory: 2 << 30
        }
    );
    let vars: &[(&str, &str)] = &[(MAX_MEMORY_VAR, "512MiB"), (MAX_PROCESSES_VAR, "2")];
    let s = with(&Flags::default(), vars, "max_processes = 100\n");
    assert_eq!(s.max_memory.value, 512 << 20);
    assert_eq!(s.max_memory.source, Source::Env(MAX_MEMORY_VAR));
    assert_eq!(s.max_processes.value, 100);
    assert!(
        s.problems[0].contains(MAX_PROCESSES_VAR),
        "{:?}",
        s.problems
    );
    let flags = Flags {
        max_memory: Some(1 << 30),
        ..Flags::default()
    };
    assert_eq!(with(&flags, vars, "").max_memory.value, 1 << 30);
    let bad = with(&Flags::default(), &[], "\nmax_memory = \"lots\"\n");
    assert!(matches!(&bad.file.state, FileState::Bad(why) if why.contains("line 2")));
    assert_eq!(bad.limits(), default_limits());
    assert_eq!(parse_size("1.5G"), Ok(3 << 29));
    assert_eq!(parse_size("268435456"), Ok(256 << 20));
    assert!(parse_size("1MiB").is_err() && parse_size("6 parsecs").is_err());
}

#[test]
fn a_good_file_is_read() {
    let s = with(
        &Flags::default(),
        &[],
        "# forklab\ntheme = \"light\"\nrefresh_ms = 500\npython = \"/opt/py/bin/python3\"\nstart_method = \"spawn\"\n",
    );
    assert_eq!(s.file.state, FileState::Read);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.theme.value, ThemeName::Light);
    assert_eq!(s.theme.source, Source::File);
    assert_eq!(s.refresh.value, Duration::from_millis(500));
    assert_eq!(s.refresh_index(), 1);
    assert_eq!(
        s.python.value.as_deref(),
        Some(Path::new("/opt/py/bin/python3"))
    );
    assert_eq!(s.start_method.value, Some(StartMethod::Spawn));
    assert!(s.colour.value);
}

#[test]
fn precedence_is_flag_then_env_then_file_then_default() {
    let file = "theme = \"light\"\nrefresh_ms = 2000\npython = \"/file/py\"\n";
    let none = Flags::default();
    let flags = Flags {
        theme: Some(ThemeName::Mono),
        refresh: Some(Duration::from_millis(250)),
        python: Some("/flag/py".into()),
        ..Flags::default()
    };
    let vars: &[(&str, &str)] = &[(THEME_VAR, "dark"), (PYTHON_VAR, "/env/py")];

    let s = resolve(&none, &env(&[]), None, "test", None);
    assert_eq!(s.file.state, FileState::Missing);
    assert_eq!(
        (s.theme.value, s.theme.source.clone()),
        (ThemeName::Dark, Source::Default)
    );
    assert_eq!(s.refresh.value, Duration::from_secs(1));
    assert_eq!(s.python.value, None);

    let s = with(&none, &[], file);
    assert_eq!(
        (s.theme.value, &s.theme.source),
        (ThemeName::Light, &Source::File)
    );
    assert_eq!(
        (s.refresh.value, &s.refresh.source),
        (Duration::from_secs(2), &Source::File)
    );
    assert_eq!(s.python.value.as_deref(), Some(Path::new("/file/py")));

    let s = with(&none, vars, file);
    assert_eq!(
        (s.theme.value, &s.theme.source),
        (ThemeName::Dark, &Source::Env(THEME_VAR))
    );
    assert_eq!(s.python.value.as_deref(), Some(Path::new("/env/py")));
    assert_eq!(s.refresh.source, Source::File);

    let s = with(&flags, vars, file);
    assert_eq!(
        (s.theme.value, &s.theme.source),
        (ThemeName::Mono, &Source::Flag("--theme"))
    );
    assert_eq!(s.refresh.value, Duration::from_millis(250));
    assert_eq!(s.refresh.source, Source::Flag("--refresh"));
    assert_eq!(s.python.value.as_deref(), Some(Path::new("/flag/py")));
}

#[test]
fn a_bad_file_names_its_line_and_the_defaults_apply() {
    for (text, line, says) in [
        ("theme = \"light\"\nrefresh_ms = 700\n", 2, "not offered"),
        ("theme = \"light\"\n\ntheme = \"purple\"\n", 3, ""),
        ("theme = \"purple\"\n", 1, "dark"),
        ("theme = \"light\"\ncolour = true\n", 2, "colour"),
        (
            "theme = \"light\"\nstart_method = \"fork-ish\"\n",
            2,
            "fork-ish",
        ),
        ("theme = \"light\"\nrefresh_ms = \"fast\"\n", 2, ""),
        (
            "theme = \"light\"\ndask_scheduler = \"node7\"\n",
            2,
            "tcp://HOST:PORT",
        ),
        ("theme = [light\n", 1, ""),
    ] {
        let s = with(&Flags::default(), &[], text);
        let FileState::Bad(why) = &s.file.state else {
            panic!("{text:?} was accepted");
        };
        assert!(
            why.starts_with(&format!("line {line}: ")),
            "{text:?}: {why}"
        );
        assert!(why.contains(says), "{text:?}: {why}");
        assert_eq!(s.theme.value, ThemeName::Dark, "{text:?}");
        assert_eq!(s.theme.source, Source::Default);
        assert_eq!(s.problems.len(), 1);
        assert!(
            s.problems[0].starts_with("/c/config.toml: line"),
            "{:?}",
            s.problems
        );
        assert!(s.problems[0].ends_with("using the defaults"));
    }
    // Flags still count with a bad file.
    let flags = Flags {
        theme: Some(ThemeName::Light),
        ..Flags::default()
    };
    assert_eq!(with(&flags, &[], "x =").theme.value, ThemeName::Light);
}

#[test]
fn no_color_turns_colours_off_and_bad_variables_are_reported() {
    let s = with(&Flags::default(), &[(NO_COLOR_VAR, "1")], "");
    assert_eq!(
        s.colour,
        Setting {
            value: false,
            source: Source::Env(NO_COLOR_VAR)
        }
    );
    // Present but empty does not count (no-color.org).
    assert!(
        with(&Flags::default(), &[(NO_COLOR_VAR, "")], "")
            .colour
            .value
    );
    let s = with(
        &Flags::default(),
        &[(THEME_VAR, "neon")],
        "theme = \"light\"",
    );
    assert_eq!(s.theme.value, ThemeName::Light);
    assert!(s.problems[0].contains("neon"), "{:?}", s.problems);
}

#[test]
fn the_file_is_found_where_the_environment_says() {
    let (p, by) = path(&env(&[
        (CONFIG_VAR, "/x/my.toml"),
        ("XDG_CONFIG_HOME", "/y"),
    ]));
    assert_eq!(
        (p.as_deref(), by),
        (Some(Path::new("/x/my.toml")), "$FORKLAB_CONFIG")
    );
    let (p, _) = path(&env(&[("XDG_CONFIG_HOME", "/y")]));
    assert_eq!(p.as_deref(), Some(Path::new("/y/forklab/config.toml")));
}

#[test]
fn themes_cycle_and_parse() {
    assert_eq!(ThemeName::Dark.next(), ThemeName::Light);
    assert_eq!(ThemeName::Mono.next(), ThemeName::Dark);
    assert_eq!(" Light ".parse::<ThemeName>(), Ok(ThemeName::Light));
    assert!("x".parse::<ThemeName>().is_err());
    assert_eq!(parse_refresh(500), Ok(Duration::from_millis(500)));
    assert!(parse_refresh(100).unwrap_err().contains("250, 500"));
}

#[test]
fn the_dask_scheduler_comes_from_the_file_or_the_variable() {
    let s = with(&Flags::default(), &[], "dask_scheduler = \"node7:8786\"\n");
    assert_eq!(s.dask_scheduler.value.as_deref(), Some("tcp://node7:8786"));
    assert_eq!(s.dask_scheduler.source, Source::File);
    let s = with(
        &Flags::default(),
        &[(SCHEDULER_VAR, "tcp://10.0.0.1:8786")],
        "dask_scheduler = \"node7:8786\"\n",
    );
    assert_eq!(
        s.dask_scheduler.value.as_deref(),
        Some("tcp://10.0.0.1:8786")
    );
    assert_eq!(s.dask_scheduler.source, Source::Env(SCHEDULER_VAR));
    // A bad variable is reported and ignored; the file's value stays.
    let s = with(
        &Flags::default(),
        &[(SCHEDULER_VAR, "nowhere")],
        "dask_scheduler = \"node7:8786\"\n",
    );
    assert_eq!(s.dask_scheduler.value.as_deref(), Some("tcp://node7:8786"));
    assert!(s.problems[0].contains(SCHEDULER_VAR), "{:?}", s.problems);
    assert_eq!(with(&Flags::default(), &[], "").dask_scheduler.value, None);
}
