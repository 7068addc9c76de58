//! What a learner may send: machine facts and measured figures, nothing
//! else (no code, no paths, no user names). Unknown fields are refused,
//! and every string and number is bounded, so the teacher's file and
//! screen only ever hold what the class view draws.

use serde::{Deserialize, Serialize};

use super::limits::{CPUS, NICKNAME_CHARS, POINTS, SPEEDUP_SLACK_PERCENT, SUPERLINEAR_PERCENT};

/// The learner's machine, as forklab sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// Logical cores forklab may use (Python's `cpu_count()` on most machines).
    pub cores: u32,
    pub cpu_model: String,
    pub os: String,
    /// The Python version, when one was found ("3.12.4").
    #[serde(default)]
    pub python: Option<String>,
}

/// `POST /join`: a learner enters the class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    pub code: String,
    pub nickname: String,
    pub machine: Machine,
}

/// One measured point of a lab run or sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub workers: u32,
    /// Measured wall time in milliseconds.
    pub wall_ms: f64,
    /// Against the one-worker run of the same sweep, when there was one.
    #[serde(default)]
    pub speedup: Option<f64>,
}

/// A completed lab run or sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Which engine ran it ("forklab", "python", "dask").
    pub engine: String,
    /// "cpu", "sleep", "amdahl".
    pub workload: String,
    pub tasks: u32,
    pub chunksize: u32,
    pub points: Vec<Point>,
}

/// `POST /submit`: one report from a joined learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submit {
    pub code: String,
    /// The token `join` answered with.
    pub participant: String,
    /// Chosen by the learner's forklab, so a retry is stored once.
    pub id: String,
    pub report: Report,
}

fn text(what: &str, value: &str, min: usize, max: usize) -> Result<(), String> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(format!("{what} must be {min} to {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{what} has control characters"));
    }
    Ok(())
}

fn token(what: &str, value: &str, max: usize) -> Result<(), String> {
    if value.is_empty()
        || value.len() > max
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "{what} must be 1 to {max} letters, digits, '-' or '_'"
        ));
    }
    Ok(())
}

fn range(what: &str, value: f64, min: f64, max: f64) -> Result<(), String> {
    if !value.is_finite() || value < min || value > max {
        return Err(format!("{what} must be a number from {min} to {max}"));
    }
    Ok(())
}

/// A count of cores or workers: at least one, at most any machine has.
fn cpus(what: &str, value: u32) -> Result<(), String> {
    if value == 0 {
        return Err(format!("{what}: 0, at least 1"));
    }
    if u64::from(value) > CPUS.get() {
        return Err(format!("{what}: {value}, {}", CPUS.message()));
    }
    Ok(())
}

impl Machine {
    pub fn validate(&self) -> Result<(), String> {
        cpus("cores", self.cores)?;
        text("cpu_model", &self.cpu_model, 0, 96)?;
        text("os", &self.os, 0, 64)?;
        if let Some(python) = &self.python {
            text("python", python, 1, 32)?;
        }
        Ok(())
    }
}

impl Join {
    pub fn validate(&self) -> Result<(), String> {
        token("code", &self.code, 16)?;
        text("nickname", self.nickname.trim(), 1, NICKNAME_CHARS.usize())?;
        self.machine.validate()
    }
}

impl Report {
    pub fn validate(&self) -> Result<(), String> {
        token("engine", &self.engine, 16)?;
        token("workload", &self.workload, 16)?;
        range("tasks", f64::from(self.tasks), 1.0, 1e7)?;
        range("chunksize", f64::from(self.chunksize), 1.0, 1e7)?;
        if self.points.is_empty() || self.points.len() > POINTS.usize() {
            return Err(POINTS.message());
        }
        for point in &self.points {
            cpus("workers", point.workers)?;
            range("wall_ms", point.wall_ms, 0.001, 1e8)?;
            if let Some(speedup) = point.speedup {
                range("speedup", speedup, 0.0, 1e5)?;
            }
        }
        Ok(())
    }

