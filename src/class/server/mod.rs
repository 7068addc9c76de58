//! The teacher's side: a listener that accepts `POST /join` and
//! `POST /submit` and nothing else. Every request is read under a
//! deadline and a size cap, checked against the payload schema and the
//! class code, rate-limited per learner, and only then appended to the
//! class file. The server executes nothing and serves no files.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::http::{self, ReadError, Request};
use super::payload::{Join, MAX_BODY, Machine, Report, Submit};
use super::store::{Applied, ClassFile, Record, Roster};

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    /// The class file: reopened (same code) when it exists.
    pub file: PathBuf,
    /// Time allowed to send a whole request.
    pub read_deadline: Duration,
    /// Connections served at once; more are refused at once.
    pub max_connections: usize,
    /// Requests a learner may send in a burst, and per second after it.
    pub burst: f64,
    pub per_second: f64,
}

impl ServerConfig {
    pub fn new(bind: SocketAddr, file: PathBuf) -> ServerConfig {
        ServerConfig {
            bind,
            file,
            read_deadline: Duration::from_secs(5),
            max_connections: 256,
            burst: 40.0,
            per_second: 10.0,
        }
    }
}

/// Why a request was turned away. Each kind is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    WrongCode,
    Malformed,
    TooLarge,
    Slow,
    RateLimited,
    UnknownParticipant,
    NotFound,
    Busy,
    WriteFailed,
}

