//! Practice as the reader sees it: the exercise being worked on, its check
//! list (filled in live as verdicts arrive), and the popups around it.

use std::path::PathBuf;

use crate::practice::Outcome;

/// One line of the check list.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    /// What the check asks, in a few words.
    pub label: String,
    /// `None` until this judgement reaches it.
    pub verdict: Option<(Outcome, String)>,
}

/// The exercise the learner works on (its file is watched).
#[derive(Debug, Clone, PartialEq)]
pub struct Working {
    pub lesson: usize,
    /// Index among the lesson's exercises.
    pub exercise: usize,
    pub id: String,
    /// The learner's file.
    pub path: PathBuf,
    /// The judgement shown (each save starts one).
    pub generation: u64,
    pub checks: Vec<CheckRow>,
    /// The run in progress ("your file under spawn"), while judging.
    pub running: Option<String>,
    /// The last complete judgement's verdict (`None`: none complete yet).
    pub verdict: Option<crate::practice::Overall>,
    /// Why the file cannot be judged (deleted, unreadable, not watched).
    pub problem: Option<String>,
    /// The output pane's run number for the run in progress.
    pub run_number: Option<u64>,
    /// What held the last judgement's processes ("kernel cgroup v1: at
    /// most 64 processes, 6 GiB"), for the list's last line.
    pub contained: Option<String>,
}

impl Working {
    /// Whether a judgement is under way.
    pub fn judging(&self) -> bool {
        self.running.is_some()
    }

    /// Empties the check list for a new judgement.
    pub fn reset(&mut self, generation: u64) {
        self.generation = generation;
        self.verdict = None;
        self.problem = None;
        self.running = Some("starting".into());
        for row in &mut self.checks {
            row.verdict = None;
        }
    }
}

/// A step the learner is asked about before working on an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// No exercise folder: create this one?
    CreateWorkspace { dir: PathBuf },
    /// Show the solution before passing?
    RevealSolution,
}

/// Everything about practice in the reader.
#[derive(Debug, Clone, Default)]
pub struct Practice {
    /// The learner's exercise folder, if there is one.
    pub workspace: Option<PathBuf>,
    /// The folder offered when there is none (`./forklab-exercises`).
    pub default_workspace: PathBuf,
    pub working: Option<Working>,
    /// The check list pane is hidden (`o`, as the output pane).
    pub hidden: bool,
    /// The exercise chosen while a question (folder, prediction) is open:
    /// (lesson, exercise).
    pub pending: Option<(usize, usize)>,
}
