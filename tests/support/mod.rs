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

pub struct Session {
    pub parser: Arc<Mutex<vt100::Parser>>,
    /// Set once the reader has seen the end of forklab's output.
    output_ended: Arc<AtomicBool>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    /// Starts forklab with `args` in a `cols`×`rows` terminal, with its
    /// progress kept in `home`.
    pub fn start(args: &[&str], cols: u16, rows: u16, home: &std::path::Path) -> Session {
        Session::start_with(args, &[], cols, rows, home)
    }

    /// The same with environment variables set. The config file is
    /// `home/config.toml` (none unless a test writes it) and the colour
    /// variables are cleared, so the tester's own settings never count.
    pub fn start_with(
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        home: &std::path::Path,
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
        for (k, v) in env {
            cmd.env(k, v);
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
        let output_ended = Arc::new(AtomicBool::new(false));
        let ended = output_ended.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
            ended.store(true, Ordering::SeqCst);
        });
        Session {
            parser,
            output_ended,
            child,
            writer,
            _master: pty.master,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a pid")
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until the screen satisfies `pred`, or fails with the screen.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return;
            }
            if start.elapsed() > DEADLINE {
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
