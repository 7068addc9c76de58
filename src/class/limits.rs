//! Every limit the class server keeps, with the words a refused request
//! is told: one table that the request reader (`http`), the payload
//! checks, the server and the README (a test compares its table with
//! [`readme_table`]) all read, so a limit and its message cannot drift
//! apart.

use std::time::Duration;

/// One limit: its value and what a refusal says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What is limited, as the README's table names it.
    pub what: &'static str,
    pub value: u64,
    /// The unit the value is in ("bytes", "s", "" for a count).
    pub unit: &'static str,
    /// What a refused client is told; `{}` stands for the value.
    pub message: &'static str,
}

impl Limit {
    pub const fn get(&self) -> u64 {
        self.value
    }

    /// The value as a count or size in memory.
    pub const fn usize(&self) -> usize {
        self.value as usize
    }

    /// The value as seconds.
    pub const fn secs(&self) -> Duration {
        Duration::from_secs(self.value)
    }

    /// The refusal's words, with the value in them.
    pub fn message(&self) -> String {
        self.message.replace("{}", &self.value.to_string())
    }

    /// The value with its unit, as the README shows it.
    pub fn shown(&self) -> String {
        match self.unit {
            "" => self.value.to_string(),
            "s" => format!("{} s", self.value),
            "%" => format!("{}%", self.value),
            unit => format!("{} {unit}", self.value),
        }
    }
}

/// The request line and headers together.
pub const HEAD_BYTES: Limit = Limit {
    what: "request line and headers",
    value: 8192,
    unit: "bytes",
    message: "the request line and headers are limited to {} bytes",
};

/// Headers in one request.
pub const HEADERS: Limit = Limit {
    what: "headers in a request",
    value: 32,
    unit: "",
    message: "a request may have at most {} headers",
};

/// The JSON body of one request.
pub const BODY_BYTES: Limit = Limit {
    what: "request body",
    value: 4096,
    unit: "bytes",
    message: "the request body is limited to {} bytes",
};

/// From connecting to the end of the headers: an idle connection is
/// let go this soon.
pub const HEAD_SECONDS: Limit = Limit {
    what: "time to send the headers",
    value: 2,
    unit: "s",
    message: "the request's headers must arrive within {} s",
};

/// From connecting to the end of the body.
pub const REQUEST_SECONDS: Limit = Limit {
    what: "time to send the whole request",
    value: 5,
    unit: "s",
    message: "the request must arrive within {} s",
};

/// Connections served at once, from everyone.
pub const CONNECTIONS: Limit = Limit {
    what: "connections open at once",
    value: 256,
    unit: "",
    message: "the class server is busy ({} connections): try again",
};

/// Connections open at once from one address (an IPv6 /64 counts as
/// one): the first refused when someone holds many.
pub const CONNECTIONS_PER_ADDRESS: Limit = Limit {
    what: "connections open at once from one address",
    value: 8,
    unit: "",
    message: "too many connections from your address ({} at once)",
};

/// Requests one address may send in a burst...
pub const REQUESTS_BURST: Limit = Limit {
    what: "requests from one address in a burst",
    value: 40,
    unit: "",
    message: "too many requests from your address (a burst of {})",
};

/// ...and per second after it.
pub const REQUESTS_PER_SECOND: Limit = Limit {
    what: "requests from one address per second after a burst",
    value: 10,
    unit: "",
    message: "too many requests from your address ({} a second)",
};

/// The wait after a first wrong class code; it doubles with each
/// further wrong code from the same address, up to [`CODE_WAIT_MAX`].
pub const CODE_WAIT_FIRST: Limit = Limit {
    what: "wait after a wrong class code (doubles each time)",
    value: 1,
    unit: "s",
    message: "wrong class codes from your address: wait before trying again",
};

/// The longest wait between guesses: at most 60 guesses an hour from
/// one address, so trying half of the 887 million codes takes centuries.
pub const CODE_WAIT_MAX: Limit = Limit {
    what: "longest wait between wrong class codes",
    value: 60,
    unit: "s",
    message: "wrong class codes from your address: wait before trying again",
};

/// Learners joined from one address (a rejoin with the same nickname
/// is the same learner).
pub const LEARNERS_PER_ADDRESS: Limit = Limit {
    what: "learners joined from one address",
    value: 16,
    unit: "",
    message: "{} learners have joined from your address, the most one address may",
};

/// Learners in one class.
pub const LEARNERS_PER_CLASS: Limit = Limit {
    what: "learners in a class",
    value: 1000,
    unit: "",
    message: "the class is full ({} learners)",
};

/// Results one learner may store.
pub const RESULTS_PER_LEARNER: Limit = Limit {
    what: "results stored per learner",
    value: 500,
    unit: "",
    message: "you have stored {} results, the most one learner may",
};

/// Bytes of the class file one learner's results may take.
pub const BYTES_PER_LEARNER: Limit = Limit {
    what: "class file bytes per learner",
    value: 1 << 20,
    unit: "bytes",
    message: "your results fill {} bytes of the class file, the most one learner may",
};

/// Results in one class.
pub const RESULTS_PER_CLASS: Limit = Limit {
    what: "results stored per class",
    value: 20_000,
    unit: "",
    message: "the class has stored {} results, the most it may",
};

/// Bytes of the class file.
pub const BYTES_PER_CLASS: Limit = Limit {
    what: "class file bytes",
    value: 32 << 20,
    unit: "bytes",
    message: "the class file has reached {} bytes, the most it may",
};

