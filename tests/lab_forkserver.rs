//! The forklab engine's fork server on its own: workers forked on
//! request answer like exec'd ones, and report how they ended.

use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use forklab::lab::Exit;
use forklab::lab::engine::forklab::forkserver::ForkServer;

fn alive(pid: u32) -> bool {
    forklab::os::proc_entry(pid).is_some_and(|p| p.state != 'Z')
}

#[test]
fn forked_workers_say_ready_work_and_end_with_the_server() {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_forklab"));
    let mut server = ForkServer::start(exe).unwrap();
    let asked = Instant::now();
    let mut workers: Vec<_> = (0..16).map(|n| server.spawn(n + 1).unwrap()).collect();
    let mut outs: Vec<_> = workers
        .iter_mut()
        .map(|w| BufReader::new(w.stdout.try_clone().unwrap()))
        .collect();
    for (w, out) in workers.iter().zip(&mut outs) {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line, format!("ready {}\n", w.pid));
    }
    eprintln!("16 forked workers ready in {:?}", asked.elapsed());
    // One task each, then end of input: each exits with status 0.
    for w in &mut workers {
        w.stdin.write_all(b"work 0 1 sleep 0\n").unwrap();
    }
    for out in &mut outs {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line, "start 0\n");
        line.clear();
        out.read_line(&mut line).unwrap();
        assert_eq!(line, "done 0 0\n");
    }
    let pids: Vec<u32> = workers.iter().map(|w| w.pid).collect();
    let last = workers.pop().unwrap();
    forklab::lab::engine::forklab::forkserver::kill(last.pid);
    assert_eq!(
        server.reap(last.pid, Instant::now() + Duration::from_secs(5)),
        Exit::Signal(9)
    );
    drop(workers);
    for &pid in &pids[..15] {
        assert_eq!(
            server.reap(pid, Instant::now() + Duration::from_secs(5)),
            Exit::Code(0)
        );
    }
    let server_pid = server.pid();
    drop(server);
    assert!(!alive(server_pid));
    assert!(pids.iter().all(|&p| !alive(p)));
}

#[test]
fn workers_die_with_a_killed_master_side() {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_forklab"));
    let mut server = ForkServer::start(exe).unwrap();
    let worker = server.spawn(1).unwrap();
    let mut line = String::new();
    BufReader::new(&worker.stdout).read_line(&mut line).unwrap();
    // The server killed: its workers get their parent-death signal.
    forklab::os::signal_process(server.pid(), libc::SIGKILL).unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while alive(worker.pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!alive(worker.pid), "a worker outlived its fork server");
}
