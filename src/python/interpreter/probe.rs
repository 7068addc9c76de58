//! The probe: a short Python program the interpreter runs once
//! (`probe.py`), its answer read line by line, with a time limit.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::super::StartMethod;

/// How long the version probe may take (a cold pyenv shim can be slow).
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// Asks the interpreter what forklab needs to know, one fact a line:
/// version, start methods, the GIL, its own executable.
pub(super) const PROBE: &str = include_str!("probe.py");

/// Prints each module named on the command line (after the first word,
/// the seconds a program may take) that this Python cannot import, one a
/// line: the name alone when it is not there, else the name, a tab and
/// why it fails. Found is not enough: a package built for another
/// Python (a NumPy for 3.14 on 3.13's path) is found and then fails, so
/// each module is imported here, in the probe's own process. Only the
/// modules a run requires are asked for, so only they cost (measured in
/// the README's version-matrix section). What an import prints goes to
/// stderr; the answer goes to a copy of stdout. A name with a dash is no
/// import name but a program (`py-spy`, which pip installs beside the
/// interpreter): looked for on `PATH` and in the interpreter's scripts
/// folder, where a lesson's script finds it too, and run with `--version`.
pub(super) const IMPORT_MODULES: &str = r#"import os, sys
answer = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
# The script runs in its own folder: forklab's folder is not on its path.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]
seconds = float(sys.argv[1])

def why_not(name):
    if "-" in name:
        import shutil, subprocess, sysconfig
        here = os.pathsep.join([sysconfig.get_path("scripts") or "", os.path.dirname(sys.executable)])
        program = shutil.which(name) or shutil.which(name, path=here)
        if program is None:
            return ""
        try:
            ran = subprocess.run([program, "--version"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=seconds)
        except subprocess.TimeoutExpired:
            return "`%s --version` did not end within %g s" % (name, seconds)
        except OSError as e:
            return "`%s --version` does not start: %s" % (name, e)
        if ran.returncode != 0:
            said = ran.stderr[-4096:].decode(errors="replace").strip().splitlines()
            return "`%s --version` ended with %s%s" % (name, ran.returncode, ": " + said[-1] if said else "")
        return None
    try:
        __import__(name)
    except ModuleNotFoundError as e:
        if e.name and (name == e.name or name.startswith(e.name + ".")):
            return ""
        return cause(e)
    except BaseException as e:
        return cause(e)
    return None

def cause(e):
    # The error at the root of the chain names the cause (NumPy's own
    # message is a page of advice around it), in its first line.
    seen = [e]
    while (e.__cause__ or e.__context__) is not None and len(seen) < 20:
        e = e.__cause__ or e.__context__
        seen.append(e)
    return "%s: %s" % (type(e).__name__, (str(e).strip().splitlines() or [""])[0])

for name in sys.argv[2:]:
    why = why_not(name)
    if why is not None:
        why = " ".join(why.split())
        answer.write(name + ("\t" + why if why else "") + "\n")
answer.flush()
os._exit(0)
"#;

/// How long `py-spy --version` (any required program) may take inside
/// the probe: well within [`PROBE_TIMEOUT`], so a program that hangs is
/// reported as such, not as a probe that did not answer.
pub(super) fn program_seconds() -> String {
    (PROBE_TIMEOUT.as_secs() * 2 / 3).to_string()
}

/// Runs the probe with a time limit; returns its standard output.
pub(super) fn probe(path: &Path, code: &str, args: &[&str]) -> Result<String, String> {
    let mut child = Command::new(path)
        .args(["-c", code])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || read_all(stdout.as_mut()));
    let err = std::thread::spawn(move || read_all(stderr.as_mut()));
    let status = match crate::os::process::wait_until(&mut child, Instant::now() + PROBE_TIMEOUT) {
        Ok(Some(status)) => status,
        Ok(None) => {
            crate::os::process::reap(&mut child, Instant::now());
            return Err(format!(
                "it did not answer `python -c` within {} s",
                PROBE_TIMEOUT.as_secs()
            ));
        }
        Err(e) => return Err(format!("cannot wait for it: {e}")),
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if status != crate::os::process::Exit::Code(0) {
        let err = crate::sanitize::text(err.trim());
        return Err(format!(
            "`{} -c ...` ended with {status}{}{}",
            path.display(),
            if err.is_empty() { "" } else { ":\n" },
            err
        ));
    }
    Ok(out)
}

/// The most of each of the probe's pipes kept: its answer is a few
/// lines, and an import may print anything (the rest is read and dropped,
/// so the child never blocks on a full pipe).
const MAX_PIPE_BYTES: u64 = 64 * 1024;

fn read_all(pipe: Option<&mut impl Read>) -> String {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        let _ = pipe.take(MAX_PIPE_BYTES).read_to_end(&mut bytes);
        let _ = std::io::copy(pipe, &mut std::io::sink());
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether the interpreter runs Python bytecode on one thread at a time.
/// Threads doing pure-Python work share one core's worth of time when
/// `enabled`; on a free-threaded build with the GIL off they run side by
/// side like processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gil {
    /// A free-threaded build (PEP 703, `python3.13t` and later):
    /// `sysconfig.get_config_var("Py_GIL_DISABLED")` is 1.
    pub free_threaded: bool,
    /// The GIL is on now: `sys._is_gil_enabled()` (3.13+), else always.
    /// A free-threaded build turns it back on for `PYTHON_GIL=1`,
    /// `-X gil=1` or an extension module not marked safe without it.
    pub enabled: bool,
}

impl Default for Gil {
    /// The standard build, the only one before 3.13.
    fn default() -> Gil {
        Gil {
            free_threaded: false,
            enabled: true,
        }
    }
}

impl Gil {
    /// The probe's `gil FREE ENABLED` line (after `gil `), each 0 or 1.
    fn parse(words: &str) -> Option<Gil> {
        let flag = |w: &str| match w {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        };
        let mut words = words.split_whitespace();
        let gil = Gil {
            free_threaded: flag(words.next()?)?,
            enabled: flag(words.next()?)?,
        };
        words.next().is_none().then_some(gil)
    }

    /// Whether threads can run Python code on several cores at once.
    pub fn threads_run_in_parallel(self) -> bool {
        !self.enabled
    }

    /// For the lab's header and `forklab config`.
    pub fn describe(self) -> &'static str {
        match (self.free_threaded, self.enabled) {
            (false, true) => "GIL on",
            (false, false) => "GIL off",
            (true, false) => "free-threaded, GIL off",
            (true, true) => "free-threaded, GIL on",
        }
    }
}