/// Addresses the server remembers at once (buckets, waits, learners).
pub const ADDRESSES: Limit = Limit {
    what: "addresses remembered at once",
    value: 65_536,
    unit: "",
    message: "the class server is busy ({} addresses): try again",
};

/// One line of a class file when it is read back: more than any record
/// the server writes (a body is at most [`BODY_BYTES`]).
pub const LINE_BYTES: Limit = Limit {
    what: "one line of a class file, read back",
    value: 16 * 1024,
    unit: "bytes",
    message: "longer than {} bytes, not a class record",
};

/// Cores a machine may claim and workers a point may name: more than
/// any machine sold (the lab's own `MAX_WORKERS`).
pub const CPUS: Limit = Limit {
    what: "cores of a machine, workers of a point",
    value: crate::lab::MAX_WORKERS as u64,
    unit: "",
    message: "more than {}: no machine sold has that many",
};

/// Points in one report: a sweep of up to 64 worker counts.
pub const POINTS: Limit = Limit {
    what: "points in one result",
    value: 64,
    unit: "",
    message: "a result may have 1 to {} points",
};

/// How far a speedup may exceed its worker count, in percent (cache
/// effects give a little superlinear speedup; more is a made-up number).
pub const SUPERLINEAR_PERCENT: Limit = Limit {
    what: "speedup above the worker count",
    value: 50,
    unit: "%",
    message: "exceeds its workers by more than {}%",
};

/// How far a speedup may differ from the one its own wall times give
/// (the one-worker wall over this point's), in percent.
pub const SPEEDUP_SLACK_PERCENT: Limit = Limit {
    what: "speedup off its own wall times",
    value: 2,
    unit: "%",
    message: "differs by more than {}% from the speedup its wall times give",
};

/// Every limit, in the README's order.
pub const ALL: [&Limit; 24] = [
    &HEAD_BYTES,
    &HEADERS,
    &BODY_BYTES,
    &HEAD_SECONDS,
    &REQUEST_SECONDS,
    &CONNECTIONS,
    &CONNECTIONS_PER_ADDRESS,
    &REQUESTS_BURST,
    &REQUESTS_PER_SECOND,
    &CODE_WAIT_FIRST,
    &CODE_WAIT_MAX,
    &LEARNERS_PER_ADDRESS,
    &LEARNERS_PER_CLASS,
    &RESULTS_PER_LEARNER,
    &BYTES_PER_LEARNER,
    &RESULTS_PER_CLASS,
    &BYTES_PER_CLASS,
    &ADDRESSES,
    &LINE_BYTES,
    &CPUS,
    &POINTS,
    &SUPERLINEAR_PERCENT,
    &SPEEDUP_SLACK_PERCENT,
    &NICKNAME_CHARS,
];

/// A nickname's length in characters.
pub const NICKNAME_CHARS: Limit = Limit {
    what: "nickname",
    value: 24,
    unit: "characters",
    message: "nickname must be 1 to {} characters",
};

/// The limits the server keeps, the table's unless a test lowers one
/// (a lowered limit says its own value in its message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    pub connections: Limit,
    pub connections_per_address: Limit,
    pub requests_burst: Limit,
    pub requests_per_second: Limit,
    pub code_wait_first: Limit,
    pub code_wait_max: Limit,
    pub learners_per_address: Limit,
    pub learners_per_class: Limit,
    pub results_per_learner: Limit,
    pub bytes_per_learner: Limit,
    pub results_per_class: Limit,
    pub bytes_per_class: Limit,
    pub addresses: Limit,
}

impl Default for ServerLimits {
    fn default() -> ServerLimits {
        ServerLimits {
            connections: CONNECTIONS,
            connections_per_address: CONNECTIONS_PER_ADDRESS,
            requests_burst: REQUESTS_BURST,
            requests_per_second: REQUESTS_PER_SECOND,
            code_wait_first: CODE_WAIT_FIRST,
            code_wait_max: CODE_WAIT_MAX,
            learners_per_address: LEARNERS_PER_ADDRESS,
            learners_per_class: LEARNERS_PER_CLASS,
            results_per_learner: RESULTS_PER_LEARNER,
            bytes_per_learner: BYTES_PER_LEARNER,
            results_per_class: RESULTS_PER_CLASS,
            bytes_per_class: BYTES_PER_CLASS,
            addresses: ADDRESSES,
        }
    }
}

impl Limit {
    /// The same limit with another value (a test's smaller class).
    pub const fn with(self, value: u64) -> Limit {
        Limit { value, ..self }
    }
}

/// The README's table of limits, exactly as it must appear there.
pub fn readme_table() -> String {
    let mut out = String::from("| limit | value | a refused client is told |\n|---|---|---|\n");
    for limit in ALL {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            limit.what,
            limit.shown(),
            limit.message()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_is_listed_once_and_says_its_value() {
        for (i, a) in ALL.iter().enumerate() {
            assert!(ALL[i + 1..].iter().all(|b| b.what != a.what), "{}", a.what);
            assert!(a.value > 0, "{}", a.what);
        }
        assert_eq!(
            HEAD_BYTES.message(),
            "the request line and headers are limited to 8192 bytes"
        );
        assert_eq!(BODY_BYTES.shown(), "4096 bytes");
        assert!(readme_table().lines().count() == ALL.len() + 2);
    }
}
