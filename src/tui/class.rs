//! The class view's model (the teacher's side) and the class link's
//! (the learner's side). Views read these; `update/class.rs` changes them.

use crate::class::payload::{Machine, Report, report_of};
use crate::class::{ClassEvent, Refusal, Roster};
use crate::sanitize;

use super::lab::LabView;

/// How the participants table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// In the order they joined.
    #[default]
    Joined,
    Nickname,
    Cores,
    /// Best speedup first.
    Speedup,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Joined => Sort::Nickname,
            Sort::Nickname => Sort::Cores,
            Sort::Cores => Sort::Speedup,
            Sort::Speedup => Sort::Joined,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Joined => "joined",
            Sort::Nickname => "name",
            Sort::Cores => "cores",
            Sort::Speedup => "best speedup",
        }
    }
}

/// One learner as the class view shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub nickname: String,
    pub machine: Machine,
    /// Their newest report.
    pub latest: Option<Report>,
    pub reports: usize,
    pub hidden: bool,
}

impl Seat {
    pub fn best_speedup(&self) -> Option<f64> {
        self.latest.as_ref().and_then(Report::best_speedup)
    }
}

/// The teacher's class view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClassView {
    pub code: String,
    /// What learners type to join (one line per address), empty for a
    /// class reopened from its file.
    pub join_lines: Vec<String>,
    pub file: String,
    /// Serving (`class serve`) or only showing a file (`class open`).
    pub serving: bool,
    /// Everyone, in the order they joined.
    pub seats: Vec<Seat>,
    /// What the screen shows while frozen: the seats at the moment of
    /// freezing. New results still arrive into `seats`.
    pub frozen: Option<Vec<Seat>>,
    pub sort: Sort,
    /// Index into `order()` of the highlighted participant.
    pub selected: usize,
    pub refused: u64,
    pub last_refusal: Option<Refusal>,
}

impl ClassView {
    pub fn from_roster(roster: &Roster, serving: bool) -> ClassView {
        ClassView {
            code: roster.code.clone(),
            serving,
            seats: roster
                .participants
                .iter()
                .map(|p| Seat {
                    nickname: p.nickname.clone(),
                    machine: p.machine.clone(),
                    latest: p.latest().cloned(),
                    reports: p.reports.len(),
                    hidden: false,
                })
                .collect(),
            ..ClassView::default()
        }
    }

    pub fn apply(&mut self, event: ClassEvent) {
        match event {
            ClassEvent::Joined {
                index,
                nickname,
                machine,
            } => {
                if index == self.seats.len() {
                    self.seats.push(Seat {
                        nickname,
                        machine,
                        latest: None,
                        reports: 0,
                        hidden: false,
                    });
                }
            }
            ClassEvent::Stored { index, report, .. } => {
                if let Some(seat) = self.seats.get_mut(index) {
                    seat.latest = Some(report);
                    seat.reports += 1;
                }
            }
            ClassEvent::Refused(why) => {
                self.refused += 1;
                self.last_refusal = Some(why);
            }
        }
    }

    /// The seats on screen: the frozen copy while frozen.
    pub fn shown(&self) -> &[Seat] {
        self.frozen.as_deref().unwrap_or(&self.seats)
    }

    /// Indices into `shown()`, in the chosen order.
    pub fn order(&self) -> Vec<usize> {
        let seats = self.shown();
        let mut order: Vec<usize> = (0..seats.len()).collect();
        match self.sort {
            Sort::Joined => {}
            Sort::Nickname => order.sort_by_key(|&i| seats[i].nickname.to_lowercase()),
            Sort::Cores => order.sort_by_key(|&i| std::cmp::Reverse(seats[i].machine.cores)),
            Sort::Speedup => order.sort_by(|&a, &b| {
                let best = |i: usize| seats[i].best_speedup().unwrap_or(-1.0);
                best(b).total_cmp(&best(a))
            }),
        }
        order
    }

    pub fn move_selection(&mut self, by: isize) {
        let len = self.shown().len();
        if len > 0 {
            self.selected = self.selected.saturating_add_signed(by).min(len - 1);
        }
    }

