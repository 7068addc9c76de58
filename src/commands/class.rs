//! `forklab class`: the teacher's side of the class experiment, headless.
//! `serve --no-tui` prints each accepted result as a line; `open FILE`
//! prints a stored class.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::commands::status::Error;
use std::sync::mpsc;

use crate::class::payload::report_line;
use crate::class::{ClassEvent, Roster, Server, ServerConfig, new_code};
use crate::sanitize;

/// The port a class listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8642;

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ClassAction {
    /// Start a class: print the address and join code, then gather results.
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = DEFAULT_PORT)]
        port: u16,
        /// Address to listen on [default: every interface, so the room's LAN can join]
        #[arg(long, value_name = "ADDR")]
        bind: Option<IpAddr>,
        /// The class file (reopened with its code if it exists) [default: classes/ in the data folder]
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Print each accepted result as a line instead of opening the class view.
        #[arg(long)]
        no_tui: bool,
    },
    /// Print a stored class: participants and their latest results.
    Open {
        /// A class file written by `class serve`.
        file: PathBuf,
    },
}

/// What a class command leaves to show on a terminal: `cli` opens the
/// class view with it (the server, if any, runs until the view closes).
pub struct ClassScreen {
    pub roster: Roster,
    /// The class file.
    pub file: PathBuf,
    /// The running server, for `class serve`; `None` for `class open`.
    pub serving: Option<Serving>,
}

/// A class being served: the server, its events and what learners type
/// to join (one line per address).
pub struct Serving {
    pub server: Server,
    pub events: mpsc::Receiver<ClassEvent>,
    pub join_lines: Vec<String>,
}

/// How a class command ended: printed, or a class to show.
pub enum Done {
    Printed(ExitCode),
    Show(Box<ClassScreen>),
}

/// Runs a `class` subcommand; `terminal`: a class view can be shown.
pub fn run(action: ClassAction, terminal: bool) -> Result<Done, Error> {
    match action {
        ClassAction::Serve {
            port,
            bind,
            file,
            no_tui,
        } => serve(port, bind, file, terminal && !no_tui),
        ClassAction::Open { file } if terminal => {
            let (roster, _) = crate::class::store::read(&file)?;
            Ok(Done::Show(Box::new(ClassScreen {
                roster,
                file,
                serving: None,
            })))
        }
        ClassAction::Open { file } => open(&file).map(Done::Printed),
    }
}

fn default_file(code: &str) -> Result<PathBuf, String> {
    let dir = crate::paths::data_dir()
        .ok_or("no data folder found: give --file (or set FORKLAB_HOME)")?;
    let stamp = crate::class::now_unix();
    Ok(dir
        .join("classes")
        .join(format!("class-{stamp}-{code}.jsonl")))
}

/// The addresses learners can use: the bound one, or for every
/// interface the machine's own outward address.
fn join_addresses(addr: SocketAddr) -> Vec<String> {
    if !addr.ip().is_unspecified() {
        return vec![addr.to_string()];
    }
    let mut out = Vec::new();
    // Connecting a UDP socket sends nothing; it only picks the interface
    // the system would route through.
    if let Ok(socket) = std::net::UdpSocket::bind("0.0.0.0:0")
        && socket.connect("192.0.2.1:9").is_ok()
        && let Ok(local) = socket.local_addr()
    {
        out.push(format!("{}:{}", local.ip(), addr.port()));
    }
    out.push(format!("127.0.0.1:{} (this machine)", addr.port()));
    out
}

fn serve(
    port: u16,
    bind: Option<IpAddr>,
    file: Option<PathBuf>,
    screen: bool,
) -> Result<Done, Error> {
    let bind = SocketAddr::new(bind.unwrap_or(IpAddr::from([0, 0, 0, 0])), port);
    let code = new_code();
    let file = match file {
        Some(file) => file,
        None => default_file(&code)?,
    };
    // A file-size limit (`ulimit -f`) makes a write fail, which the
    // class file cuts back and the learner is told, rather than end the
    // class: the signal that would kill the server is caught instead.
    signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    )
    .map_err(|e| format!("cannot catch SIGXFSZ: {e}"))?;
    let config = ServerConfig::new(bind, file);
    if screen {
        let (sender, events) = mpsc::channel();
        let (server, roster) = Server::start(config, &code, move |event| {
            let _ = sender.send(event);
        })?;
        let join_lines = join_addresses(server.addr())
            .iter()
            .map(|a| format!("forklab --join {a} {}", server.code()))
            .collect();
        return Ok(Done::Show(Box::new(ClassScreen {
            roster,
            file: server.path().to_path_buf(),
            serving: Some(Serving {
                server,
                events,
                join_lines,
            }),
        })));
    }
    serve_printing(config, &code).map(Done::Printed)
}

