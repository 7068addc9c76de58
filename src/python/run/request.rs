//! What to run: a temporary working directory holding the script, its
//! data and the `sitecustomize` that hands the OS whole lines.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::DEFAULT_TIMEOUT;
use crate::lesson::{Example, LessonSet};
use crate::python::StartMethod;
use crate::python::guard::WORKDIR_PREFIX;
use crate::python::interpreter::Interpreter;

/// Loaded by every Python process of the run (through `PYTHONPATH`): puts
/// stdout and stderr behind `_WholeLines`, which hands the OS whole lines
/// only, all of one `print` in one write (text waits until it ends a line). `-u` alone makes `print` write the text
/// and the newline separately, and Python's own line buffering (a
/// terminal's) writes `print("a\nb")` as `a\nb` then `\n`; either way
/// lines printed at the same time by several processes ran into each
/// other. Text without a newline waits for its line's end or a flush
/// (`print(".", end="", flush=True)` shows at once), as in a terminal.
/// Then it hands over to the `sitecustomize` it hides, if any. When forklab
/// chooses the start method itself ([`FORCE_START_METHOD_VAR`], practice
/// runs), it is set before the script runs, and the script asking for the
/// same one again is no error; the processes show what really ran.
/// When forklab watches the run ([`HOLD_VAR`], practice runs), each process
/// `multiprocessing` starts waits as its `run()` starts and ends until
/// forklab has read `/proc` (2 s at most: a hold delays, never keeps):
/// however short it lives and however busy the machine, it is seen. The
/// script can undo that only to be seen less. The master connects once,
/// without waiting, when its code has ended (`crate::practice::hold`).
const SITECUSTOMIZE: &str = r#"import os, sys
class _WholeLines:
    """Gives the stream whole lines only, each print's in one write."""

    def __init__(self, stream):
        import _thread
        self._stream = stream
        self._pending = ""
        self._lock = _thread.RLock()
        def _unlock():
            self._lock = _thread.RLock()
        os.register_at_fork(after_in_child=_unlock)

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            self._pending += text
            if self._pending.endswith("\n") or len(self._pending) >= 8192:
                self.flush()
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        with self._lock:
            pending, self._pending = self._pending, ""
            if pending:
                self._stream.write(pending)
            self._stream.flush()

    def __getattr__(self, name):
        if name == "buffer":
            self.flush()
        return getattr(self._stream, name)

for _name in ("stdout", "stderr"):
    _stream = getattr(sys, _name)
    if _stream is not None:
        try:
            _stream.reconfigure(write_through=True)
            setattr(sys, _name, _WholeLines(_stream))
        except Exception:
            pass
_forced = os.environ.get("FORKLAB_FORCE_START_METHOD")
if _forced:
    try:
        import multiprocessing as _mp
        _mp.set_start_method(_forced, force=True)
        _set = _mp.set_start_method
        def set_start_method(method, force=False, _set=_set, _forced=_forced):
            if method != _forced:
                _set(method, force=True)
        _mp.set_start_method = set_start_method
    except Exception:
        pass
_hold = os.environ.get("FORKLAB_HOLD")
if _hold:
    try:
        import socket as _socket, threading as _threading, time as _time
        import multiprocessing.process as _mpp
        def _held(wait, _hold=_hold, _socket=_socket, _time=_time):
            """Connects to forklab and, if `wait`, waits for its byte: 2 s
            at most in all, whatever forklab does; never raises an Exception."""
            try:
                end = _time.monotonic() + 2.0
                with _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM) as s:
                    s.settimeout(2.0)
                    s.connect(_hold)
                    left = end - _time.monotonic()
                    if wait and left > 0:
                        s.settimeout(left)
                        s.recv(1)
            except Exception:
                pass
        def _bootstrap(self, *args, _boot=_mpp.BaseProcess._bootstrap, **kwargs):
            # The holds go around run(), inside Python's own bootstrap: what a
            # signal's handler raises while a process is held ends it as in
            # run() (a forked child never returns into its parent's code).
            try:
                run = self.run
                def _run(run=run, self=self):
                    _held(True)
                    try:
                        return run()
                    finally:
                        self.__dict__.pop("run", None)
                        _held(True)
                self.run = _run
            except Exception:
                pass
            return _boot(self, *args, **kwargs)
        _mpp.BaseProcess._bootstrap = _bootstrap
        _master = os.getpid()
        def _ending(_master=_master, _mpp=_mpp):
            # The script's code has ended (Python's exit begins): told from
            # the master, before multiprocessing's finalizers run.
            if os.getpid() == _master and _mpp.parent_process() is None:
                _held(False)
        try:
            _threading._register_atexit(_ending)
        except AttributeError:
            # Python 3.8: an atexit call, after multiprocessing's, runs first.
            import atexit, multiprocessing.util
            atexit.register(_ending)
        except Exception:
            pass
    except Exception:
        pass
try:
    import importlib.machinery, importlib.util
    _here = os.path.dirname(os.path.abspath(__file__))
    _rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    _spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
    if _spec is not None and _spec.loader is not None:
        _module = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_module)
except Exception:
    pass
"#;

/// Set (to the method's name) when forklab chooses the start method
/// itself: the `sitecustomize` above sets it before the script runs.
pub const FORCE_START_METHOD_VAR: &str = "FORKLAB_FORCE_START_METHOD";

/// Set (to a Unix socket's path) when forklab watches the run: the
/// `sitecustomize` above connects to it from each new process.
pub const HOLD_VAR: &str = "FORKLAB_HOLD";

