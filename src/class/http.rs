//! Just enough HTTP/1.1 for two JSON endpoints: one request per
//! connection, its headers under a short deadline and the whole of it
//! under a longer one, every size capped before it is read (limits in
//! `limits`), parsed by `httparse`. A server crate such as tiny_http has
//! no per-connection read deadline, which is what refusing a slow-loris
//! client needs.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::limits::{BODY_BYTES, HEAD_BYTES, HEAD_SECONDS, HEADERS, Limit, REQUEST_SECONDS};

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
    /// A deadline passed first (a slow or idle client): which one.
    Slow(&'static Limit),
    /// Over a size limit: which one.
    TooLarge(&'static Limit),
    Malformed(String),
    /// The client went away.
    Closed,
}

impl ReadError {
    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            ReadError::Slow(limit) | ReadError::TooLarge(limit) => limit.message(),
            ReadError::Malformed(why) => why.clone(),
            ReadError::Closed => "the connection closed".into(),
        }
    }
}

/// How far a buffer holds a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// The headers are not complete yet.
    NeedHead,
    /// The headers are complete and within limits; the body is not.
    NeedBody,
    Request(Request),
}

/// Parses one request from the bytes received so far: the one parser
/// the server and the fuzz target use. Every limit is checked on what
/// is there, so the caller never needs to hold more than
/// `HEAD_BYTES + BODY_BYTES` bytes.
pub fn parse_request(buf: &[u8]) -> Result<Parsed, ReadError> {
    let mut headers = [httparse::EMPTY_HEADER; HEADERS.usize()];
    let mut request = httparse::Request::new(&mut headers);
    let head = match request.parse(buf) {
        Ok(httparse::Status::Complete(head)) if head <= HEAD_BYTES.usize() => head,
        Ok(httparse::Status::Complete(_)) => return Err(ReadError::TooLarge(&HEAD_BYTES)),
        Ok(httparse::Status::Partial) if buf.len() > HEAD_BYTES.usize() => {
            return Err(ReadError::TooLarge(&HEAD_BYTES));
        }
        Ok(httparse::Status::Partial) => return Ok(Parsed::NeedHead),
        Err(httparse::Error::TooManyHeaders) => return Err(ReadError::TooLarge(&HEADERS)),
        Err(e) => return Err(ReadError::Malformed(format!("not HTTP: {e}"))),
    };
    let length = content_length(request.headers)?;
    if length > BODY_BYTES.usize() {
        return Err(ReadError::TooLarge(&BODY_BYTES));
    }
    let end = head + length;
    if buf.len() < end {
        return Ok(Parsed::NeedBody);
    }
    if buf.len() > end {
        return Err(ReadError::Malformed(
            "bytes after the body: one request per connection".into(),
        ));
    }
    Ok(Parsed::Request(Request {
        method: request.method.unwrap_or("").to_string(),
        path: request.path.unwrap_or("").to_string(),
        body: buf[head..end].to_vec(),
    }))
}

/// The body's length: one `Content-Length` of digits only (no sign, no
/// second header that might disagree), none meaning no body. Chunked
/// bodies are refused, so a body's end is never in doubt.
fn content_length(headers: &[httparse::Header<'_>]) -> Result<usize, ReadError> {
    let mut length = None;
    for header in headers {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(ReadError::Malformed(
                "Transfer-Encoding is not accepted: send Content-Length".into(),
            ));
        }
        if !header.name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        if length.is_some() {
            return Err(ReadError::Malformed("Content-Length given twice".into()));
        }
        let value = header.value.trim_ascii();
        // Nine digits say more than any body allowed; more could overflow.
        if value.is_empty() || value.len() > 9 || !value.iter().all(u8::is_ascii_digit) {
            return Err(ReadError::Malformed(
                "Content-Length must be digits only".into(),
            ));
        }
        length = Some(
            value
                .iter()
                .fold(0usize, |n, d| n * 10 + usize::from(d - b'0')),
        );
    }
    Ok(length.unwrap_or(0))
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// Why a read stopped.
enum Fill {
    Slow,
    Closed,
}

/// Reads more bytes into `buf`, never past `cap` in all, before `deadline`.
fn fill(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    cap: usize,
    deadline: Instant,
) -> Result<(), Fill> {
    let left = remaining(deadline).ok_or(Fill::Slow)?;
    stream
        .set_read_timeout(Some(left))
        .map_err(|_| Fill::Closed)?;
    let mut chunk = [0u8; 2048];
    let room = cap.saturating_sub(buf.len()).min(chunk.len());
    if room == 0 {
        return Err(Fill::Closed);
    }
    match stream.read(&mut chunk[..room]) {
        Ok(0) => Err(Fill::Closed),
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
            Err(Fill::Slow)
        }
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(()),
        Err(_) => Err(Fill::Closed),
    }
}

