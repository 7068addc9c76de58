//! What each process in forklab's family is to the learner: the master, a
//! worker, one of the helpers Python starts. Told from command lines alone,
//! so the live pane and the headless report agree.

/// A process's part in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// forklab itself, the master of the worker lab.
    Forklab,
    /// forklab's guard, the root of a Python run's family.
    Guard,
    /// The busy child started with `B`.
    Busy,
    /// The script's own process: the first Python of its line.
    Master,
    /// A worker: a `forklab worker`, or a Python process a Python process
    /// started (pool worker, `Process`).
    Worker,
    /// `multiprocessing`'s resource tracker.
    Tracker,
    /// The forkserver that copies workers under the forkserver method.
    Forkserver,
    /// A Dask scheduler (`dask scheduler`).
    Scheduler,
    /// A Dask nanny (`dask worker`): starts, watches and restarts the
    /// worker process below it.
    Nanny,
    /// A `multiprocessing.Manager`'s server: the process that holds the
    /// shared objects and answers the others over a socket.
    Manager,
    /// Anything else (a pyenv shim's shell, a program the script runs).
    Other,
}

impl Role {
    /// A one-word name, for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Forklab => "forklab",
            Role::Guard => "guard",
            Role::Busy => "busy",
            Role::Master => "master",
            Role::Worker => "worker",
            Role::Tracker => "tracker",
            Role::Forkserver => "forkserver",
            Role::Scheduler => "scheduler",
            Role::Nanny => "nanny",
            Role::Manager => "manager",
            Role::Other => "other",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The program's file name: `python3` for `/usr/bin/python3 -u x.py`.
fn program(command: &str) -> &str {
    let first = command.split(' ').next().unwrap_or_default();
    first.rsplit('/').next().unwrap_or_default()
}

/// Whether a process runs Python, by its kernel name or its program.
pub fn is_python(name: &str, command: &str) -> bool {
    [name, program(command)]
        .iter()
        .any(|n| n.starts_with("python") || n.starts_with("pypy"))
}

/// Whether a process is a copy of forklab.
fn is_forklab(name: &str, command: &str) -> bool {
    name == "forklab" || program(command) == "forklab"
}

/// Dask's command-line programs, in any of their spellings: `dask
/// scheduler`, the older `dask-scheduler`, `python -m
/// distributed.cli.dask_scheduler` (the same for `worker`).
fn dask_program(command: &str) -> Option<&'static str> {
    let mut words = command.split(' ').take(6);
    let mut previous = "";
    for word in words.by_ref() {
        let base = word.rsplit('/').next().unwrap_or(word);
        for what in ["scheduler", "worker"] {
            let dashed = base.strip_prefix("dask-") == Some(what);
            let module = base.strip_prefix("distributed.cli.dask_") == Some(what);
            if dashed || module || (previous == "dask" && base == what) {
                return Some(what);
            }
        }
        previous = base;
    }
    None
}

/// The role of a process with this kernel `name` and `command` line, whose
/// parent (when known) has `parent` as its name and command line.
pub fn classify(name: &str, command: &str, parent: Option<(&str, &str)>) -> Role {
    if command.contains("multiprocessing.resource_tracker") {
        return Role::Tracker;
    }
    if command.contains("multiprocessing.forkserver") {
        // The forkserver's children run its code too: they are the workers.
        let served = parent.is_some_and(|(_, c)| c.contains("multiprocessing.forkserver"));
        return if served {
            Role::Worker
        } else {
            Role::Forkserver
        };
    }
    match dask_program(command) {
        Some("scheduler") => return Role::Scheduler,
        // Without a nanny, `dask worker` is the worker itself.
        Some(_) if command.split(' ').any(|w| w == "--no-nanny") => return Role::Worker,
        Some(_) => return Role::Nanny,
        None => {}
    }
    if is_forklab(name, command) {
        return match command.split(' ').nth(1) {
            Some("guard") => Role::Guard,
            Some("worker") => Role::Worker,
            // The lab's fork server; its children are the workers it forked.
            Some("forkserver") => {
                let served = parent.is_some_and(|(n, c)| {
                    is_forklab(n, c) && c.split(' ').nth(1) == Some("forkserver")
                });
                if served {
                    Role::Worker
                } else {
                    Role::Forkserver
                }
            }
            Some("busy") => Role::Busy,
            _ => Role::Forklab,
        };
    }
    if is_python(name, command) {
        let python_parent = parent.is_some_and(|(n, c)| is_python(n, c));
        return if python_parent {
            Role::Worker
        } else {
            Role::Master
        };
    }
    Role::Other
}

/// A Python worker that listens on a `multiprocessing` socket is a
/// Manager's server, however it was started (its command line is the
/// master's under fork, a worker's under spawn or forkserver).
pub fn refine(role: Role, serves: bool) -> Role {
    match role {
        Role::Worker if serves => Role::Manager,
        role => role,
    }
}

