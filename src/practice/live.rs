//! The practice loop's engine: watch the learner's file and judge it again
//! on every save, on a thread of its own. A save during a judgement stops
//! that judgement's run (the family is stopped by the guard) and starts
//! over with the new text. Editors save in many ways (write in place, or
//! write a new file and rename it over the old one), so the folder is
//! watched and events are filtered by name; a file that is the same as the
//! one last judged (an editor touching it) is not judged again.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::Watcher as _;

use super::judge::{Memo, judge_with};
use super::observe::Context;
use super::verdict::{Event, Report};
use crate::lesson::{Exercise, LessonSet};
use crate::python::Interpreter;

/// Events of one editor save come in bursts: wait this long for quiet.
pub const SETTLE: Duration = Duration::from_millis(30);

/// What the loop reports, each tagged with the judgement it belongs to
/// (`generation` grows by one per judgement; older ones can be dropped).
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// The file changed and a judgement starts.
    Judging { generation: u64 },
    /// Something of that judgement (runs, their output, verdicts).
    Judge { generation: u64, event: Event },
    /// The judgement is complete.
    Done { generation: u64, report: Report },
    /// The file cannot be read (deleted, moved, unreadable): said once per
    /// change; the loop goes on watching.
    Unreadable { message: String },
    /// The file cannot be checked at all: the watcher failed (saves will
    /// not be seen), or there is no Python.
    Failed { message: String },
}

/// Everything the loop needs to judge, owned by its thread.
#[derive(Debug, Clone)]
pub struct LiveSetup {
    pub set: LessonSet,
    pub exercise: Exercise,
    pub path: PathBuf,
    /// The Python to run; `None`: looked for (as `python_choice` says) on
    /// the loop's thread before the first judgement.
    pub interpreter: Option<Interpreter>,
    /// The interpreter asked for (flag, setting), and where that came from.
    pub python_choice: Option<(PathBuf, crate::python::interpreter::Source)>,
    pub launcher: Option<PathBuf>,
    pub cores: usize,
}

enum Message {
    Changed,
    Now,
    Quit,
}

/// A running loop; dropping it stops the judgement in progress and the
/// thread (without waiting for it).
pub struct Live {
    tx: mpsc::Sender<Message>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

/// What the watcher's callback and the judging thread share.
struct Shared {
    /// Set to stop the judgement in progress.
    cancel: Mutex<Arc<AtomicBool>>,
    /// A hash of the text being (or last) judged.
    judged: Mutex<Option<u64>>,
    path: PathBuf,
}

impl Shared {
    /// Whether the file now differs from what was judged last; a change
    /// stops the judgement in progress at once.
    fn note_change(&self) -> bool {
        let now = std::fs::read(&self.path).ok().map(|b| hash(&b));
        let judged = *self.judged.lock().unwrap_or_else(|e| e.into_inner());
        if now.is_some() && now == judged {
            return false;
        }
        self.cancel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .store(true, Ordering::SeqCst);
        true
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

impl Live {
    /// Starts watching `setup.path` and judges it once at once when
    /// `judge_now`. `sink` receives every event, from the loop's threads.
    pub fn start(
        setup: LiveSetup,
        judge_now: bool,
        sink: impl Fn(LiveEvent) + Send + Sync + 'static,
    ) -> Live {
        let sink: Arc<dyn Fn(LiveEvent) + Send + Sync> = Arc::new(sink);
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            cancel: Mutex::new(Arc::new(AtomicBool::new(false))),
            judged: Mutex::new(None),
            path: setup.path.clone(),
        });
        let watcher = match watch(&setup.path, shared.clone(), tx.clone()) {
            Ok(watcher) => Some(watcher),
            Err(message) => {
                sink(LiveEvent::Failed { message });
                None
            }
        };
        if judge_now {
            let _ = tx.send(Message::Now);
        }
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("forklab-practice".into())
            .spawn(move || run(setup, rx, thread_shared, sink))
            .ok();
        Live {
            tx,
            shared,
            thread,
            _watcher: watcher,
        }
    }