/// Reads one request from a connection accepted at `accepted`: the
/// headers within `HEAD_SECONDS` of it, the whole within
/// `REQUEST_SECONDS`. One byte past the largest request is read, so
/// bytes after a body are seen and refused.
pub fn read_request(stream: &mut TcpStream, accepted: Instant) -> Result<Request, ReadError> {
    let cap = HEAD_BYTES.usize() + BODY_BYTES.usize() + 1;
    let mut buf = Vec::with_capacity(1024);
    let mut waiting = Parsed::NeedHead;
    loop {
        let limit = match waiting {
            Parsed::NeedHead => &HEAD_SECONDS,
            _ => &REQUEST_SECONDS,
        };
        match fill(stream, &mut buf, cap, accepted + limit.secs()) {
            Ok(()) => {}
            Err(Fill::Slow) => return Err(ReadError::Slow(limit)),
            Err(Fill::Closed) => return Err(ReadError::Closed),
        }
        waiting = match parse_request(&buf)? {
            Parsed::Request(request) => return Ok(request),
            more => more,
        };
    }
}

/// One answer: a status, a JSON body, and for a 429 how long to wait.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// Whole seconds, sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Writes a response and closes the exchange.
pub fn respond(stream: &mut TcpStream, response: &Response) {
    let Response {
        status,
        body,
        retry_after,
    } = response;
    let retry = retry_after.map_or(String::new(), |s| format!("Retry-After: {s}\r\n"));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{retry}Connection: close\r\n\r\n",
        reason(*status),
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

/// Connects within `timeout`, from `source` when given (a test's or a
/// bench's learners each on their own 127.0.0.x address).
pub fn connect(
    addr: SocketAddr,
    source: Option<IpAddr>,
    timeout: Duration,
) -> std::io::Result<TcpStream> {
    use rustix::net::{AddressFamily, SocketType, sockopt};
    let Some(source) = source else {
        return TcpStream::connect_timeout(&addr, timeout);
    };
    let family = if addr.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let fd = crate::os::fd::socket_cloexec(family, SocketType::STREAM)?;
    rustix::net::bind(&fd, &SocketAddr::new(source, 0))?;
    // On Linux a blocking connect gives up after the send timeout.
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Send, Some(timeout))?;
    rustix::net::connect(&fd, &addr)?;
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Send, None)?;
    Ok(TcpStream::from(fd))
}

/// The most of an answer the client reads.
const MAX_ANSWER: usize = 64 * 1024;

/// An answer as the client read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub body: Vec<u8>,
}

/// POSTs a JSON body and returns the answer, all within `timeout`.
pub fn post(
    addrs: &[SocketAddr],
    source: Option<IpAddr>,
    path: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<Answer, String> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("no address");
    let mut stream = None;
    for addr in addrs {
        match connect(*addr, source, timeout) {
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
    let answer = read_answer(&mut stream, deadline).map_err(|why| format!("{host} {why}"))?;
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&answer) {
        Ok(httparse::Status::Complete(head)) => {
            let retry_after = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("retry-after"))
                .and_then(|h| std::str::from_utf8(h.value).ok())
                .and_then(|v| v.trim().parse().ok());
            Ok(Answer {
                status: response.code.unwrap_or(0),
                retry_after,
                body: answer[head..].to_vec(),
            })
        }
        _ => Err(format!("{host} did not answer in HTTP")),
    }
}