/// What to run: built by [`RunRequest::for_example`] (or
/// [`RunRequest::for_script`]), then adjusted through its public fields.
#[derive(Debug)]
pub struct RunRequest {
    pub interpreter: Interpreter,
    /// The script's file name inside the working directory.
    pub script: String,
    /// Command-line arguments after the script's name.
    pub args: Vec<String>,
    /// `None`: the interpreter's default, and `FORKLAB_START_METHOD` unset.
    pub start_method: Option<StartMethod>,
    /// Set `start_method` before the script runs, not only offer it in
    /// `FORKLAB_START_METHOD` (practice checks: a script cannot ignore it).
    pub force_start_method: bool,
    /// A socket forklab listens on ([`HOLD_VAR`]): each process
    /// `multiprocessing` starts connects as its `run()` starts and ends and
    /// waits for a byte, sent once forklab has sampled the family.
    pub hold: Option<PathBuf>,
    pub timeout: Duration,
    /// The exit status the lesson expects.
    pub expect_exit: i32,
    /// Where the lesson expects another status under one start method.
    pub expect_exit_by_method: Vec<(StartMethod, i32)>,
    /// Modules (or programs, `py-spy`) the script needs beyond the
    /// standard library; when one does not import (or run) in the
    /// interpreter, the run reports [`PyEvent::Skipped`](super::PyEvent::Skipped), with why,
    /// instead of starting.
    pub requires: Vec<String>,
    /// Hard limits on the run's family, enforced by the guard (a cgroup, else
    /// rlimits and sampling); `None`: none (the lab's drivers). Examples
    /// and practice runs get the configured ones.
    pub limits: Option<crate::os::contain::Limits>,
    /// forklab's own program, re-executed as the guard; `None` means this
    /// executable. (Tests that use the library give the forklab binary.)
    pub launcher: Option<PathBuf>,
    /// Holds `work/` (the script's working directory) and `site/` (the
    /// `sitecustomize` above); removed after the run.
    pub(super) root: tempfile::TempDir,
}

impl RunRequest {
    /// Copies the example's script and data into a new working directory.
    pub fn for_example(
        set: &LessonSet,
        example: &Example,
        interpreter: Interpreter,
    ) -> Result<RunRequest, String> {
        let contents = set
            .file(&example.file)
            .map_err(|e| format!("example {:?}: file {:?} {e}", example.id, example.file))?;
        let name = Path::new(&example.file)
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("example {:?}: {:?} names no file", example.id, example.file))?;
        let mut request = RunRequest::for_script(name, &contents, interpreter)?;
        for data in &example.data {
            set.copy_asset(data, &request.workdir())
                .map_err(|e| format!("example {:?}: data {data:?}: {e}", example.id))?;
        }
        request.args = example.args.clone();
        request.expect_exit = example.expect_exit;
        request.expect_exit_by_method = StartMethod::ALL
            .into_iter()
            .filter_map(|m| {
                let exit = example.by_method.get(m.as_str())?.expect_exit?;
                Some((m, exit))
            })
            .collect();
        request.requires = example.requires.clone();
        request.limits = Some(crate::config::limits());
        request.timeout = example.timeout.map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        Ok(request)
    }

    /// A working directory holding one script, `name`, with `contents`.
    pub fn for_script(
        name: &str,
        contents: &[u8],
        interpreter: Interpreter,
    ) -> Result<RunRequest, String> {
        let plain = !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0']);
        if !plain {
            return Err(format!("{name:?} is not a plain file name"));
        }
        let root = tempfile::Builder::new()
            .prefix(WORKDIR_PREFIX)
            .tempdir()
            .map_err(|e| format!("cannot create a temporary working directory: {e}"))?;
        let (work, site) = (root.path().join("work"), root.path().join("site"));
        let prepared = std::fs::create_dir(&work)
            .and_then(|()| std::fs::create_dir(&site))
            .and_then(|()| std::fs::write(site.join("sitecustomize.py"), SITECUSTOMIZE));
        prepared.map_err(|e| format!("cannot prepare {}: {e}", root.path().display()))?;
        std::fs::write(work.join(name), contents)
            .map_err(|e| format!("cannot copy {name} to {}: {e}", work.display()))?;
        Ok(RunRequest {
            interpreter,
            script: name.to_string(),
            args: Vec::new(),
            start_method: None,
            force_start_method: false,
            hold: None,
            timeout: DEFAULT_TIMEOUT,
            expect_exit: 0,
            expect_exit_by_method: Vec::new(),
            requires: Vec::new(),
            limits: None,
            launcher: None,
            root,
        })
    }

    /// The temporary directory the script runs in (removed after the run).
    pub fn workdir(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// What runs, for display: `python3 -u script.py ARGS`.
    pub fn command_line(&self) -> String {
        let mut words = vec![
            self.interpreter.path.display().to_string(),
            "-u".into(),
            self.script.clone(),
        ];
        words.extend(self.args.iter().cloned());
        crate::sanitize::line(&words.join(" ")).into_owned()
    }

    /// The start method that will run.
    pub fn effective_start_method(&self) -> StartMethod {
        self.start_method
            .unwrap_or(self.interpreter.default_start_method)
    }

    /// The exit status the lesson expects under the method that will run.
    pub fn expected_exit(&self) -> i32 {
        let method = self.effective_start_method();
        self.expect_exit_by_method
            .iter()
            .find(|(m, _)| *m == method)
            .map_or(self.expect_exit, |(_, exit)| *exit)
    }
}