/// `class serve --no-tui` (or without a terminal): each event a line on
/// stdout until Ctrl-C or a closed stdout, then a summary on stderr.
fn serve_printing(config: ServerConfig, code: &str) -> Result<ExitCode, Error> {
    // One channel carries the server's events and the stop signal, so
    // the idle server sleeps in one blocking receive.
    let (sender, events) = mpsc::channel();
    let on_event = sender.clone();
    let (server, roster) = Server::start(config, code, move |event| {
        let _ = on_event.send(Some(event));
    })?;
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ])
    .map_err(|e| format!("cannot watch for Ctrl-C: {e}"))?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = sender.send(None);
        }
    });
    print_opening(&server, &roster);
    while let Ok(Some(event)) = events.recv() {
        let line = event_line(event, &server);
        let mut out = std::io::stdout().lock();
        let line = crate::sanitize::line(&line);
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    let refused: u64 = server.refused().iter().map(|(_, n)| n).sum();
    let roster = server.roster();
    eprintln!(
        "class ended: {} participants, {} results, {refused} requests refused; kept in {}",
        roster.participants.len(),
        roster.results(),
        server.path().display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What a teacher needs first: the code, where learners join, the file
/// and what it already held.
fn print_opening(server: &Server, roster: &Roster) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "class code: {}", server.code());
    let scope = if server.addr().ip().is_unspecified() {
        "every interface: learners on this network can join"
    } else {
        "this address only"
    };
    let _ = writeln!(out, "listening on {} ({scope})", server.addr());
    for address in join_addresses(server.addr()) {
        let _ = writeln!(out, "join with: forklab --join {address} {}", server.code());
    }
    let _ = writeln!(out, "class file: {}", server.path().display());
    if !roster.participants.is_empty() {
        let _ = writeln!(
            out,
            "reopened: {} participants, {} results so far",
            roster.participants.len(),
            roster.results()
        );
    }
    for line in server.damage().describe() {
        let _ = writeln!(out, "left out of the class file: {line}");
    }
    let _ = out.flush();
}

/// One event of the class as a log line (not yet sanitized).
fn event_line(event: ClassEvent, server: &Server) -> String {
    match event {
        ClassEvent::Joined {
            nickname, machine, ..
        } => format!(
            "joined: {nickname} ({} cores, {}, Python {})",
            machine.cores,
            machine.cpu_model,
            machine.python.as_deref().unwrap_or("none")
        ),
        ClassEvent::Stored {
            nickname, report, ..
        } => format!("result: {nickname}: {}", report_line(&report)),
        ClassEvent::Refused(why @ crate::class::Refusal::WriteFailed) => format!(
            "refused: {}: {}",
            why.label(),
            server.write_error().unwrap_or_default()
        ),
        ClassEvent::Refused(why) => format!("refused: {}", why.label()),
    }
}

/// The room in text: one line per participant, best speedup first.
pub fn summary(roster: &Roster) -> String {
    let mut out = format!(
        "class {}: {} participants, {} results\n",
        roster.code,
        roster.participants.len(),
        roster.results()
    );
    let mut people: Vec<_> = roster.participants.iter().collect();
    people.sort_by(|a, b| {
        let best = |p: &crate::class::Participant| p.latest().and_then(|r| r.best_speedup());
        best(b).unwrap_or(0.0).total_cmp(&best(a).unwrap_or(0.0))
    });
    for p in people {
        // One line per participant, whatever their name holds.
        out.push_str(&format!(
            "{} ({} cores, {}): ",
            sanitize::line(&p.nickname),
            p.machine.cores,
            sanitize::line(&p.machine.cpu_model)
        ));
        match p.latest() {
            Some(report) => out.push_str(&report_line(report)),
            None => out.push_str("no result yet"),
        }
        out.push('\n');
    }
    out
}

fn open(file: &Path) -> Result<ExitCode, Error> {
    let (roster, damage) = crate::class::store::read(file)?;
    let mut text = summary(&roster);
    for line in damage.describe() {
        text.push_str(&format!("note: {line}; it was never acknowledged\n"));
    }
    print!("{}", sanitize::text(&text));
    Ok(ExitCode::SUCCESS)
}