/// Reads until the server closes, within `deadline` and `MAX_ANSWER`.
fn read_answer(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, String> {
    let mut answer = Vec::new();
    loop {
        let left = remaining(deadline).ok_or("did not answer in time")?;
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| e.to_string())?;
        let mut chunk = [0u8; 2048];
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(answer),
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err("did not answer in time".into());
            }
            // A refusal can come with a reset once its answer is sent.
            Err(_) if !answer.is_empty() => return Ok(answer),
            Err(e) => return Err(format!("did not answer: {e}")),
        }
        if answer.len() > MAX_ANSWER {
            return Err("answered with too much".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Parsed, ReadError> {
        parse_request(bytes)
    }

    #[test]
    fn a_request_is_read_in_parts() {
        assert_eq!(parse(b"POST /join HTTP/1.1\r\n"), Ok(Parsed::NeedHead));
        assert_eq!(
            parse(b"POST /join HTTP/1.1\r\nContent-Length: 4\r\n\r\n{}"),
            Ok(Parsed::NeedBody)
        );
        let Ok(Parsed::Request(request)) =
            parse(b"POST /join HTTP/1.1\r\nContent-Length: 4\r\n\r\n{  }")
        else {
            panic!("a whole request")
        };
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/join")
        );
        assert_eq!(request.body, b"{  }");
    }

    #[test]
    fn content_length_is_one_header_of_digits() {
        let malformed = |head: &str| {
            let bytes = format!("POST /join HTTP/1.1\r\n{head}\r\n\r\n");
            match parse(bytes.as_bytes()) {
                Err(ReadError::Malformed(why)) => why,
                other => panic!("{head:?}: {other:?}"),
            }
        };
        assert!(malformed("Content-Length: 2\r\nContent-Length: 2").contains("twice"));
        assert!(malformed("Content-Length: 2\r\ncontent-length: 3").contains("twice"));
        assert!(malformed("Content-Length: +2").contains("digits"));
        assert!(malformed("Content-Length: -2").contains("digits"));
        assert!(malformed("Content-Length: 0x10").contains("digits"));
        assert!(malformed("Content-Length: 99999999999999999999999").contains("digits"));
        assert!(malformed("Transfer-Encoding: chunked").contains("Transfer-Encoding"));
        assert_eq!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 4097\r\n\r\n"),
            Err(ReadError::TooLarge(&BODY_BYTES))
        );
        assert_eq!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nab"),
            Err(ReadError::Malformed(
                "bytes after the body: one request per connection".into()
            ))
        );
    }

    #[test]
    fn the_head_limit_is_the_one_its_message_names() {
        let limit = HEAD_BYTES.usize();
        let with_head = |len: usize| {
            let start = "POST / HTTP/1.1\r\nX: ";
            let filler = len - start.len() - 4;
            format!("{start}{}\r\n\r\n", "a".repeat(filler))
        };
        assert_eq!(with_head(limit).len(), limit);
        assert!(matches!(
            parse(with_head(limit).as_bytes()),
            Ok(Parsed::Request(_))
        ));
        assert_eq!(
            parse(with_head(limit + 1).as_bytes()),
            Err(ReadError::TooLarge(&HEAD_BYTES))
        );
        // Never complete: refused as soon as more than the limit is held.
        let endless = "a".repeat(limit + 1);
        let endless = format!("POST / HTTP/1.1\r\nX: {endless}");
        assert_eq!(
            parse(endless.as_bytes()),
            Err(ReadError::TooLarge(&HEAD_BYTES))
        );
        assert_eq!(
            ReadError::TooLarge(&HEAD_BYTES).message(),
            format!("the request line and headers are limited to {limit} bytes")
        );
        let many: String = (0..=HEADERS.usize())
            .map(|i| format!("X{i}: y\r\n"))
            .collect();
        let many = format!("POST / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse(many.as_bytes()), Err(ReadError::TooLarge(&HEADERS)));
    }
}
