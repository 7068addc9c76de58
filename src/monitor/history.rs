//! The last minute of each core's usage, for the sparklines.
//!
//! Kept by time, not by count: whatever the refresh interval (250 ms while
//! the lab runs, 1 s or 5 s otherwise, changed at any moment), the window
//! holds one minute, and [`History::columns`] spreads that minute over as
//! many columns as the pane has, averaging the readings that share one.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back the sparklines reach.
pub const WINDOW: Duration = Duration::from_secs(60);

/// A bound on the readings kept, whatever the interval: a minute at 60 ms.
/// The fastest interval offered is 250 ms (240 readings a minute).
pub const MAX_READINGS: usize = 1000;

/// Which line of the core pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Core(usize),
    Total,
}

/// A minute of per-core and total usage, each reading with its time.
///
/// A reading covers the time since the one before it (that is what a
/// sampler measures), so the oldest reading kept only marks where the
/// next one's period begins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    times: VecDeque<Instant>,
    cores: Vec<VecDeque<f32>>,
    total: VecDeque<f32>,
}

impl History {
    /// Adds the readings of one sample taken `at`, forgetting what falls
    /// out of the window. A new core count starts afresh.
    pub fn push(&mut self, at: Instant, cores: &[f32], total: f32) {
        if self.cores.len() != cores.len() {
            *self = History {
                cores: vec![VecDeque::new(); cores.len()],
                ..History::default()
            };
        }
        // A clock never runs backwards here, but a caller's might.
        let at = self.times.back().map_or(at, |last| at.max(*last));
        self.times.push_back(at);
        for (series, value) in self.cores.iter_mut().zip(cores) {
            series.push_back(*value);
        }
        self.total.push_back(total);
        // Keep one reading at or before the window's start: it is where the
        // next reading's period begins.
        let start = at.checked_sub(WINDOW);
        while self.times.len() > MAX_READINGS
            || (self.times.len() > 1 && start.is_some_and(|s| self.times[1] <= s))
        {
            self.pop_front();
        }
    }

    fn pop_front(&mut self) {
        self.times.pop_front();
        for series in &mut self.cores {
            series.pop_front();
        }
        self.total.pop_front();
    }

    /// Readings kept (one more than the periods they cover).
    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The time from the oldest reading kept to the newest.
    pub fn span(&self) -> Duration {
        match (self.times.front(), self.times.back()) {
            (Some(first), Some(last)) => *last - *first,
            _ => Duration::ZERO,
        }
    }

    fn values(&self, series: Series) -> Option<&VecDeque<f32>> {
        match series {
            Series::Core(i) => self.cores.get(i),
            Series::Total => Some(&self.total),
        }
    }

