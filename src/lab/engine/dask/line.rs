//! The Dask driver's own lines: one JSON object each, tagged by `e`
//! (the lines both drivers print are `engine::driver::Shared`).

use serde::Deserialize;

use crate::lab::ClusterWorker;

/// One line of the Dask driver (besides the shared ones).
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
    #[serde(rename = "worker")]
    Worker { a: String, pid: u32, t: u64 },
    #[serde(rename = "joined")]
    Joined { a: String, pid: u32, t: u64 },
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
}
