//! The worker lab: its settings, runs, sweeps and guesses.

use super::Message;

#[derive(Debug, Clone)]
pub enum Msg {
    /// `L`: the lab, set up for this lesson's experiment (or the list of
    /// them, when it declares several); again to return.
    Toggle,
    /// Enter in the list of experiments: the lab, set up for the chosen one.
    OpenSelected,
    /// A digit in the list of experiments: the lab for that one (from 1).
    Pick(char),
    /// More (+1) or fewer (-1) workers.
    Workers(isize),
    Workload,
    /// Double (true) or halve the tasks.
    Tasks(bool),
    /// Double (true) or halve the chunk size.
    Chunk(bool),
    /// Restrict the workers to fewer cores (cycles).
    Cores,
    /// The next engine (python Pool, python executor, forklab, dask).
    Engine,
    /// The next start method the engine offers.
    StartMethod,
    /// Runs per measured point: 1, 3, 5.
    Repeat,
    Run,
    Sweep,
    Stop,
    /// A digit of the learner's guess for the next run.
    Guess(char),
    GuessBackspace,
    /// Something happened in the running lab (boxed: a run's config
    /// and result are large beside the other messages).
    Event(Box<crate::lab::LabEvent>),
    /// Show another machine's lab results beside this one's.
    Compare(Box<super::super::lab::Recorded>),
}

impl Message for Msg {
    fn is_from_user(&self) -> bool {
        match self {
            Msg::Event(_) | Msg::Compare(_) => false,
            Msg::Toggle
            | Msg::OpenSelected
            | Msg::Pick(_)
            | Msg::Workers(_)
            | Msg::Workload
            | Msg::Tasks(_)
            | Msg::Chunk(_)
            | Msg::Cores
            | Msg::Engine
            | Msg::StartMethod
            | Msg::Repeat
            | Msg::Run
            | Msg::Sweep
            | Msg::Stop
            | Msg::Guess(_)
            | Msg::GuessBackspace => true,
        }
    }

    fn acts(&self) -> bool {
        match self {
            // Opening the lab for an experiment, as `L` does.
            Msg::Toggle | Msg::OpenSelected | Msg::Pick(_) | Msg::Event(_) | Msg::Compare(_) => {
                false
            }
            Msg::Workers(_)
            | Msg::Workload
            | Msg::Tasks(_)
            | Msg::Chunk(_)
            | Msg::Cores
            | Msg::Engine
            | Msg::StartMethod
            | Msg::Repeat
            | Msg::Run
            | Msg::Sweep
            | Msg::Stop
            | Msg::Guess(_)
            | Msg::GuessBackspace => true,
        }
    }
}