/// What the probe said. The start methods are an error when
/// `multiprocessing` is unusable (reported only for a recent Python).
#[derive(Debug, PartialEq)]
pub(super) struct ProbeAnswer {
    pub version: String,
    pub version_info: (u32, u32, u32),
    pub methods: Result<(StartMethod, Vec<StartMethod>), String>,
    /// `sys.executable`, when the interpreter said.
    pub executable: Option<String>,
    pub gil: Gil,
}

pub(super) fn parse_probe(output: &str) -> Result<ProbeAnswer, String> {
    // The last line names the executable (a path may hold spaces, so only
    // the line's end is trimmed).
    let executable = output
        .lines()
        .find_map(|l| l.strip_prefix("executable "))
        .map(|e| e.trim_end().to_string())
        .filter(|e| !e.is_empty());
    let gil = match output.lines().find_map(|l| l.strip_prefix("gil ")) {
        Some(words) => Gil::parse(words).ok_or_else(|| {
            format!(
                "unexpected answer about the GIL: {:?}",
                crate::sanitize::line(words.trim())
            )
        })?,
        // A probe's answer without the line: an interpreter older than
        // the question, so a standard build.
        None => Gil::default(),
    };
    let mut lines = output
        .lines()
        .filter(|l| !l.starts_with("executable ") && !l.starts_with("gil "))
        .map(str::trim);
    let unexpected = || {
        format!(
            "unexpected answer to the version probe: {:?}",
            crate::sanitize::text(output.trim())
        )
    };
    let version = lines
        .next()
        .filter(|v| !v.is_empty())
        .ok_or_else(unexpected)?;
    let numbers: Vec<u32> = lines
        .next()
        .ok_or_else(unexpected)?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| unexpected())?;
    let [major, minor, micro] = numbers[..] else {
        return Err(unexpected());
    };
    let methods = match (lines.next(), lines.next()) {
        (Some(error), _) if error.starts_with('!') => Err(format!(
            "its multiprocessing module does not load: {}",
            crate::sanitize::text(&error[1..])
        )),
        (Some(default), Some(all)) => default
            .parse::<StartMethod>()
            .map(|default| {
                let all = all.split(',').filter_map(|m| m.parse().ok()).collect();
                (default, all)
            })
            .map_err(|e| format!("multiprocessing's default start method: {e}")),
        _ => Err(unexpected()),
    };
    Ok(ProbeAnswer {
        version: version.to_string(),
        version_info: (major, minor, micro),
        methods,
        executable,
        gil,
    })
}
