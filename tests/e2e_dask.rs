//! The lab on a Dask cluster in the real terminal: the config file names a
//! scheduler started here (`dask scheduler` and two `dask worker`
//! processes on 127.0.0.1), `E` picks the dask engine, and the cluster
//! pane takes the process pane's place while the run shows its workers.
//! The cluster, not forklab's, is still up afterwards.

#[path = "support/dask.rs"]
mod dask;
mod support;

use std::time::Duration;

use support::{Session, alive, fixture_lessons};

#[test]
fn the_cluster_pane_shows_a_schedulers_workers_during_a_lab_run() {
    let Some(python) = dask::dask_python_or_skip("dask e2e cluster pane") else {
        return;
    };
    let cluster = dask::Cluster::start(&python, 2);
    let workers = cluster.worker_pids();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!("dask_scheduler = \"{}\"\n", cluster.address),
    )
    .unwrap();
    let python_path = python.path.display().to_string();
    let mut s = Session::start_with_env(
        &["--lessons", &fixture_lessons()],
        160,
        48,
        home.path(),
        &[("FORKLAB_PYTHON", &python_path)],
    );
    s.wait_text("A tiny course");
    s.send("L");
    s.wait_text("Lab · your own experiment");
    // Python Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor,
    // forklab, dask.
    s.send("EEEEE");
    s.wait_text(&format!(
        "engine dask (Dask tasks on the scheduler at {}",
        cluster.address
    ));
    s.send("+");
    s.wait_text("2 workers · cpu");
    s.send("r");
    s.wait_text(&format!("Dask cluster: {}", cluster.address));
    s.wait_for("a load bar and the run's two workers", |screen| {
        screen.contains("127.0.0.1 ")
            && screen.contains("w1  127.0.0.1:")
            && screen.contains("w2  127.0.0.1:")
            && !screen.contains("Processes:")
    });
    // Best of 3: three runs, each a Python importing Dask (seconds each
    // on a busy machine).
    s.wait_for_within(
        "the end of three Dask runs",
        Duration::from_secs(120),
        |screen| screen.contains("Done: change the workers"),
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    // forklab leaves a cluster it did not start alone.
    assert!(workers.iter().all(|w| alive(*w)), "{}", cluster.logs());
}
