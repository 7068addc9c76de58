//! A real forklab in a pseudo-terminal, read through a vt100 screen.
//! Every wait has a deadline; the child is killed if a test fails.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const DEADLINE: Duration = Duration::from_secs(15);

pub fn fixture_lessons() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lessons").to_string()
}

/// Whether a process exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    forklab::os::proc_entry(pid).is_some_and(|p| p.state != 'Z')
}

/// Waits (with the deadline) until exactly `count` direct children of
/// `parent` have `needle` in their command line; returns their pids.
pub fn children_of(parent: u32, needle: &str, count: usize) -> Vec<u32> {
    let start = Instant::now();
    loop {
        let found: Vec<u32> = forklab::os::family_of(parent)
            .into_iter()
            .filter(|p| p.ppid == parent && p.cmdline.contains(needle))
            .map(|p| p.pid)
            .collect();
        if found.len() == count {
            return found;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "expected {count} children {needle:?} of {parent}, found {found:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits until none of `pids` is alive, or the deadline; returns those left.
pub fn wait_all_gone(pids: &[u32]) -> Vec<u32> {
    let start = Instant::now();
    loop {
        let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
        if left.is_empty() || start.elapsed() > DEADLINE {
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub struct Session {
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte forklab wrote, for checks on the raw sequences.
    output: Arc<Mutex<Vec<u8>>>,
    /// Set once the reader has seen the end of forklab's output.
    output_ended: Arc<AtomicBool>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    /// `None` once the terminal was closed ([`Session::hang_up`]).
    master: Option<Box<dyn MasterPty + Send>>,
    /// Tells the reader thread to let go of its end of the terminal.
    stop_reading: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Session {
    /// Starts forklab with `args` in a `cols`×`rows` terminal, with its
    /// progress kept in `home`.
    pub fn start(args: &[&str], cols: u16, rows: u16, home: &std::path::Path) -> Session {
        Session::start_with_env(args, cols, rows, home, &[])
    }

    /// [`Session::start`] with extra environment variables. The config
    /// file is `home/config.toml` (none unless a test writes it) and the
    /// colour variables are cleared, so the tester's own settings never
    /// count.
    pub fn start_with_env(
        args: &[&str],
        cols: u16,
        rows: u16,
        home: &std::path::Path,
        env: &[(&str, &str)],
    ) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_forklab"));
        cmd.args(args);
        cmd.env("FORKLAB_HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("FORKLAB_CONFIG", home.join("config.toml"));
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("FORKLAB_THEME");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn forklab");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let sink = parser.clone();
        let output = Arc::new(Mutex::new(Vec::new()));
        let raw = output.clone();
        let output_ended = Arc::new(AtomicBool::new(false));
        let ended = output_ended.clone();
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = stop_reading.clone();
        let fd = pty.master.as_raw_fd().expect("the pty's fd");
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                // Poll first so that `hang_up` can make this thread drop
                // its end of the terminal.
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd; the fd stays open while this
                // thread runs (the session joins it before closing).
                let ready = unsafe { libc::poll(&mut pfd, 1, 50) };
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if ready <= 0 {
                    continue;
                }
                let Ok(n) = reader.read(&mut buf) else {
                    break;
                };
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
                raw.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            ended.store(true, Ordering::SeqCst);
        });
        Session {
            parser,
            output,
            output_ended,
            child,
            writer,
            master: Some(pty.master),
            stop_reading,
            reader: Some(reader),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a pid")
    }

    /// From the fixture course's first screen to the lab set for two
    /// workers and 256 tasks (a run long enough to be seen), not started.
    pub fn open_lab_with_two_workers(&mut self) {
        self.wait_text("A tiny course");
        self.send("L");
        self.wait_text("Lab · your own experiment");
        self.send("+>>");
        self.wait_text("2 workers · cpu: count primes, 256 tasks");
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Every byte forklab has written so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// Resizes the terminal (forklab gets SIGWINCH) and the screen model.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        self.parser.lock().unwrap().screen_mut().set_size(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
        );
    }

    /// Closes the terminal: forklab's side gets SIGHUP, as when a terminal
    /// window is closed. The session can only be waited on afterwards.
    pub fn hang_up(&mut self) {
        // The line hangs up when the last descriptor of the master end
        // closes: the reader thread's, the writer's and the master's.
        self.stop_reading.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.writer = Box::new(std::io::sink());
        self.master = None;
    }

    /// Whether the terminal is in raw mode (no line editing, no echo), as
    /// the program on it last left it.
    pub fn raw_mode(&self) -> bool {
        let fd = self
            .master
            .as_ref()
            .and_then(|m| m.as_raw_fd())
            .expect("the terminal is open");
        // SAFETY: termios is plain data, filled in by tcgetattr on an open fd.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: tcgetattr on an open fd, into a termios this owns.
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut termios) }, 0, "tcgetattr");
        termios.c_lflag & (libc::ICANON | libc::ECHO) == 0
    }

    /// Whether forklab still runs.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until the screen satisfies `pred`, or fails with the screen.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        self.wait_for_within(what, DEADLINE, pred);
    }

    /// [`Session::wait_for`] with its own deadline, for what takes several
    /// runs of a slow program (three Dask runs, each importing Dask).
    pub fn wait_for_within(&mut self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(&format!("{text:?}"), move |s| s.contains(&t));
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// After the exit, waits until every byte forklab wrote has reached
    /// the screen (its last bytes restore the terminal).
    pub fn wait_output_end(&mut self) {
        let start = Instant::now();
        while !self.output_ended.load(Ordering::SeqCst) {
            if start.elapsed() > DEADLINE {
                panic!("forklab's output never ended; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("forklab did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