    /// Judges the file again now, even if it did not change.
    pub fn judge_now(&self) {
        self.shared.cancel_current();
        let _ = self.tx.send(Message::Now);
    }

    /// Stops the judgement in progress (its run and family); the file is
    /// judged again at its next save.
    pub fn stop_judging(&self) {
        *self.shared.judged.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.shared.cancel_current();
    }

    /// Stops the judgement in progress and waits for the thread to end.
    pub fn stop(mut self) {
        self.halt();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    fn halt(&self) {
        self.shared.cancel_current();
        let _ = self.tx.send(Message::Quit);
    }

    /// The file being watched.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }
}

impl Shared {
    fn cancel_current(&self) {
        self.cancel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .store(true, Ordering::SeqCst);
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Watches the file's folder and reports changes to the file.
fn watch(
    path: &Path,
    shared: Arc<Shared>,
    tx: mpsc::Sender<Message>,
) -> Result<notify::RecommendedWatcher, String> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = path.file_name().map(|n| n.to_os_string());
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        if event.kind.is_access() {
            return;
        }
        let ours = event
            .paths
            .iter()
            .any(|p| p.file_name().map(|n| n.to_os_string()) == name);
        if ours && shared.note_change() {
            let _ = tx.send(Message::Changed);
        }
    })
    .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    watcher
        .watch(&folder, notify::RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    Ok(watcher)
}

fn run(
    mut setup: LiveSetup,
    rx: mpsc::Receiver<Message>,
    shared: Arc<Shared>,
    sink: Arc<dyn Fn(LiveEvent) + Send + Sync>,
) {
    let mut generation = 0u64;
    let mut forced = false;
    let memo = Memo::default();
    loop {
        match rx.recv() {
            Ok(Message::Quit) | Err(_) => return,
            Ok(Message::Now) => forced = true,
            Ok(Message::Changed) => {}
        }
        // Let the rest of the save's events arrive.
        let settle_until = Instant::now() + SETTLE;
        loop {
            match rx.recv_timeout(settle_until.saturating_duration_since(Instant::now())) {
                Ok(Message::Quit) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Ok(Message::Now) => forced = true,
                Ok(Message::Changed) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
        let source = match super::workspace::read_file(&setup.path) {
            Ok(source) => source,
            Err(e) => {
                sink(LiveEvent::Unreadable {
                    message: e.to_string(),
                });
                continue;
            }
        };
        let interpreter = match setup.interpreter.clone() {
            Some(interpreter) => interpreter,
            None => match Interpreter::find_choice(setup.python_choice.as_ref()) {
                Ok(found) => {
                    setup.interpreter = Some(found.clone());
                    found
                }
                Err(e) => {
                    sink(LiveEvent::Failed {
                        message: e.to_string(),
                    });
                    continue;
                }
            },
        };
        let digest = hash(&source);
        {
            let mut judged = shared.judged.lock().unwrap_or_else(|e| e.into_inner());
            if *judged == Some(digest) && !std::mem::take(&mut forced) {
                continue;
            }
            *judged = Some(digest);
        }
        forced = false;
        let cancel = Arc::new(AtomicBool::new(false));
        *shared.cancel.lock().unwrap_or_else(|e| e.into_inner()) = cancel.clone();
        generation += 1;
        sink(LiveEvent::Judging { generation });
        let ctx = Context {
            set: &setup.set,
            interpreter: &interpreter,
            launcher: setup.launcher.as_ref(),
            cancel: &cancel,
            cores: setup.cores,
            seed: None,
        };
        let shown = setup.path.display().to_string();
        let report = judge_with(
            ctx,
            &setup.exercise,
            &source,
            Some(&shown),
            &memo,
            &|event| {
                // A stopped judgement's last verdicts only say it was stopped.
                if !cancel.load(Ordering::SeqCst) {
                    sink(LiveEvent::Judge { generation, event })
                }
            },
        );
        if !cancel.load(Ordering::SeqCst) {
            sink(LiveEvent::Done { generation, report });
        }
    }
}
