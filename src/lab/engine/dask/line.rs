//! The driver's lines: one JSON object each, tagged by `e`.

use serde::Deserialize;

use super::ClusterWorker;

/// One line of the driver.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "e")]
pub(super) enum Line {
    #[serde(rename = "hello")]
    Hello {
        pid: u32,
        dask: String,
        scheduler: String,
        local: bool,
    },
    #[serde(rename = "asked")]
    Asked { t: u64 },
    #[serde(rename = "worker")]
    Worker { a: String, pid: u32, t: u64 },
    #[serde(rename = "joined")]
    Joined { a: String, pid: u32, t: u64 },
    #[serde(rename = "all")]
    All { t: u64 },
    #[serde(rename = "ss")]
    SerialStart { part: String, t: u64 },
    #[serde(rename = "se")]
    SerialEnd { part: String, v: u64, t: u64 },
    #[serde(rename = "s")]
    Start { a: String, i: usize, t: u64 },
    #[serde(rename = "d")]
    Done { a: String, i: usize, v: u64, t: u64 },
    #[serde(rename = "cluster")]
    Cluster { w: Vec<ClusterWorker> },
    #[serde(rename = "lost")]
    Lost {
        a: String,
        t: u64,
        running: Vec<usize>,
    },
    #[serde(rename = "stream")]
    Stream {
        n: usize,
        compute: f64,
        transfer: f64,
    },
    #[serde(rename = "done")]
    Finished { t0: u64, t1: u64, v: Vec<u64> },
    #[serde(rename = "error")]
    Error { kind: String, message: String },
    #[serde(rename = "rate")]
    Rate { n: f64 },
}