    /// The minute up to the newest reading, in `width` equal slices, oldest
    /// first: each slice's usage averaged over the time it covers, or
    /// `None` where nothing was measured yet (or the series is unknown).
    pub fn columns(&self, series: Series, width: usize) -> Vec<Option<f32>> {
        let mut out = Vec::with_capacity(width);
        let (Some(values), Some(newest)) = (self.values(series), self.times.back()) else {
            out.resize(width, None);
            return out;
        };
        if width == 0 {
            return out;
        }
        // Seconds before the newest reading (<= 0), oldest first.
        let offsets: Vec<f64> = self
            .times
            .iter()
            .map(|t| -(*newest - *t).as_secs_f64())
            .collect();
        let window = WINDOW.as_secs_f64();
        let step = window / width as f64;
        // Reading k (k >= 1) covers (offsets[k-1], offsets[k]].
        let mut k = 1;
        for column in 0..width {
            let from = -window + column as f64 * step;
            let to = from + step;
            while k < offsets.len() && offsets[k] <= from {
                k += 1;
            }
            let (mut sum, mut covered) = (0.0f64, 0.0f64);
            let mut j = k;
            while j < offsets.len() && offsets[j - 1] < to {
                let overlap = offsets[j].min(to) - offsets[j - 1].max(from);
                if overlap > 0.0 {
                    sum += f64::from(values[j]) * overlap;
                    covered += overlap;
                }
                j += 1;
            }
            out.push((covered > 0.0).then(|| (sum / covered) as f32));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Readings every `every`, from `t0` on, for `count` readings: `f(i)`.
    fn feed(
        h: &mut History,
        t0: Instant,
        every: Duration,
        count: u32,
        f: impl Fn(u32) -> f32,
    ) -> Instant {
        let mut at = t0;
        for i in 0..count {
            at = t0 + every * i;
            h.push(at, &[f(i), 0.0], f(i));
        }
        at
    }

    fn filled(columns: &[Option<f32>]) -> usize {
        columns.iter().filter(|c| c.is_some()).count()
    }

    #[test]
    fn keeps_a_minute_whatever_the_interval() {
        for every in [250, 1000, 5000] {
            let mut h = History::default();
            feed(
                &mut h,
                Instant::now(),
                Duration::from_millis(every),
                600,
                |_| 50.0,
            );
            assert!(h.span() >= WINDOW, "{every} ms: {:?}", h.span());
            assert!(h.span() < WINDOW + Duration::from_millis(every), "{every}");
            assert_eq!(h.len() as u64, 60_000 / every + 1, "{every} ms");
        }
    }

    #[test]
    fn a_very_fast_interval_is_bounded() {
        let mut h = History::default();
        feed(
            &mut h,
            Instant::now(),
            Duration::from_millis(10),
            3000,
            |_| 1.0,
        );
        assert_eq!(h.len(), MAX_READINGS);
    }

    #[test]
    fn the_whole_minute_is_drawn_at_any_width() {
        // 120 columns at a 1 s refresh showed 16 s before; now a minute.
        for width in [1, 7, 16, 60, 120, 400] {
            let mut h = History::default();
            let t0 = Instant::now();
            // A minute and a half: busy for the first 60 s, idle after.
            feed(&mut h, t0, Duration::from_secs(1), 91, |i| {
                if i <= 60 { 100.0 } else { 0.0 }
            });
            let cols = h.columns(Series::Core(0), width);
            assert_eq!(cols.len(), width);
            assert_eq!(filled(&cols), width, "width {width}: {cols:?}");
            // The window is t = 30..90 s: busy until 60, idle after, so the
            // left half is busy and the right half idle.
            let busy = cols.iter().filter(|c| c.unwrap() > 50.0).count();
            assert!(busy.abs_diff(width / 2) <= 1, "width {width}: {cols:?}");
            if width > 1 {
                assert_eq!(cols[0], Some(100.0), "width {width}");
                assert_eq!(cols[width - 1], Some(0.0), "width {width}");
            }
        }
    }

    #[test]
    fn readings_sharing_a_column_are_averaged() {
        let mut h = History::default();
        // 250 ms readings alternating 0 and 100 over two minutes, drawn in
        // 10 columns of 6 s (24 readings each).
        feed(
            &mut h,
            Instant::now(),
            Duration::from_millis(250),
            480,
            |i| if i % 2 == 0 { 0.0 } else { 100.0 },
        );
        for c in h.columns(Series::Total, 10) {
            let v = c.unwrap();
            assert!((v - 50.0).abs() < 0.01, "{v}");
        }
    }

    #[test]
    fn a_change_of_interval_keeps_the_time_scale() {
        let mut h = History::default();
        let t0 = Instant::now();
        // 30 s busy at a 1 s refresh, then 30 s idle at 250 ms (as when a
        // lab run starts): half the width each.
        let mid = feed(&mut h, t0, Duration::from_secs(1), 31, |_| 100.0);
        feed(&mut h, mid, Duration::from_millis(250), 121, |i| {
            if i == 0 { 100.0 } else { 0.0 }
        });
        let cols = h.columns(Series::Core(0), 12);
        let expect: Vec<Option<f32>> = [[Some(100.0); 6], [Some(0.0); 6]].concat();
        assert_eq!(cols, expect);
    }

    #[test]
    fn less_than_a_minute_fills_from_the_right() {
        let mut h = History::default();
        feed(&mut h, Instant::now(), Duration::from_secs(1), 16, |_| 80.0);
        let cols = h.columns(Series::Core(1), 60);
        // 15 periods of 1 s: the last 15 columns (core 1 reads 0 here).
        assert_eq!(filled(&cols), 15, "{cols:?}");
        assert!(cols[..45].iter().all(Option::is_none));
        assert!(cols[45..].iter().all(|c| *c == Some(0.0)));
        // One reading covers no time yet; an unknown core draws nothing.
        let mut one = History::default();
        one.push(Instant::now(), &[10.0], 10.0);
        assert_eq!(filled(&one.columns(Series::Core(0), 20)), 0);
        assert_eq!(one.columns(Series::Core(5), 3), vec![None; 3]);
        assert!(one.columns(Series::Total, 0).is_empty());
        assert_eq!(History::default().columns(Series::Total, 2), vec![None; 2]);
    }

    #[test]
    fn a_new_core_count_starts_afresh_and_time_never_runs_back() {
        let mut h = History::default();
        let t0 = Instant::now() + Duration::from_secs(10);
        h.push(t0, &[1.0, 2.0], 1.5);
        h.push(t0 + Duration::from_secs(1), &[1.0, 2.0], 1.5);
        h.push(t0 + Duration::from_secs(2), &[1.0, 2.0, 3.0], 2.0);
        assert_eq!(h.len(), 1);
        h.push(t0, &[1.0, 2.0, 3.0], 2.0);
        assert_eq!(h.span(), Duration::ZERO);
    }
}
