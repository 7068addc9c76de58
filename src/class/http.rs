//! Just enough HTTP/1.1 for two JSON endpoints: one request per
//! connection, every read under a deadline and a size cap (so a slow or
//! oversized client is refused without holding anything), parsed by
//! `httparse`. A server crate such as tiny_http has no per-connection
//! read deadline, which is what refusing a slow-loris client needs.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Request line and headers together may not exceed this.
pub const MAX_HEAD: usize = 8 * 1024;

/// A request, read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// Why a request could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// The deadline passed first (a slow client).
    Timeout,
    /// Headers or body over the cap.
    TooLarge,
    Malformed(String),
    /// The client went away.
    Closed,
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// Reads more bytes into `buf` before `deadline`.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, deadline: Instant) -> Result<(), ReadError> {
    let left = remaining(deadline).ok_or(ReadError::Timeout)?;
    stream
        .set_read_timeout(Some(left))
        .map_err(|_| ReadError::Closed)?;
    let mut chunk = [0u8; 2048];
    match stream.read(&mut chunk) {
        Ok(0) => Err(ReadError::Closed),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(ReadError::Timeout)
        }
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(()),
        Err(_) => Err(ReadError::Closed),
    }
}

/// Reads one request, all of it before `deadline`.
pub fn read_request(
    stream: &mut TcpStream,
    deadline: Instant,
    max_body: usize,
) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(1024);
    loop {
        fill(stream, &mut buf, deadline)?;
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        let head = match request.parse(&buf) {
            Ok(httparse::Status::Complete(head)) => head,
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
                return Err(ReadError::TooLarge);
            }
            Ok(httparse::Status::Partial) => continue,
            Err(httparse::Error::TooManyHeaders) => return Err(ReadError::TooLarge),
            Err(e) => return Err(ReadError::Malformed(e.to_string())),
        };
        let mut length = 0usize;
        for header in request.headers.iter() {
            if header.name.eq_ignore_ascii_case("content-length") {
                length = std::str::from_utf8(header.value)
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| ReadError::Malformed("bad Content-Length".into()))?;
            } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(ReadError::Malformed(
                    "chunked bodies are not accepted".into(),
                ));
            }
        }
        if length > max_body {
            return Err(ReadError::TooLarge);
        }
        let method = request.method.unwrap_or("").to_string();
        let path = request.path.unwrap_or("").to_string();
        while buf.len() < head + length {
            fill(stream, &mut buf, deadline)?;
        }
        let body = buf[head..head + length].to_vec();
        return Ok(Request { method, path, body });
    }
}

/// Writes a JSON response and closes the exchange.
pub fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .and_then(|()| stream.flush());
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// `HOST:PORT`, with an optional `http://` and trailing slash, to
/// socket addresses.
pub fn resolve(address: &str) -> Result<Vec<SocketAddr>, String> {
    let trimmed = address
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let addrs: Vec<SocketAddr> = trimmed
        .to_socket_addrs()
        .map_err(|e| format!("{address}: not an address forklab can reach ({e}); give HOST:PORT"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{address}: no address found"));
    }
    Ok(addrs)
}

/// POSTs a JSON body and returns the status and body of the answer,
/// all within `timeout`.
pub fn post(
    addrs: &[SocketAddr],
    path: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<(u16, Vec<u8>), String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("no address");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("cannot reach {addr}: {e}"),
        }
    }
    let mut stream = stream.ok_or(last)?;
    let host = addrs[0];
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .set_write_timeout(Some(timeout))
        .and_then(|()| stream.write_all(head.as_bytes()))
        .and_then(|()| stream.write_all(body))
        .map_err(|e| format!("cannot send to {host}: {e}"))?;
    let mut answer = Vec::new();
    loop {
        let left = remaining(deadline).ok_or_else(|| format!("{host} did not answer in time"))?;
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        let mut chunk = [0u8; 2048];
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(format!("{host} did not answer in time"));
            }
            Err(e) => return Err(format!("{host} did not answer: {e}")),
        }
        if answer.len() > 64 * 1024 {
            return Err(format!("{host} answered with too much"));
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&answer) {
        Ok(httparse::Status::Complete(head)) => {
            Ok((response.code.unwrap_or(0), answer[head..].to_vec()))
        }
        _ => Err(format!("{host} did not answer in HTTP")),
    }
}
