//! The teacher's side: a listener that accepts `POST /join` and
//! `POST /submit` and nothing else. A connection is let in only while
//! its address holds fewer than its share (`door`); the request is read
//! under deadlines and size caps (`http`), takes a token from its
//! address's bucket, then has its class code checked (a wrong one makes
//! the address wait), its schema and numbers checked, its learner's and
//! class's caps checked, and only then is appended and synced to the
//! class file (`endpoints`). The server executes nothing and serves no
//! files; no answer names a path.

mod door;
mod endpoints;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::http::{self, ReadError, Response};
use super::limits::{HEAD_BYTES, HEADERS, ServerLimits};
use super::payload::{Machine, Report};
use super::store::{ClassFile, Damage, Roster};
use door::Doors;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    /// The class file: reopened (same code) when it exists.
    pub file: PathBuf,
    /// Connections, rates, waits and caps (`limits`' table by default).
    pub limits: ServerLimits,
}

impl ServerConfig {
    pub fn new(bind: SocketAddr, file: PathBuf) -> ServerConfig {
        ServerConfig {
            bind,
            file,
            limits: ServerLimits::default(),
        }
    }
}

/// Why a request was turned away. Each kind is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    WrongCode,
    /// A request while its address waits out its wrong codes.
    Guessing,
    Malformed,
    /// Numbers nobody measured.
    Implausible,
    TooLarge,
    Slow,
    RateLimited,
    /// Its address holds all the connections it may.
    Crowded,
    /// A learner's, an address's or the class's cap is reached.
    Full,
    UnknownParticipant,
    NotFound,
    Busy,
    WriteFailed,
}

impl Refusal {
    pub const ALL: [Refusal; 13] = [
        Refusal::WrongCode,
        Refusal::Guessing,
        Refusal::Malformed,
        Refusal::Implausible,
        Refusal::TooLarge,
        Refusal::Slow,
        Refusal::RateLimited,
        Refusal::Crowded,
        Refusal::Full,
        Refusal::UnknownParticipant,
        Refusal::NotFound,
        Refusal::Busy,
        Refusal::WriteFailed,
    ];

    fn index(self) -> usize {
        Refusal::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    pub fn label(self) -> &'static str {
        match self {
            Refusal::WrongCode => "wrong code",
            Refusal::Guessing => "guessing codes",
            Refusal::Malformed => "malformed",
            Refusal::Implausible => "implausible numbers",
            Refusal::TooLarge => "too large",
            Refusal::Slow => "too slow",
            Refusal::RateLimited => "too many",
            Refusal::Crowded => "too many connections from one address",
            Refusal::Full => "over a cap",
            Refusal::UnknownParticipant => "not joined",
            Refusal::NotFound => "no such endpoint",
            Refusal::Busy => "server busy",
            Refusal::WriteFailed => "cannot write the class file",
        }
    }

    fn status(self) -> u16 {
        match self {
            Refusal::WrongCode | Refusal::UnknownParticipant | Refusal::Full => 403,
            Refusal::Malformed => 400,
            Refusal::Implausible => 422,
            Refusal::TooLarge => 413,
            Refusal::Slow => 408,
            Refusal::RateLimited | Refusal::Guessing | Refusal::Crowded => 429,
            Refusal::NotFound => 404,
            Refusal::Busy | Refusal::WriteFailed => 503,
        }
    }
}