impl Refusal {
    pub const ALL: [Refusal; 9] = [
        Refusal::WrongCode,
        Refusal::Malformed,
        Refusal::TooLarge,
        Refusal::Slow,
        Refusal::RateLimited,
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
            Refusal::Malformed => "malformed",
            Refusal::TooLarge => "too large",
            Refusal::Slow => "too slow",
            Refusal::RateLimited => "too many",
            Refusal::UnknownParticipant => "not joined",
            Refusal::NotFound => "no such endpoint",
            Refusal::Busy => "server busy",
            Refusal::WriteFailed => "cannot write the class file",
        }
    }

    fn status(self) -> u16 {
        match self {
            Refusal::WrongCode | Refusal::UnknownParticipant => 403,
            Refusal::Malformed => 400,
            Refusal::TooLarge => 413,
            Refusal::Slow => 408,
            Refusal::RateLimited => 429,
            Refusal::NotFound => 404,
            Refusal::Busy | Refusal::WriteFailed => 503,
        }
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

/// A token bucket: `burst` requests at once, then `per_second`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self, burst: f64, per_second: f64) -> bool {
        let now = Instant::now();
        self.tokens = (self.tokens + (now - self.at).as_secs_f64() * per_second).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct Inner {
    roster: Roster,
    file: ClassFile,
    learners: HashMap<String, Bucket>,
    joins: HashMap<IpAddr, Bucket>,
}

struct Shared {
    config: ServerConfig,
    inner: Mutex<Inner>,
    refused: [AtomicU64; Refusal::ALL.len()],
    active: AtomicUsize,
    sink: Sink,
}

/// A running class server; dropping it stops the listener.
pub struct Server {
    addr: SocketAddr,
    code: String,
    path: PathBuf,
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
        let (file, roster) = ClassFile::open_or_create(&config.file, code)?;
        let listener = TcpListener::bind(config.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let code = roster.code.clone();
        let path = file.path().to_path_buf();
        let shared = Arc::new(Shared {
            config,
            inner: Mutex::new(Inner {
                roster: roster.clone(),
                file,
                learners: HashMap::new(),
                joins: HashMap::new(),
            }),
            refused: Default::default(),
            active: AtomicUsize::new(0),
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
        Ok((
            Server {
                addr,
                code,
                path,
                stop,
                accept: Some(accept),
                shared,
            },
            roster,
        ))
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

    /// Requests refused so far, by kind.
    pub fn refused(&self) -> Vec<(Refusal, u64)> {
        Refusal::ALL
            .iter()
            .map(|r| (*r, self.shared.refused[r.index()].load(Ordering::Relaxed)))
            .collect()
    }

    /// The class as stored so far.
    pub fn roster(&self) -> Roster {
        self.shared
            .inner
            .lock()
            .map(|inner| inner.roster.clone())
            .unwrap_or_default()
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

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else { continue };
        if shared.active.fetch_add(1, Ordering::SeqCst) >= shared.config.max_connections {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            refuse(
                shared,
                &mut stream,
                Refusal::Busy,
                "the class server is busy: try again",
            );
            continue;
        }
        let shared_for_thread = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("class-conn".into())
            .stack_size(256 * 1024)
            .spawn(move || {
                serve(&shared_for_thread, &mut stream);
                shared_for_thread.active.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn refuse(shared: &Shared, stream: &mut TcpStream, why: Refusal, message: &str) {
    shared.refused[why.index()].fetch_add(1, Ordering::Relaxed);
    (shared.sink)(ClassEvent::Refused(why));
    let body = serde_json::json!({ "ok": false, "error": message }).to_string();
    http::respond(stream, why.status(), &body);
}

fn serve(shared: &Shared, stream: &mut TcpStream) {
    let deadline = Instant::now() + shared.config.read_deadline;
    let request = match http::read_request(stream, deadline, MAX_BODY) {
        Ok(request) => request,
        Err(ReadError::Timeout) => {
            return refuse(shared, stream, Refusal::Slow, "the request took too long");
        }
        Err(ReadError::TooLarge) => {
            let message = format!("requests are limited to {MAX_BODY} bytes");
            return refuse(shared, stream, Refusal::TooLarge, &message);
        }
        Err(ReadError::Malformed(why)) => return refuse(shared, stream, Refusal::Malformed, &why),
        Err(ReadError::Closed) => return,
    };
    let peer = stream
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let answer = match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/join") => join(shared, &request, peer),
        ("POST", "/submit") => submit(shared, &request),
        (_, "/join" | "/submit") => Err((Refusal::NotFound, "use POST".to_string())),
        _ => Err((
            Refusal::NotFound,
            "this server only takes POST /join and POST /submit".to_string(),
        )),
    };
    match answer {
        Ok(body) => http::respond(stream, 200, &body),
        Err((why, message)) => refuse(shared, stream, why, &message),
    }
}

type Answer = Result<String, (Refusal, String)>;

fn parse<T: DeserializeOwned>(request: &Request) -> Result<T, (Refusal, String)> {
    serde_json::from_slice(&request.body).map_err(|e| (Refusal::Malformed, e.to_string()))
}

fn join(shared: &Shared, request: &Request, peer: IpAddr) -> Answer {
    let join: Join = parse(request)?;
    join.validate().map_err(|e| (Refusal::Malformed, e))?;
    let mut inner = shared
        .inner
        .lock()
        .map_err(|_| (Refusal::Busy, "server error".into()))?;
    if join.code != inner.roster.code {
        return Err((Refusal::WrongCode, "wrong class code".into()));
    }
    let (burst, rate) = (shared.config.burst * 2.0, shared.config.per_second);
    let bucket = inner.joins.entry(peer).or_insert(Bucket {
        tokens: burst,
        at: Instant::now(),
    });
    if !bucket.take(burst, rate) {
        return Err((Refusal::RateLimited, "too many joins: wait a moment".into()));
    }
    let token = super::new_token();
    let nickname = join.nickname.trim().to_string();
    let record = Record::Join {
        at: super::now_unix(),
        participant: token.clone(),
        nickname: nickname.clone(),
        machine: join.machine.clone(),
    };
    inner
        .file
        .append(&record)
        .map_err(|e| (Refusal::WriteFailed, e))?;
    if let Applied::Joined(index) = inner.roster.apply(&record) {
        (shared.sink)(ClassEvent::Joined {
            index,
            nickname,
            machine: join.machine,
        });
    }
    Ok(serde_json::json!({ "ok": true, "participant": token }).to_string())
}

fn submit(shared: &Shared, request: &Request) -> Answer {
    let submit: Submit = parse(request)?;
    submit.validate().map_err(|e| (Refusal::Malformed, e))?;
    let mut inner = shared
        .inner
        .lock()
        .map_err(|_| (Refusal::Busy, "server error".into()))?;
    if submit.code != inner.roster.code {
        return Err((Refusal::WrongCode, "wrong class code".into()));
    }
    let Some(index) = inner.roster.participant(&submit.participant) else {
        return Err((Refusal::UnknownParticipant, "join the class first".into()));
    };
    let (burst, rate) = (shared.config.burst, shared.config.per_second);
    let bucket = inner
        .learners
        .entry(submit.participant.clone())
        .or_insert(Bucket {
            tokens: burst,
            at: Instant::now(),
        });
    if !bucket.take(burst, rate) {
        return Err((
            Refusal::RateLimited,
            "too many results: wait a moment".into(),
        ));
    }
    if inner.roster.has_result(&submit.participant, &submit.id) {
        return Ok(serde_json::json!({ "ok": true, "stored": false }).to_string());
    }
    let record = Record::Result {
        at: super::now_unix(),
        participant: submit.participant.clone(),
        id: submit.id.clone(),
        report: submit.report.clone(),
    };
    inner
        .file
        .append(&record)
        .map_err(|e| (Refusal::WriteFailed, e))?;
    inner.roster.apply(&record);
    let nickname = inner.roster.participants[index].nickname.clone();
    (shared.sink)(ClassEvent::Stored {
        index,
        nickname,
        report: submit.report,
    });
    Ok(serde_json::json!({ "ok": true, "stored": true }).to_string())
}