    /// Hides or shows the highlighted participant (on the charts; the
    /// table keeps the row, dimmed, so the teacher can bring it back).
    pub fn toggle_hidden(&mut self) {
        let Some(&index) = self.order().get(self.selected) else {
            return;
        };
        let hidden = !self.shown()[index].hidden;
        if let Some(seat) = self.seats.get_mut(index) {
            seat.hidden = hidden;
        }
        if let Some(seat) = self.frozen.as_mut().and_then(|f| f.get_mut(index)) {
            seat.hidden = hidden;
        }
    }

    pub fn toggle_frozen(&mut self) {
        self.frozen = match self.frozen {
            Some(_) => None,
            None => Some(self.seats.clone()),
        };
    }

    /// Results arrived since the view was frozen.
    pub fn waiting(&self) -> usize {
        let Some(frozen) = &self.frozen else { return 0 };
        let count = |seats: &[Seat]| seats.iter().map(|s| s.reports).sum::<usize>();
        count(&self.seats).saturating_sub(count(frozen))
    }
}

pub use crate::class::client::Status as LinkStatus;

#[derive(Debug, Clone, PartialEq)]
pub struct ClassLink {
    pub address: String,
    pub status: LinkStatus,
    pub sent: usize,
}

impl ClassLink {
    pub fn label(&self) -> String {
        match &self.status {
            LinkStatus::Joining => format!("class {}: joining", sanitize::field(&self.address, 40)),
            LinkStatus::Joined if self.sent == 0 => "class: joined".into(),
            LinkStatus::Joined | LinkStatus::Sent(_) => format!("class: sent {}", self.sent),
            LinkStatus::Failed(why) => format!("class: not sent ({})", sanitize::field(why, 80)),
        }
    }
}

/// The report of what the lab has measured for its current settings.
pub fn lab_report(lab: &LabView) -> Option<Report> {
    report_of(&lab.current_results())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::payload::Point;

    fn machine(cores: u32) -> Machine {
        Machine {
            cores,
            cpu_model: "cpu".into(),
            os: "Linux".into(),
            python: None,
        }
    }

    fn report(best: f64) -> Report {
        Report {
            engine: "forklab".into(),
            workload: "cpu".into(),
            tasks: 8,
            chunksize: 1,
            points: vec![Point {
                workers: 2,
                wall_ms: 1.0,
                speedup: Some(best),
            }],
        }
    }

    fn joined(view: &mut ClassView, name: &str, cores: u32) {
        view.apply(ClassEvent::Joined {
            index: view.seats.len(),
            nickname: name.into(),
            machine: machine(cores),
        });
    }

    #[test]
    fn sorting_hiding_and_freezing() {
        let mut view = ClassView::default();
        joined(&mut view, "zoe", 4);
        joined(&mut view, "ana", 16);
        view.apply(ClassEvent::Stored {
            index: 0,
            nickname: "zoe".into(),
            report: report(3.5),
        });
        view.apply(ClassEvent::Stored {
            index: 1,
            nickname: "ana".into(),
            report: report(1.5),
        });
        assert_eq!(view.order(), vec![0, 1]);
        view.sort = Sort::Nickname;
        assert_eq!(view.order(), vec![1, 0]);
        view.sort = Sort::Cores;
        assert_eq!(view.order(), vec![1, 0]);
        view.sort = Sort::Speedup;
        assert_eq!(view.order(), vec![0, 1]);

        view.selected = 0;
        view.toggle_hidden();
        assert!(view.seats[0].hidden);

        view.toggle_frozen();
        view.apply(ClassEvent::Stored {
            index: 1,
            nickname: "ana".into(),
            report: report(1.9),
        });
        assert_eq!(view.shown()[1].best_speedup(), Some(1.5));
        assert_eq!(view.waiting(), 1);
        view.toggle_frozen();
        assert_eq!(view.shown()[1].best_speedup(), Some(1.9));
        view.apply(ClassEvent::Refused(Refusal::WrongCode));
        assert_eq!(view.refused, 1);
    }
}
