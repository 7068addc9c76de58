//! The process family as the learner sees it: live processes in tree order,
//! each with a stable colour, plus the ones that just ended.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::ProcessInfo;
use super::role::{Role, classify, refine};
use crate::os::process::Exit;

/// How long an ended process stays listed, so short-lived workers are seen.
pub const LINGER: Duration = Duration::from_secs(5);

/// One row of the process pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub info: ProcessInfo,
    /// Nesting depth under the root (0 for forklab itself).
    pub depth: usize,
    /// Index into the palette; stays with the pid for its whole life.
    pub colour: usize,
    /// Master, worker, helper: told from its command and its parent's.
    pub role: Role,
    /// `Some` once the process has ended, with how if forklab started it
    /// and so knows (`None`: it ended, how is unknown).
    pub ended: Option<(Instant, Option<Exit>)>,
}

/// The family over time.
#[derive(Debug, Clone, Default)]
pub struct Family {
    pub members: Vec<Member>,
    colours: BTreeMap<u32, usize>,
    next_colour: usize,
    /// Exit statuses reported by whoever started a process.
    endings: BTreeMap<u32, Exit>,
}

impl Family {
    /// Takes a new sample's processes; processes gone since the last one are
    /// kept, marked as ended, for [`LINGER`].
    pub fn update(&mut self, processes: &[ProcessInfo], now: Instant) {
        let mut members: Vec<Member> = Vec::with_capacity(processes.len());
        for info in processes {
            let mut info = info.clone();
            // A zombie has lost its command line: keep the one seen alive.
            if info.command.is_empty()
                && let Some(earlier) = self.members.iter().find(|m| m.info.pid == info.pid)
            {
                info.command = earlier.info.command.clone();
            }
            let parent = members.iter().find(|m| m.info.pid == info.ppid);
            let depth = parent.map_or(0, |parent| parent.depth + 1);
            let role = refine(
                classify(
                    &info.name,
                    &info.command,
                    parent.map(|p| (&*p.info.name, &*p.info.command)),
                ),
                info.serves,
            );
            let colour = *self.colours.entry(info.pid).or_insert_with(|| {
                self.next_colour += 1;
                self.next_colour - 1
            });
            // Zombies have ended; they just wait for their parent.
            let ended = (info.state == 'Z').then(|| (now, self.endings.get(&info.pid).copied()));
            members.push(Member {
                info,
                depth,
                colour,
                role,
                ended,
            });
        }
        for old in self.members.drain(..) {
            if members.iter().any(|m| m.info.pid == old.info.pid) {
                continue;
            }
            let ended_at = old.ended.as_ref().map_or(now, |(at, _)| *at);
            if now.duration_since(ended_at) < LINGER {
                let ending = self.endings.get(&old.info.pid).copied();
                let info = ProcessInfo {
                    cpu: 0.0,
                    state: 'X',
                    ..old.info
                };
                // Keep it beside its parent if the parent is still listed.
                let at = members
                    .iter()
                    .rposition(|m| m.info.pid == info.ppid || m.info.ppid == info.ppid)
                    .map_or(members.len(), |i| i + 1);
                members.insert(
                    at,
                    Member {
                        info,
                        depth: old.depth,
                        colour: old.colour,
                        role: old.role,
                        ended: Some((ended_at, ending)),
                    },
                );
            } else {
                self.colours.remove(&old.info.pid);
                self.endings.remove(&old.info.pid);
            }
        }
        self.members = members;
    }

    /// Records how a process forklab started has ended.
    pub fn record_ending(&mut self, pid: u32, exit: Exit) {
        for member in &mut self.members {
            if member.info.pid == pid
                && let Some((_, e)) = &mut member.ended
            {
                *e = Some(exit);
            }
        }
        self.endings.insert(pid, exit);
    }

    /// Live members (not ended).
    pub fn live(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.ended.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc(pid: u32, ppid: u32) -> ProcessInfo {
        ProcessInfo {
            pid,
            ppid,
            name: "p".into(),
            command: "p".into(),
            state: 'R',
            cpu: 50.0,
            memory: 1,
            core: Some(0),
            serves: false,
            shares: Default::default(),
        }
    }

    #[test]
    fn depth_colour_and_lingering() {
        let t0 = Instant::now();
        let mut f = Family::default();
        f.update(&[proc(1, 0), proc(2, 1), proc(3, 2)], t0);
        let depths: Vec<usize> = f.members.iter().map(|m| m.depth).collect();
        assert_eq!(depths, [0, 1, 2]);
        let colour_of_3 = f.members[2].colour;

        f.record_ending(2, Exit::Code(0));
        f.update(&[proc(1, 0), proc(3, 1)], t0 + Duration::from_secs(1));
        let two = f.members.iter().find(|m| m.info.pid == 2).expect("lingers");
        assert_eq!(two.ended.as_ref().map(|e| e.1), Some(Some(Exit::Code(0))));
        assert_eq!(two.info.cpu, 0.0);
        assert_eq!(
            f.members.iter().find(|m| m.info.pid == 3).unwrap().colour,
            colour_of_3
        );
        assert_eq!(f.live().count(), 2);

        f.update(&[proc(1, 0)], t0 + Duration::from_secs(2));
        f.update(&[proc(1, 0)], t0 + LINGER + Duration::from_secs(2));
        assert_eq!(f.members.len(), 1, "ended processes go after LINGER");
    }

    #[test]
    fn zombies_count_as_ended() {
        let mut f = Family::default();
        let mut z = proc(5, 1);
        z.state = 'Z';
        f.update(&[proc(1, 0), z], Instant::now());
        assert!(f.members[1].ended.is_some());
    }
}