    /// Whether the numbers could have been measured: each speedup is
    /// above zero, follows from the report's own wall times (the
    /// one-worker wall over the point's, within a small slack) and
    /// exceeds its workers by no more than a stated margin. A report
    /// that fails names its point and why. Call after `validate`.
    pub fn plausible(&self) -> Result<(), String> {
        let base = self
            .points
            .iter()
            .filter(|p| p.workers == 1)
            .map(|p| p.wall_ms)
            .min_by(f64::total_cmp);
        let percent = |limit: &super::limits::Limit| limit.get() as f64 / 100.0;
        for point in &self.points {
            let Some(speedup) = point.speedup else {
                continue;
            };
            let at = format!(
                "the point with {} workers: speedup {speedup}",
                point.workers
            );
            if speedup.is_nan() || speedup <= 0.0 {
                return Err(format!("{at} is not above 0"));
            }
            let most = f64::from(point.workers) * (1.0 + percent(&SUPERLINEAR_PERCENT));
            if speedup > most {
                return Err(format!("{at} {}", SUPERLINEAR_PERCENT.message()));
            }
            let Some(base) = base else {
                return Err(format!(
                    "{at} has no one-worker point to be measured against"
                ));
            };
            let expected = base / point.wall_ms;
            if (speedup - expected).abs() > expected * percent(&SPEEDUP_SLACK_PERCENT) {
                return Err(format!(
                    "{at} {} ({expected:.3})",
                    SPEEDUP_SLACK_PERCENT.message()
                ));
            }
        }
        Ok(())
    }

    /// The highest speedup of the report, if any point has one.
    pub fn best_speedup(&self) -> Option<f64> {
        self.points
            .iter()
            .filter_map(|p| p.speedup)
            .max_by(f64::total_cmp)
    }
}

impl Submit {
    pub fn validate(&self) -> Result<(), String> {
        token("code", &self.code, 16)?;
        token("participant", &self.participant, 32)?;
        token("id", &self.id, 40)?;
        self.report.validate()
    }
}

/// One line for a report: "cpu, 64 tasks: 1w 2.10 s, 2w 1.08 s (1.94x)".
pub fn report_line(report: &Report) -> String {
    let points: Vec<String> = report
        .points
        .iter()
        .map(|p| {
            let mut s = format!("{}w {:.2} s", p.workers, p.wall_ms / 1000.0);
            if let Some(speedup) = p.speedup {
                s.push_str(&format!(" ({speedup:.2}x)"));
            }
            s
        })
        .collect();
    format!(
        "{} {}, {} tasks, chunk {}: {}",
        report.engine,
        report.workload,
        report.tasks,
        report.chunksize,
        points.join(", ")
    )
}

/// The Python version a run names in what ran ("Python 3.12.4 Pool").
pub fn python_of(results: &[crate::lab::RunResult]) -> Option<String> {
    let ran = &results.first()?.ran;
    let version = ran.strip_prefix("Python ")?.split_whitespace().next()?;
    Some(version.to_string())
}

