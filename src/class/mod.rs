//! The class experiment: every learner's lab results gathered on the
//! teacher's machine, so a room of laptops draws one chart of speedup
//! against cores.
//!
//! - `payload`: what a learner may send (machine facts and measured
//!   figures only), checked against limits before anything is stored.
//! - `store`: the class file, append-only JSON lines, reopened after a
//!   restart with nothing lost and nothing stored twice.
//! - `server`: the two endpoints (join, submit) on plain sockets with
//!   deadlines, size caps, connection caps and buckets per address, a
//!   growing wait after wrong codes, and caps per learner and class.
//! - `limits`: every one of those limits with what a refusal says, in
//!   one table (the README's is checked against it).
//! - `client`: the learner's side, with short timeouts, so a teacher who
//!   goes away never slows the learner's lab.
//!
//! No ratatui here: `forklab class serve --no-tui`, the TUI's class view
//! and the tests all use the same pieces.

pub mod client;
pub mod http;
pub mod limits;
pub mod payload;
pub mod server;
pub mod store;

pub use client::{Client, ClientError};
pub use payload::{Join, Machine, Point, Report, Submit};
pub use server::{ClassEvent, Refusal, Server, ServerConfig};
pub use store::{ClassFile, Damage, Participant, Record, Roster};

/// Join codes use letters and digits that cannot be mistaken for each
/// other when read off a projector (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Six characters: about 887 million codes, short enough to type.
pub const CODE_LEN: usize = 6;

/// A fresh random join code.
pub fn new_code() -> String {
    random_string(CODE_ALPHABET, CODE_LEN)
}

/// A random token naming a participant (never shown to the room).
pub fn new_token() -> String {
    random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 16)
}

fn random_string(alphabet: &[u8], len: usize) -> String {
    let mut bytes = vec![0u8; len];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to the clock and the pid, which is
        // still unguessable enough for a classroom code that lives an hour.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
            ^ u128::from(std::process::id());
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> ((i * 7) % 120)) as u8 ^ (i as u8).wrapping_mul(151);
        }
    }
    bytes
        .iter()
        .map(|b| alphabet[usize::from(*b) % alphabet.len()] as char)
        .collect()
}

/// Seconds since the Unix epoch, for records.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LEN);
            assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
        }
        assert_ne!(new_code(), new_code());
    }
}
