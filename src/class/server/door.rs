//! Who may come in, kept per address (an IPv4 address, or an IPv6 /64,
//! which one machine can fill): the connections it holds, its bucket of
//! requests, and its wrong class codes. A request takes a token before
//! its code is even looked at, and each wrong code makes the address
//! wait twice as long as the last (up to a limit), so a guesser gets
//! 429s and a code outlives any guessing.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::time::{Duration, Instant};

use super::{Refusal, Refused};
use crate::class::limits::ServerLimits;

/// The address limits are kept under: IPv4 as it is (an IPv4-mapped
/// IPv6 address as its IPv4), IPv6 by its /64.
pub fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

#[derive(Debug, Clone, Copy)]
struct Door {
    open: usize,
    tokens: f64,
    at: Instant,
    strikes: u32,
    wait_until: Option<Instant>,
}

/// Whole seconds to wait, rounded up, at least one.
fn seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Every address's door, and the connections open over all of them.
#[derive(Debug)]
pub struct Doors {
    doors: HashMap<IpAddr, Door>,
    open: usize,
    limits: ServerLimits,
}

impl Doors {
    pub fn new(limits: ServerLimits) -> Doors {
        Doors {
            doors: HashMap::new(),
            open: 0,
            limits,
        }
    }

    fn burst(&self) -> f64 {
        self.limits.requests_burst.get() as f64
    }

    fn rate(&self) -> f64 {
        self.limits.requests_per_second.get() as f64
    }

    /// Whether a door can be forgotten: nothing open, no wrong codes
    /// held against it, its bucket full again.
    fn idle(&self, door: &Door, now: Instant) -> bool {
        door.open == 0
            && door.strikes == 0
            && door.tokens + (now - door.at).as_secs_f64() * self.rate() >= self.burst()
    }

    /// A new connection from `key`: refused when the server or this
    /// address holds all it may (the address's cap is far below the
    /// server's, so one client holding many is refused first).
    pub fn enter(&mut self, key: IpAddr, now: Instant) -> Result<(), Refused> {
        let limits = self.limits;
        if self.open >= limits.connections.usize() {
            return Err(Refused::new(Refusal::Busy, limits.connections.message()).retry(1));
        }
        if !self.doors.contains_key(&key) && self.doors.len() >= limits.addresses.usize() {
            let doors = std::mem::take(&mut self.doors);
            self.doors = doors
                .into_iter()
                .filter(|(_, d)| !self.idle(d, now))
                .collect();
            if self.doors.len() >= limits.addresses.usize() {
                return Err(Refused::new(Refusal::Busy, limits.addresses.message()).retry(1));
            }
        }
        let burst = self.burst();
        let door = self.doors.entry(key).or_insert(Door {
            open: 0,
            tokens: burst,
            at: now,
            strikes: 0,
            wait_until: None,
        });
        if door.open >= limits.connections_per_address.usize() {
            let message = limits.connections_per_address.message();
            return Err(Refused::new(Refusal::Crowded, message).retry(1));
        }
        door.open += 1;
        self.open += 1;
        Ok(())
    }

    /// A connection from `key` ended.
    pub fn leave(&mut self, key: IpAddr, now: Instant) {
        self.open = self.open.saturating_sub(1);
        let Some(door) = self.doors.get_mut(&key) else {
            return;
        };
        door.open = door.open.saturating_sub(1);
        let door = *door;
        if self.idle(&door, now) {
            self.doors.remove(&key);
        }
    }

