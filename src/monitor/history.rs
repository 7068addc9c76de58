//! Recent usage of each core, for the sparklines.

use std::collections::VecDeque;

/// Samples kept per core: 60 s at the fastest refresh (250 ms) and far more
/// at slower ones.
pub const KEEP: usize = 240;

/// A rolling window of per-core and total usage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub cores: Vec<VecDeque<f32>>,
    pub total: VecDeque<f32>,
}

impl History {
    /// Adds one sample's readings, forgetting the oldest beyond [`KEEP`].
    pub fn push(&mut self, cores: &[f32], total: f32) {
        if self.cores.len() != cores.len() {
            self.cores = vec![VecDeque::with_capacity(KEEP); cores.len()];
        }
        for (series, value) in self.cores.iter_mut().zip(cores) {
            push(series, *value);
        }
        push(&mut self.total, total);
    }
}

fn push(series: &mut VecDeque<f32>, value: f32) {
    if series.len() == KEEP {
        series.pop_front();
    }
    series.push_back(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_bounded_window_per_core() {
        let mut h = History::default();
        for i in 0..(KEEP + 10) {
            h.push(&[i as f32, 1.0], 2.0);
        }
        assert_eq!(h.cores.len(), 2);
        assert_eq!(h.cores[0].len(), KEEP);
        assert_eq!(h.cores[0].front(), Some(&10.0));
        assert_eq!(h.total.len(), KEEP);
        h.push(&[1.0, 2.0, 3.0], 2.0);
        assert_eq!(h.cores.len(), 3, "a new core count starts afresh");
    }
}