/// The program a pyenv shim runs, when `command` is one of the shells
/// of pyenv's shim chain (a shim, `pyenv`, `pyenv-exec`).
fn pyenv_shim(command: &str) -> Option<String> {
    let mut words = command.split(' ');
    let shell = program(words.next()?);
    if !matches!(shell, "bash" | "sh" | "dash" | "zsh") {
        return None;
    }
    let script = words.next()?;
    let base = script.rsplit('/').next().unwrap_or(script);
    if base == "pyenv" || base.starts_with("pyenv-") {
        let target = words.find(|w| *w != "exec")?;
        return Some(program(target).to_string());
    }
    script.contains("/.pyenv/shims/").then(|| base.to_string())
}

/// What to show of a command beside its role: a Python script's file name
/// and arguments (`pool_squares.py 4`); nothing where the role says it all
/// (forklab's own copies, Python's `-c` helpers); else the program and its
/// arguments without directories.
pub fn brief(role: Role, command: &str) -> String {
    let mut words = command.split(' ');
    let program = program(words.next().unwrap_or_default());
    let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    // A pyenv shim's shell (`bash ~/.pyenv/shims/python3 ...`, then
    // `pyenv exec`) on the way to the Python it names.
    if role == Role::Other
        && let Some(target) = pyenv_shim(command)
    {
        return format!("pyenv shim for {target}");
    }
    match role {
        // forklab's own helpers by their command: `highlight`.
        Role::Forklab => words
            .next()
            .filter(|w| !w.starts_with('-') && !w.contains('/'))
            .unwrap_or_default()
            .to_string(),
        Role::Guard | Role::Busy | Role::Tracker | Role::Forkserver | Role::Manager => {
            String::new()
        }
        // The address it serves or joins, when given.
        Role::Scheduler | Role::Nanny => words
            .find(|w| w.contains("://"))
            .map(String::from)
            .unwrap_or_default(),
        Role::Master | Role::Worker if is_python("", program) => {
            let args: Vec<&str> = words.collect();
            if args.contains(&"-c") {
                return String::new();
            }
            let mut rest = args.into_iter().skip_while(|w| w.starts_with('-'));
            rest.next()
                .map(|script| std::iter::once(base(script)).chain(rest.map(String::from)))
                .map(|words| words.collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        }
        // `forklab worker 3`: the worker's number in the pool.
        Role::Master | Role::Worker if program == "forklab" => {
            words.skip(1).collect::<Vec<_>>().join(" ")
        }
        _ => std::iter::once(program.to_string())
            .chain(words.map(base))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPAWNED: &str = "/usr/bin/python3.11 -B -c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7) --multiprocessing-fork";
    const SERVER: &str = "python3 -B -c from multiprocessing.forkserver import main; main(8, 9)";

    #[test]
    fn roles_from_command_lines() {
        let forklab = ("forklab", "/home/me/.cargo/bin/forklab --lessons x");
        let guard = ("forklab", "forklab guard --status-fd 6 -- python3 -u s.py");
        let master = ("python3", "/usr/bin/python3 -u s.py 4");
        assert_eq!(classify(forklab.0, forklab.1, None), Role::Forklab);
        assert_eq!(classify(guard.0, guard.1, Some(forklab)), Role::Guard);
        assert_eq!(classify("forklab", "forklab busy", None), Role::Busy);
        assert_eq!(classify("forklab", "forklab worker", None), Role::Worker);
        let server = ("forklab", "/x/forklab forkserver");
        assert_eq!(
            classify(server.0, server.1, Some(("forklab", "forklab"))),
            Role::Forkserver
        );
        assert_eq!(classify(server.0, server.1, Some(server)), Role::Worker);
        assert_eq!(classify(master.0, master.1, Some(guard)), Role::Master);
        assert_eq!(classify(master.0, master.1, Some(master)), Role::Worker);
        assert_eq!(classify("python3.11", SPAWNED, Some(master)), Role::Worker);
        assert_eq!(classify("python3", SERVER, Some(master)), Role::Forkserver);
        assert_eq!(
            classify("python3", SERVER, Some(("python3", SERVER))),
            Role::Worker
        );
        let tracker = "python3 -c from multiprocessing.resource_tracker import main;main(4)";
        assert_eq!(classify("python3", tracker, Some(master)), Role::Tracker);
        // A pyenv shim's shell is neither; the Python it starts is the master.
        let shell = ("bash", "bash /root/.pyenv/libexec/pyenv-exec python3");
        assert_eq!(classify(shell.0, shell.1, Some(guard)), Role::Other);
        assert_eq!(classify(master.0, master.1, Some(shell)), Role::Master);
    }

    #[test]
    fn dask_scheduler_nanny_and_worker() {
        let venv = "/home/me/venv/bin/python3 /home/me/venv/bin/dask";
        let scheduler = format!("{venv} scheduler --host 127.0.0.1 --port 8786");
        let nanny = format!("{venv} worker tcp://127.0.0.1:8786 --nthreads 1");
        let shell = ("bash", "bash");
        assert_eq!(classify("dask", &scheduler, Some(shell)), Role::Scheduler);
        assert_eq!(classify("dask", &nanny, Some(shell)), Role::Nanny);
        // The nanny's spawned child does the work; its tracker is a tracker.
        let parent = Some(("dask", nanny.as_str()));
        assert_eq!(classify("python3", SPAWNED, parent), Role::Worker);
        let tracker = "python3 -B -c from multiprocessing.resource_tracker import main;main(11)";
        assert_eq!(classify("python3", tracker, parent), Role::Tracker);
        let other_spellings = [
            (
                "dask-scheduler",
                "/v/bin/python /v/bin/dask-scheduler",
                Role::Scheduler,
            ),
            (
                "python3",
                "python3 -m distributed.cli.dask_scheduler --port 0",
                Role::Scheduler,
            ),
            (
                "dask-worker",
                "/v/bin/python /v/bin/dask-worker tcp://h:1",
                Role::Nanny,
            ),
            (
                "python3",
                "python3 -m distributed.cli.dask_worker tcp://h:1",
                Role::Nanny,
            ),
            (
                "dask",
                "/v/bin/python /v/bin/dask worker tcp://h:1 --no-nanny",
                Role::Worker,
            ),
        ];
        for (name, command, role) in other_spellings {
            assert_eq!(classify(name, command, None), role, "{command}");
        }
        // Neither: a script that merely mentions dask, a worker's own script.
        assert_eq!(
            classify("python3", "python3 -u dask_demo.py worker", None),
            Role::Master
        );
        assert_eq!(
            classify("python3", "python3 -u worker.py dask", None),
            Role::Master
        );
        assert_eq!(brief(Role::Nanny, &nanny), "tcp://127.0.0.1:8786");
        assert_eq!(brief(Role::Scheduler, &scheduler), "");
    }

    #[test]
    fn a_listening_worker_is_a_managers_server() {
        let master = ("python3", "/usr/bin/python3 -u s.py");
        // Under fork the server's command line is the master's own.
        let forked = classify(master.0, master.1, Some(master));
        assert_eq!(refine(forked, true), Role::Manager);
        assert_eq!(refine(forked, false), Role::Worker);
        assert_eq!(
            refine(classify("python3", SPAWNED, Some(master)), true),
            Role::Manager
        );
        // The forkserver listens too, but its command line says what it is.
        let server = classify("python3", SERVER, Some(master));
        assert_eq!(refine(server, true), Role::Forkserver);
        assert_eq!(refine(Role::Master, true), Role::Master);
        assert_eq!(brief(Role::Manager, SPAWNED), "");
        // /proc/net/unix: a listening socket in multiprocessing's folder
        // (3.11 to 3.13 name it listener-*, 3.14 sock-*), and others.
        let table = "Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 4242 /tmp/pymp-ab12/listener-x1
0000000000000000: 00000003 00000000 00000000 0001 03 4243 /tmp/pymp-ab12/listener-x1
0000000000000000: 00000002 00000000 00010000 0001 01 5151 /tmp/pymp-cd34/sock-9f
0000000000000000: 00000002 00000000 00010000 0001 01 6161 /run/dbus/system_bus_socket
";
        let has = |inode: &str| crate::os::listening_pymp_socket(table, &[inode.to_string()]);
        assert!(has("4242") && has("5151"));
        assert!(!has("4243"), "a connected socket is not a server");
        assert!(!has("6161"), "not multiprocessing's");
        assert!(!has("7777"));
    }

    #[test]
    fn briefs_keep_what_the_role_does_not_say() {
        assert_eq!(
            brief(Role::Master, "/usr/bin/python3 -u /tmp/w/s.py 4"),
            "s.py 4"
        );
        assert_eq!(brief(Role::Worker, "python3 -u s.py"), "s.py");
        assert_eq!(brief(Role::Worker, SPAWNED), "");
        assert_eq!(brief(Role::Worker, "/x/forklab worker 3"), "3");
        assert_eq!(brief(Role::Guard, "forklab guard --status-fd 6"), "");
        assert_eq!(brief(Role::Other, "/bin/sleep /tmp/a 5"), "sleep a 5");
        // The first screen: the highlighter, and a pyenv machine's shims.
        assert_eq!(brief(Role::Forklab, "/x/forklab highlight"), "highlight");
        assert_eq!(brief(Role::Forklab, "./forklab --theme light"), "");
        for shim in [
            "bash /root/.pyenv/shims/python3 -c import sys",
            "bash /root/.pyenv/libexec/pyenv exec python3 -c import sys",
            "bash /root/.pyenv/libexec/pyenv-exec python3 -c import sys",
        ] {
            assert_eq!(brief(Role::Other, shim), "pyenv shim for python3", "{shim}");
        }
        assert_eq!(brief(Role::Other, "bash run.sh"), "bash run.sh");
    }
}
