//! The lab screen: runs, guesses and the dask cluster pane.

use crate::tui::action as msg;
use ratatui::layout::Rect;

use super::{Action, State, fixture, lab_state, screen, update};

#[test]
fn lab_after_two_runs_120x40() {
    let s = lab_state(120, 40);
    assert!(!s.lab.running);
    assert_eq!(s.lab.measured.len(), 2);
    assert_eq!(s.lab.measured[1].guess, Some(1.2));
    snap!("lab_after_two_runs_120x40", screen(&s).backend());
}

#[test]
fn lab_after_two_runs_80x24() {
    let s = lab_state(80, 24);
    snap!("lab_after_two_runs_80x24", screen(&s).backend());
}

#[test]
fn guesses_are_kept_and_shown_on_the_next_visit() {
    let s = lab_state(80, 24);
    let kept: Vec<_> = s.progress.guesses_for("own").collect();
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].workers, kept[0].guess), (2, 1.2));
    assert!((kept[0].measured - 1.02).abs() < 1e-9);
    // forklab starts again with that progress and the lab opens afresh.
    let mut again = State::new(fixture(), s.progress.clone(), Rect::new(0, 0, 80, 24));
    update(&mut again, Action::Lab(msg::lab::Msg::Toggle));
    let text = format!("{:?}", screen(&again).backend());
    assert!(
        text.contains("Your last guesses here: 2 workers: 1.20 s, took 1.02 s (+18%)"),
        "{text}"
    );
}

/// The dask engine on a scheduler forklab did not start: the cluster
/// pane takes the process pane's place, a load bar per host and a row per
/// worker (the run's two, and one it did not use).
#[test]
fn cluster_pane_replaces_the_processes_120x40() {
    use crate::lab::ClusterWorker;
    let mut s = lab_state(120, 40);
    assert!(!s.lab.shows_cluster());
    s.lab.config.engine = crate::lab::Engine::Dask;
    s.lab.config.scheduler = Some(std::sync::Arc::new("tcp://10.0.0.1:8786".into()));
    let worker = |host: &str, port: u16, pid: u32, cpu: f64, running: usize| ClusterWorker {
        address: format!("tcp://{host}:{port}"),
        pid,
        host: host.into(),
        nthreads: 1,
        mem: 4 << 30,
        used: 60 << 20,
        cpu,
        running,
    };
    update(
        &mut s,
        Action::Lab(msg::lab::Msg::Event(Box::new(
            crate::lab::LabEvent::Cluster(vec![
                worker("10.0.0.2", 40001, 101, 98.0, 3),
                worker("10.0.0.2", 40002, 102, 51.0, 2),
                worker("10.0.0.3", 40001, 0, 0.0, 0),
            ]),
        ))),
    );
    assert!(s.lab.shows_cluster());
    let text = format!("{:?}", screen(&s).backend());
    assert!(!text.contains("Processes:"), "{text}");
    snap!(
        "cluster_pane_replaces_the_processes_120x40",
        screen(&s).backend()
    );
}

/// The lab's header names the interpreter's GIL once Python is found,
/// before any run: what a pool of threads can do with it.
#[test]
fn the_lab_header_says_whether_the_gil_is_on() {
    use crate::python::interpreter::Gil;
    for (gil, said) in [
        (Gil::default(), "GIL on"),
        (
            Gil {
                free_threaded: true,
                enabled: false,
            },
            "free-threaded, GIL off",
        ),
        (
            Gil {
                free_threaded: true,
                enabled: true,
            },
            "free-threaded, GIL on",
        ),
    ] {
        let mut s = State::new(fixture(), Default::default(), Rect::new(0, 0, 160, 40));
        update(&mut s, Action::Lab(msg::lab::Msg::Toggle));
        let python = crate::python::Interpreter {
            gil,
            ..super::some_python()
        };
        update(&mut s, Action::Python(msg::python::Msg::Found(Ok(python))));
        // The threads API, so the start method is no part of it.
        update(&mut s, Action::Lab(msg::lab::Msg::Engine));
        update(&mut s, Action::Lab(msg::lab::Msg::Engine));
        let text = format!("{:?}", screen(&s).backend());
        assert!(
            text.contains(&format!("engine python (Python 3.11.9 ThreadPool, {said})")),
            "{said}: {text}"
        );
    }
}
