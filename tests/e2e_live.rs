//! The real binary's live panes: as many cores as the machine has, busy
//! children under forklab, nothing left running after quitting.

mod support;

use support::{Session, alive, fixture_lessons};

#[test]
fn cores_and_busy_children_appear_and_go() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 160, 48, home.path());
    let pid = s.pid();
    s.wait_text(&format!("Cores: {cores} "));
    let rows = cores.min(20);
    s.wait_for("one row per core", move |screen| {
        (0..rows).all(|i| screen.lines().any(|l| l.contains(&format!("│{i:>3} "))))
    });

    s.send("B");
    let busy = format!("{pid}");
    s.wait_for("busy copies under forklab", move |screen| {
        screen
            .lines()
            .filter(|l| l.contains("└ busy") && l.contains(&busy))
            .count()
            == cores
    });
    // Only the busy copies.
    let children = support::children_of(pid, " busy", cores);

    s.send("B");
    s.wait_for("the copies to end", |screen| {
        screen.matches("exit 0").count() >= 1
    });
    s.wait_for("the copies to leave the pane", |screen| {
        !screen.contains("└ busy")
    });
    assert!(children.iter().all(|c| !alive(*c)));

    s.send("B");
    s.wait_for("busy again", |screen| screen.contains("└ busy"));
    let children = support::children_of(pid, " busy", cores);
    s.send("q");
    s.wait_text("q again");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
    let left = support::wait_all_gone(&children);
    assert!(left.is_empty(), "busy copies outlived forklab: {left:?}");
}