    /// A whole request from `key`: it waits out a wrong code's delay,
    /// then takes a token from the address's bucket.
    pub fn admit(&mut self, key: IpAddr, now: Instant) -> Result<(), Refused> {
        let (burst, rate) = (self.burst(), self.rate());
        let limits = self.limits;
        let Some(door) = self.doors.get_mut(&key) else {
            return Err(Refused::new(Refusal::Busy, limits.addresses.message()).retry(1));
        };
        if let Some(until) = door.wait_until.filter(|until| *until > now) {
            let message = format!(
                "{} ({} s)",
                limits.code_wait_first.message,
                seconds(until - now)
            );
            return Err(Refused::new(Refusal::Guessing, message).retry(seconds(until - now)));
        }
        door.tokens = (door.tokens + (now - door.at).as_secs_f64() * rate).min(burst);
        door.at = now;
        if door.tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - door.tokens) / rate);
            let message = limits.requests_per_second.message();
            return Err(Refused::new(Refusal::RateLimited, message).retry(seconds(wait)));
        }
        door.tokens -= 1.0;
        Ok(())
    }

    /// A wrong class code from `key`: the wait before its next request,
    /// twice the last one's, up to the longest.
    pub fn wrong_code(&mut self, key: IpAddr, now: Instant) -> u64 {
        let limits = self.limits;
        let Some(door) = self.doors.get_mut(&key) else {
            return limits.code_wait_max.get();
        };
        door.strikes = door.strikes.saturating_add(1);
        let doubled = limits
            .code_wait_first
            .get()
            .saturating_mul(1u64 << (door.strikes - 1).min(32));
        let wait = doubled.min(limits.code_wait_max.get());
        door.wait_until = Some(now + Duration::from_secs(wait));
        wait
    }

    /// The right code from `key`: its wrong ones are forgiven (whoever
    /// knows the code has nothing to guess).
    pub fn right_code(&mut self, key: IpAddr) {
        if let Some(door) = self.doors.get_mut(&key) {
            door.strikes = 0;
            door.wait_until = None;
        }
    }

    /// Connections open now, over every address.
    pub fn open(&self) -> usize {
        self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::limits::ServerLimits;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, last])
    }

    #[test]
    fn one_address_is_refused_before_the_server_is_full() {
        let mut doors = Doors::new(ServerLimits::default());
        let now = Instant::now();
        let held: Vec<_> = (0..300).map(|_| doors.enter(ip(2), now)).collect();
        assert_eq!(held.iter().filter(|r| r.is_ok()).count(), 8);
        let refused = held.iter().find_map(|r| r.clone().err()).unwrap();
        assert_eq!((refused.why, refused.status), (Refusal::Crowded, 429));
        assert_eq!(refused.retry_after, Some(1));
        for n in 3..50 {
            assert!(doors.enter(ip(n), now).is_ok());
        }
        doors.leave(ip(2), now);
        assert!(doors.enter(ip(2), now).is_ok());
        assert_eq!(doors.open(), 8 + 47);
    }

    #[test]
    fn wrong_codes_make_an_address_wait_longer_each_time() {
        let mut doors = Doors::new(ServerLimits::default());
        let mut now = Instant::now();
        doors.enter(ip(9), now).unwrap();
        let mut waits = Vec::new();
        for _ in 0..9 {
            doors.admit(ip(9), now).unwrap();
            let wait = doors.wrong_code(ip(9), now);
            waits.push(wait);
            let refused = doors.admit(ip(9), now).unwrap_err();
            assert_eq!(
                (refused.why, refused.retry_after),
                (Refusal::Guessing, Some(wait))
            );
            now += Duration::from_secs(wait);
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        // Another address is not held up.
        doors.enter(ip(10), now).unwrap();
        assert!(doors.admit(ip(10), now).is_ok());
        doors.right_code(ip(9));
        assert!(doors.admit(ip(9), now).is_ok());
    }

    #[test]
    fn a_bucket_gives_a_burst_then_a_steady_rate() {
        let mut doors = Doors::new(ServerLimits::default());
        let now = Instant::now();
        doors.enter(ip(3), now).unwrap();
        let taken = (0..100).filter(|_| doors.admit(ip(3), now).is_ok()).count();
        assert_eq!(taken, 40);
        let refused = doors.admit(ip(3), now).unwrap_err();
        assert_eq!(
            (refused.why, refused.retry_after),
            (Refusal::RateLimited, Some(1))
        );
        let later = now + Duration::from_secs(1);
        let taken = (0..100)
            .filter(|_| doors.admit(ip(3), later).is_ok())
            .count();
        assert_eq!(taken, 10);
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(key(a), key(b));
        let mapped: IpAddr = "::ffff:127.0.0.5".parse().unwrap();
        assert_eq!(key(mapped), ip(5));
    }
}
