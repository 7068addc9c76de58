//! The lab's names, each defined once (`Workload::ALL`, `Engine::ALL`,
//! `PoolApi::ALL`, `StartMethod::ALL` with the forklab engine's `EXEC`,
//! `TaskKind`), against every place that spells them again: serde, the
//! command line's value enums, the Python drivers and the docs. Adding a
//! workload or an engine makes this fail until each of them has it.

mod names {
    use clap::ValueEnum;

    use crate::commands::run::{ApiArg, EngineArg, StartMethodArg, WorkloadArg};
    use crate::lab::engine::forklab::EXEC;
    use crate::lab::workload::TaskKind;
    use crate::lab::{Engine, PoolApi, Workload};
    use crate::python::StartMethod;

    const COMMON_PY: &str = include_str!("../../assets/lab/common.py");
    const DRIVER_PY: &str = include_str!("../../assets/lab/driver.py");
    const AUTHORING: &str = include_str!("../../docs/AUTHORING.md");
    const TRACE: &str = include_str!("../../docs/TRACE.md");
    const LESSON_SCHEMA: &str = include_str!("../../docs/lesson.schema.json");

    const TASK_KINDS: [TaskKind; 2] = [TaskKind::Primes, TaskKind::Sleep];

    /// A clap value enum's names, in order.
    fn clap_names<T: ValueEnum>() -> Vec<String> {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect()
    }

    /// The name serde writes for a value (an enum with data: its one key).
    fn serde_name<T: serde::Serialize>(value: &T) -> String {
        match serde_json::to_value(value).expect("serializes") {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
            other => panic!("not an enum: {other}"),
        }
    }