/// A refusal as the client gets it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refused {
    pub why: Refusal,
    pub status: u16,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl Refused {
    pub fn new(why: Refusal, message: impl Into<String>) -> Refused {
        Refused {
            why,
            status: why.status(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// Tells the client to wait this many seconds.
    pub fn retry(mut self, seconds: u64) -> Refused {
        self.retry_after = Some(seconds);
        self
    }

    fn of_read(error: &ReadError) -> Option<Refused> {
        let refused = match error {
            ReadError::Slow(_) => Refused::new(Refusal::Slow, error.message()),
            ReadError::TooLarge(limit) if [&HEAD_BYTES, &HEADERS].contains(limit) => Refused {
                status: 431,
                ..Refused::new(Refusal::TooLarge, error.message())
            },
            ReadError::TooLarge(_) => Refused::new(Refusal::TooLarge, error.message()),
            ReadError::Malformed(_) => Refused::new(Refusal::Malformed, error.message()),
            ReadError::Closed => return None,
        };
        Some(refused)
    }
}

/// What happened, in the order it was written to the class file.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassEvent {
    Joined {
        index: usize,
        nickname: String,
        machine: Machine,
    },
    Stored {
        index: usize,
        nickname: String,
        report: Report,
    },
    Refused(Refusal),
}

type Sink = Arc<dyn Fn(ClassEvent) + Send + Sync>;

struct Inner {
    roster: Roster,
    file: ClassFile,
    /// Who joined from where under which nickname: joining again is
    /// the same learner, not one more.
    rejoins: HashMap<(IpAddr, String), usize>,
    /// Learners joined per address (its key).
    learners: HashMap<IpAddr, usize>,
}

struct Shared {
    limits: ServerLimits,
    code: String,
    inner: Mutex<Inner>,
    doors: Mutex<Doors>,
    refused: [AtomicU64; Refusal::ALL.len()],
    /// Why the class file could not be written, for the teacher only.
    write_error: Mutex<Option<String>>,
    sink: Sink,
}

impl Shared {
    fn doors(&self) -> MutexGuard<'_, Doors> {
        self.doors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running class server; dropping it stops the listener.
pub struct Server {
    addr: SocketAddr,
    code: String,
    path: PathBuf,
    damage: Damage,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl Server {
    /// Opens (or creates) the class file and starts listening. `code` is
    /// used for a new class; a reopened file keeps its own.
    pub fn start(
        config: ServerConfig,
        code: &str,
        sink: impl Fn(ClassEvent) + Send + Sync + 'static,
    ) -> Result<(Server, Roster), String> {
        let (file, roster, damage) = ClassFile::open_or_create(&config.file, code)?;
        let listener = TcpListener::bind(config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let code = roster.code.clone();
        let path = file.path().to_path_buf();
        let shared = Arc::new(Shared {
            limits: config.limits,
            code: code.clone(),
            inner: Mutex::new(Inner {
                roster: roster.clone(),
                file,
                rejoins: HashMap::new(),
                learners: HashMap::new(),
            }),
            doors: Mutex::new(Doors::new(config.limits)),
            refused: Default::default(),
            write_error: Mutex::new(None),
            sink: Arc::new(sink),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("class-accept".into())
                .spawn(move || accept_loop(&listener, &shared, &stop))
                .map_err(|e| format!("cannot start the class server: {e}"))?
        };
        let server = Server {
            addr,
            code,
            path,
            damage,
            stop,
            accept: Some(accept),
            shared,
        };
        Ok((server, roster))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What reopening the class file left out (nothing for a new class).
    pub fn damage(&self) -> &Damage {
        &self.damage
    }

    /// Why the class file last could not be written, if it could not:
    /// for the teacher's screen (learners are told only that it failed).
    pub fn write_error(&self) -> Option<String> {
        self.shared.write_error.lock().ok().and_then(|e| e.clone())
    }

    /// Requests refused so far, by kind.
    pub fn refused(&self) -> Vec<(Refusal, u64)> {
        Refusal::ALL
            .iter()
            .map(|r| (*r, self.shared.refused[r.index()].load(Ordering::Relaxed)))
            .collect()
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.shared.doors().open()
    }

    /// The class as stored so far.
    pub fn roster(&self) -> Roster {
        self.shared.inner().roster.clone()
    }

    /// Stops accepting; requests in flight finish within their deadline.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                IpAddr::from([127, 0, 0, 1])
            } else {
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_millis(500));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Lets its address's door know when the connection ends, however it ends.
struct Entered {
    shared: Arc<Shared>,
    key: IpAddr,
}

impl Drop for Entered {
    fn drop(&mut self) {
        self.shared.doors().leave(self.key, Instant::now());
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else { continue };
        let accepted = Instant::now();
        let Ok(peer) = stream.peer_addr() else {
            continue;
        };
        let key = door::key(peer.ip());
        let entered = shared.doors().enter(key, accepted);
        if let Err(refused) = entered {
            refuse(shared, &mut stream, &refused);
            continue;
        }
        let entered = Entered {
            shared: Arc::clone(shared),
            key,
        };
        let _ = std::thread::Builder::new()
            .name("class-conn".into())
            .stack_size(256 * 1024)
            .spawn(move || serve(&entered.shared, &mut stream, entered.key, accepted));
    }
}

fn refuse(shared: &Shared, stream: &mut TcpStream, refused: &Refused) {
    shared.refused[refused.why.index()].fetch_add(1, Ordering::Relaxed);
    (shared.sink)(ClassEvent::Refused(refused.why));
    let body = serde_json::json!({ "ok": false, "error": refused.message }).to_string();
    let response = Response {
        status: refused.status,
        body,
        retry_after: refused.retry_after,
    };
    http::respond(stream, &response);
}

fn serve(shared: &Shared, stream: &mut TcpStream, key: IpAddr, accepted: Instant) {
    let answer = match http::read_request(stream, accepted) {
        Ok(request) => endpoints::answer(shared, &request, key),
        Err(error) => match Refused::of_read(&error) {
            Some(refused) => Err(refused),
            None => return,
        },
    };
    match answer {
        Ok(body) => http::respond(
            stream,
            &Response {
                status: 200,
                body,
                retry_after: None,
            },
        ),
        Err(refused) => refuse(shared, stream, &refused),
    }
}