/// The report of a finished lab run or sweep: its measured points only.
pub fn report_of(results: &[crate::lab::RunResult]) -> Option<Report> {
    let first = results.first()?;
    let points = crate::lab::measure::rows(results)
        .iter()
        .take(POINTS.usize())
        .map(|row| Point {
            workers: u32::try_from(row.workers).unwrap_or(u32::MAX),
            wall_ms: (row.wall.as_secs_f64() * 1000.0).max(0.001),
            speedup: row.speedup.filter(|s| s.is_finite()),
        })
        .collect();
    Some(Report {
        engine: first.config.engine.name().to_string(),
        workload: first.config.workload.name().to_string(),
        tasks: u32::try_from(first.config.tasks).unwrap_or(u32::MAX),
        chunksize: u32::try_from(first.config.chunksize).unwrap_or(u32::MAX),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn machine() -> Machine {
        Machine {
            cores: 8,
            cpu_model: "Test CPU".into(),
            os: "Linux".into(),
            python: Some("3.12.4".into()),
        }
    }

    fn report() -> Report {
        Report {
            engine: "forklab".into(),
            workload: "cpu".into(),
            tasks: 64,
            chunksize: 1,
            points: vec![
                Point {
                    workers: 1,
                    wall_ms: 2000.0,
                    speedup: Some(1.0),
                },
                Point {
                    workers: 2,
                    wall_ms: 1000.0,
                    speedup: Some(2.0),
                },
            ],
        }
    }

    #[test]
    fn a_plain_report_is_accepted() {
        assert_eq!(report().validate(), Ok(()));
        assert_eq!(report().best_speedup(), Some(2.0));
        let join = Join {
            code: "ABC234".into(),
            nickname: "ana".into(),
            machine: machine(),
        };
        assert_eq!(join.validate(), Ok(()));
    }

    #[test]
    fn unknown_fields_and_bad_values_are_refused() {
        let extra = r#"{"code":"A","nickname":"x","machine":{"cores":2,"cpu_model":"","os":""},"home":"/home/ana"}"#;
        assert!(serde_json::from_str::<Join>(extra).is_err());
        let mut r = report();
        r.points[0].wall_ms = f64::NAN;
        assert!(r.validate().is_err());
        let mut r = report();
        r.points.clear();
        assert!(r.validate().is_err());
        let mut r = report();
        r.engine = "rm -rf /".into();
        assert!(r.validate().is_err());
        let join = Join {
            code: "ABC234".into(),
            nickname: "\u{1b}[2Jhi".into(),
            machine: machine(),
        };
        assert!(join.validate().unwrap_err().contains("control"));
        let join = Join {
            code: "ABC234".into(),
            nickname: "x".repeat(25),
            machine: machine(),
        };
        assert!(join.validate().is_err());
    }

    #[test]
    fn numbers_nobody_measured_are_refused_with_the_reason() {
        let refused = |edit: &dyn Fn(&mut Report)| {
            let mut r = report();
            edit(&mut r);
            r.validate().and_then(|()| r.plausible()).unwrap_err()
        };
        assert_eq!(report().plausible(), Ok(()));
        let why = refused(&|r| r.points[1].speedup = Some(99_999.0));
        assert!(
            why.contains("exceeds its workers by more than 50%"),
            "{why}"
        );
        let why = refused(&|r| {
            r.points[1].speedup = Some(3.1);
            r.points[1].wall_ms = 2000.0 / 3.1;
        });
        assert!(why.contains("more than 50%"), "{why}");
        let why = refused(&|r| r.points[1].speedup = Some(1.5));
        assert!(why.contains("differs by more than 2%"), "{why}");
        let why = refused(&|r| r.points[0].speedup = Some(-0.0));
        assert!(why.contains("not above 0"), "{why}");
        let why = refused(&|r| {
            r.points.remove(0);
        });
        assert!(why.contains("no one-worker point"), "{why}");
        let why = refused(&|r| r.points[1].workers = 65_536);
        assert!(why.contains("no machine sold"), "{why}");
        let mut join = Join {
            code: "ABC234".into(),
            nickname: "ana".into(),
            machine: machine(),
        };
        join.machine.cores = 1025;
        assert!(join.validate().unwrap_err().contains("cores: 1025"));
        join.machine.cores = 1024;
        assert_eq!(join.validate(), Ok(()));
        // A point without a speedup says nothing to check.
        let mut r = report();
        r.points[0].speedup = None;
        r.points.remove(1);
        assert_eq!(r.plausible(), Ok(()));
    }

    #[test]
    fn report_line_reads_well() {
        assert_eq!(
            report_line(&report()),
            "forklab cpu, 64 tasks, chunk 1: 1w 2.00 s (1.00x), 2w 1.00 s (2.00x)"
        );
    }
}