    /// Every "quoted" word in `text`, in order.
    fn quoted(text: &str) -> Vec<String> {
        text.split('"')
            .skip(1)
            .step_by(2)
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_string)
            .collect()
    }

    /// Every `backticked` word in `text`, in order.
    fn backticked(text: &str) -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// The one line of `text` that starts with `start`.
    fn line<'a>(text: &'a str, start: &str, file: &str) -> &'a str {
        let mut found = text.lines().filter(|l| l.trim_start().starts_with(start));
        let line = found
            .next()
            .unwrap_or_else(|| panic!("{file} has no line starting {start:?}"));
        assert!(found.next().is_none(), "{file}: two lines start {start:?}");
        line
    }

    /// What follows `from` in `text` up to `to`.
    fn between<'a>(text: &'a str, from: &str, to: &str, file: &str) -> &'a str {
        let start = text
            .find(from)
            .unwrap_or_else(|| panic!("{file} has no {from:?}"))
            + from.len();
        let end = text[start..].find(to).map_or(text.len(), |i| start + i);
        &text[start..end]
    }

    fn sorted(mut names: Vec<String>) -> Vec<String> {
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn workloads() {
        let names: Vec<String> = Workload::names().map(str::to_string).collect();
        for w in Workload::ALL {
            assert_eq!(serde_name(&w), w.name(), "serde");
            assert_eq!(
                Workload::from_name(w.name(), None).map(|w| w.name()),
                Ok(w.name())
            );
        }
        assert_eq!(clap_names::<WorkloadArg>(), names, "forklab run --workload");
        let authoring = line(AUTHORING, "| `workload` |", "AUTHORING.md");
        assert_eq!(
            backticked(authoring.split('|').nth(3).unwrap_or_default()),
            names,
            "AUTHORING.md: {authoring}"
        );
        let trace = between(TRACE, "`workload`:", "`cpus`", "TRACE.md");
        let fields = ["serial_fraction"];
        let documented: Vec<String> = quoted(trace)
            .into_iter()
            .filter(|w| !fields.contains(&w.as_str()))
            .collect();
        assert_eq!(documented, names, "TRACE.md: {trace}");
        assert_eq!(schema_enum("workload"), names, "docs/lesson.schema.json");
        // An unknown name's message offers every one.
        let err = Workload::from_name("gpu", None).unwrap_err();
        assert!(names.iter().all(|n| err.contains(n.as_str())), "{err}");
    }

    /// The `enum` of the property `key` somewhere in the lesson schema.
    fn schema_enum(key: &str) -> Vec<String> {
        fn find(v: &serde_json::Value, key: &str) -> Option<Vec<String>> {
            match v {
                serde_json::Value::Object(map) => {
                    if let Some(list) = map.get(key).and_then(|p| p.get("enum")) {
                        let list = list.as_array()?;
                        return Some(
                            list.iter()
                                .filter_map(|s| s.as_str().map(str::to_string))
                                .collect(),
                        );
                    }
                    map.values().find_map(|v| find(v, key))
                }
                serde_json::Value::Array(items) => items.iter().find_map(|v| find(v, key)),
                _ => None,
            }
        }
        let schema: serde_json::Value = serde_json::from_str(LESSON_SCHEMA).expect("valid JSON");
        find(&schema, key).unwrap_or_else(|| panic!("the schema has no enum for {key:?}"))
    }

    #[test]
    fn task_kinds_the_drivers_take() {
        let names: Vec<String> = TASK_KINDS.iter().map(|k| k.name().to_string()).collect();
        for kind in TASK_KINDS {
            assert_eq!(TaskKind::from_name(kind.name()), Some(kind));
        }
        let kinds = line(COMMON_PY, "ap.add_argument(\"--kind\"", "common.py");
        let choices = between(kinds, "choices=[", "]", "common.py");
        assert_eq!(quoted(choices), names, "common.py: {kinds}");
        // Every workload's tasks are a kind the drivers know.
        for w in Workload::ALL {
            assert!(names.contains(&w.task_kind().name().to_string()));
        }
    }

    #[test]
    fn engines() {
        let names: Vec<String> = Engine::ALL.iter().map(|e| e.name().to_string()).collect();
        for e in Engine::ALL {
            assert_eq!(serde_name(&e), e.name(), "serde");
            assert_eq!(Engine::from_name(e.name()), Ok(e));
            assert_eq!(e.to_string(), e.name());
        }
        assert_eq!(clap_names::<EngineArg>(), names, "forklab run --engine");
        let err = Engine::from_name("ray").unwrap_err();
        assert!(err.ends_with("choose python, forklab or dask"), "{err}");
        let trace = between(TRACE, "`engine`:", ", `start_method`", "TRACE.md");
        assert_eq!(quoted(trace), names, "TRACE.md: {trace}");
    }

    #[test]
    fn pool_apis() {
        let names: Vec<String> = PoolApi::ALL.iter().map(|a| a.name().to_string()).collect();
        for api in PoolApi::ALL {
            assert_eq!(PoolApi::from_name(api.name()), Some(api));
            assert_eq!(serde_name(&api).replace('_', "-"), api.name(), "serde");
        }
        assert_eq!(clap_names::<ApiArg>(), names, "forklab run --api");
        // driver.py: `choices=["pool", "executor"] + list(THREADS)`.
        let api = line(DRIVER_PY, "ap.add_argument(\"--api\"", "driver.py");
        let mut offered = quoted(between(api, "choices=", "default", "driver.py"));
        if api.contains("THREADS") {
            offered.extend(quoted(line(DRIVER_PY, "THREADS = ", "driver.py")));
        }
        assert_eq!(sorted(offered), sorted(names), "driver.py: {api}");
    }

    #[test]
    fn start_methods() {
        let python: Vec<String> = StartMethod::ALL.iter().map(|m| m.to_string()).collect();
        for m in StartMethod::ALL {
            assert_eq!(serde_name(&m), m.as_str(), "serde");
            assert_eq!(m.as_str().parse(), Ok(m));
        }
        let mut cli = python.clone();
        cli.push(EXEC.to_string());
        assert_eq!(
            clap_names::<StartMethodArg>(),
            cli,
            "forklab run --start-method"
        );
        let err = "threads".parse::<StartMethod>().unwrap_err();
        assert!(err.ends_with("choose fork, spawn or forkserver"), "{err}");
        let authoring = line(AUTHORING, "| `start_methods` |", "AUTHORING.md");
        assert_eq!(
            backticked(between(authoring, "(", ")", "AUTHORING.md")),
            python,
            "AUTHORING.md: {authoring}"
        );
        let trace = between(TRACE, "`start_method` (", ")", "TRACE.md");
        assert_eq!(quoted(trace), python, "TRACE.md: {trace}");
        // Every engine's start methods are Python's (its default aside).
        for e in Engine::ALL {
            assert!(
                e.start_methods()
                    .iter()
                    .all(|m| StartMethod::ALL.contains(m))
            );
        }
    }
}
