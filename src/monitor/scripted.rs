//! A deterministic sampler for tests and benchmarks: any number of cores,
//! any number of processes, the same values every run.

use super::{ProcessInfo, Sample, Sampler, Shares};

/// Produces a repeatable pattern of load over `cores` cores and a family of
/// `processes` processes (one master and its workers).
#[derive(Debug, Clone)]
pub struct ScriptedSampler {
    pub cores: usize,
    pub processes: usize,
    tick: u64,
    /// Rows whose [`Shares`] are filled in (see [`Sampler::read_shares`]).
    shares_rows: usize,
}

impl ScriptedSampler {
    pub fn new(cores: usize, processes: usize) -> ScriptedSampler {
        ScriptedSampler {
            cores,
            processes,
            tick: 0,
            shares_rows: 0,
        }
    }
}

/// A pseudo-random but fixed number in 0..100 for (a, b).
fn wobble(a: u64, b: u64) -> f32 {
    let mut x = a
        .wrapping_mul(6364136223846793005)
        .wrapping_add(b.wrapping_mul(1442695040888963407));
    x ^= x >> 33;
    (x % 1000) as f32 / 10.0
}

impl ScriptedSampler {
    /// Row `i`'s shares when asked for: a quarter of its memory unique,
    /// half of it its share; every fifth row unknown (as a process that
    /// ended between the walk and the read).
    fn shares(&self, i: usize) -> Shares {
        if i >= self.shares_rows || i % 5 == 4 {
            return Shares::default();
        }
        let memory = (5 + i as u64 % 7) << 20;
        Shares {
            uss: Some(memory / 4),
            pss: Some(memory / 2),
        }
    }
}

impl Sampler for ScriptedSampler {
    fn read_shares(&mut self, rows: usize) {
        self.shares_rows = rows;
    }

    fn sample(&mut self) -> Sample {
        self.tick += 1;
        let t = self.tick;
        let cores: Vec<f32> = (0..self.cores)
            .map(|c| match c % 4 {
                0 => 100.0,
                1 => wobble(t, c as u64),
                2 => (t * 7 + c as u64 * 13) as f32 % 100.0,
                _ => 3.0,
            })
            .collect();
        let total = cores.iter().sum::<f32>() / cores.len().max(1) as f32;
        let processes = (0..self.processes)
            .map(|i| {
                let master = i == 0;
                ProcessInfo {
                    pid: 1000 + i as u32,
                    ppid: if master { 1 } else { 1000 },
                    name: "forklab".into(),
                    command: if master {
                        "forklab".into()
                    } else {
                        format!("forklab worker {i}").into()
                    },
                    state: if i % 3 == 0 { 'S' } else { 'R' },
                    cpu: if master { 0.5 } else { wobble(t, i as u64 + 7) },
                    memory: (5 + i as u64 % 7) << 20,
                    core: Some(i % self.cores.max(1)),
                    serves: false,
                    shares: self.shares(i),
                }
            })
            .collect();
        Sample {
            cores,
            total,
            memory_used: 3 << 30,
            memory_total: 16 << 30,
            load: Some([1.25, 0.75, 0.5]),
            processes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_deterministic() {
        let (mut a, mut b) = (ScriptedSampler::new(16, 5), ScriptedSampler::new(16, 5));
        for _ in 0..3 {
            assert_eq!(a.sample(), b.sample());
        }
        let s = a.sample();
        assert_eq!(s.cores.len(), 16);
        assert_eq!(s.processes.len(), 5);
        assert!(s.cores.iter().all(|c| (0.0..=100.0).contains(c)));
    }
}
