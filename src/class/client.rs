//! The learner's side: join once, then send each finished lab run or
//! sweep. Every call is bounded by a short timeout, so a teacher who
//! went away costs the learner a few seconds at most, and only on the
//! thread that sends.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::Deserialize;

use super::http;
use super::payload::{Join, Machine, Report, Submit};

/// `--join ADDR CODE --nickname NAME`: which class, as whom.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinSetup {
    pub address: String,
    pub code: String,
    pub nickname: String,
}

/// Time allowed for one exchange with the teacher's server.
pub const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// No server at the address, or it did not answer in time.
    Unreachable(String),
    /// The server answered no, with its reason (as the server sent it:
    /// shown only through the sanitizer, as `Display` does) and, for a
    /// 429, the seconds it asks the learner to wait.
    Refused {
        status: u16,
        message: String,
        retry_after: Option<u64>,
    },
}

/// The most of a server's reason a learner is shown.
const MAX_REASON: usize = 200;

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Unreachable(why) => write!(f, "{}", crate::sanitize::line(why)),
            ClientError::Refused {
                status, message, ..
            } => {
                let clipped: String = message.chars().take(MAX_REASON).collect();
                let message = crate::sanitize::line(&clipped);
                write!(f, "the class refused it ({status}): {message}")
            }
        }
    }
}

impl ClientError {
    fn local(message: String) -> ClientError {
        ClientError::Refused {
            status: 0,
            message,
            retry_after: None,
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    participant: Option<String>,
    #[serde(default)]
    stored: Option<bool>,
    #[serde(default)]
    error: Option<String>,
}

/// A learner's connection to a class.
#[derive(Debug, Clone)]
pub struct Client {
    address: String,
    addrs: Vec<SocketAddr>,
    code: String,
    nickname: String,
    machine: Machine,
    participant: Option<String>,
    timeout: Duration,
    /// The local address to connect from (tests and benches give each
    /// learner its own 127.0.0.x); the system's choice when `None`.
    source: Option<IpAddr>,
}

impl Client {
    pub fn new(
        address: &str,
        code: &str,
        nickname: &str,
        machine: Machine,
    ) -> Result<Client, ClientError> {
        let addrs = http::resolve(address).map_err(ClientError::Unreachable)?;
        Ok(Client {
            address: address.to_string(),
            addrs,
            code: code.trim().to_uppercase(),
            nickname: nickname.to_string(),
            machine,
            participant: None,
            timeout: TIMEOUT,
            source: None,
        })
    }

    /// Connects from `source` (a 127.0.0.x of its own, in tests).
    pub fn from_source(mut self, source: IpAddr) -> Client {
        self.source = Some(source);
        self
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn joined(&self) -> bool {
        self.participant.is_some()
    }

    fn exchange(&self, path: &str, body: &impl serde::Serialize) -> Result<Answer, ClientError> {
        let body = serde_json::to_vec(body).map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let reply = http::post(&self.addrs, self.source, path, &body, self.timeout)
            .map_err(ClientError::Unreachable)?;
        let answer: Answer = serde_json::from_slice(&reply.body).map_err(|_| {
            ClientError::Unreachable(format!("{} is not a forklab class", self.address))
        })?;
        if reply.status != 200 {
            return Err(ClientError::Refused {
                status: reply.status,
                message: answer.error.unwrap_or_else(|| "no reason given".into()),
                retry_after: reply.retry_after,
            });
        }
        Ok(answer)
    }

    /// Joins the class (once; later calls do nothing).
    pub fn join(&mut self) -> Result<(), ClientError> {
        if self.participant.is_some() {
            return Ok(());
        }
        let join = Join {
            code: self.code.clone(),
            nickname: self.nickname.clone(),
            machine: self.machine.clone(),
        };
        join.validate().map_err(ClientError::local)?;
        let answer = self.exchange("/join", &join)?;
        self.participant = Some(answer.participant.ok_or_else(|| {
            ClientError::Unreachable(format!("{} sent no participant", self.address))
        })?);
        Ok(())
    }

    /// Sends one report under `id` (joining first if needed); a resend
    /// with the same id is stored once. Returns whether it was new.
    pub fn submit(&mut self, id: &str, report: &Report) -> Result<bool, ClientError> {
        self.join()?;
        let submit = Submit {
            code: self.code.clone(),
            participant: self.participant.clone().unwrap_or_default(),
            id: id.to_string(),
            report: report.clone(),
        };
        submit
            .validate()
            .and_then(|()| submit.report.plausible())
            .map_err(ClientError::local)?;
        Ok(self.exchange("/submit", &submit)?.stored.unwrap_or(false))
    }
}

/// A fresh id for a report.
pub fn new_id() -> String {
    super::new_token()
}

/// This machine's facts, as a learner sends them.
pub fn this_machine(cores: usize, python: Option<String>) -> Machine {
    let cpu_model = crate::os::cpu_model().unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let os = sysinfo::System::long_os_version().unwrap_or_else(|_| std::env::consts::OS.into());
    let clip = |s: String, n: usize| s.chars().filter(|c| !c.is_control()).take(n).collect();
    Machine {
        cores: u32::try_from(cores).unwrap_or(u32::MAX).max(1),
        cpu_model: clip(cpu_model, 96),
        os: clip(os, 64),
        python: python.map(|p| clip(p, 32)),
    }
}

/// How a background sender is doing, as the learner's status bar says.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Joining,
    Joined,
    /// This many reports sent so far.
    Sent(usize),
    Failed(String),
}

/// Joins on a thread of its own and sends each report handed to the
/// returned sender, telling `on_status` how it goes. The learner's side
/// never waits for the teacher. `machine` is called on that thread, so
/// facts that take a moment (the Python version) are not read on the
/// caller's.
pub fn spawn_sender(
    address: String,
    code: String,
    nickname: String,
    machine: impl FnOnce() -> Machine + Send + 'static,
    on_status: impl Fn(Status) -> bool + Send + 'static,
) -> std::sync::mpsc::Sender<Report> {
    let (send, reports) = std::sync::mpsc::channel::<Report>();
    std::thread::spawn(move || {
        let mut client = match Client::new(&address, &code, &nickname, machine()) {
            Ok(client) => client,
            Err(e) => {
                on_status(Status::Failed(e.to_string()));
                return;
            }
        };
        let joined = match client.join() {
            Ok(()) => Status::Joined,
            Err(e) => Status::Failed(e.to_string()),
        };
        if !on_status(joined) {
            return;
        }
        let mut sent = 0;
        for report in reports {
            let status = match client.submit(&new_id(), &report) {
                Ok(_) => {
                    sent += 1;
                    Status::Sent(sent)
                }
                Err(e) => Status::Failed(e.to_string()),
            };
            if !on_status(status) {
                return;
            }
        }
    });
    send
}
