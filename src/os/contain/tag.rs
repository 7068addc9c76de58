//! Holding a family where no subreaper adopts its orphans (macOS, and
//! Linux with `FORKLAB_BACKEND=portable`): the guard tags the process it
//! starts with an environment token, which everything that process starts
//! inherits, and at the end kills every live process that carries the
//! token and every process group such a process was seen in, whichever
//! group, session or parent it has by then. A process that calls `setsid`
//! keeps its token; only one that starts with an emptied environment
//! (`env -i`, `subprocess` with `env={}`) is not found by it.

use std::collections::BTreeSet;
use std::process::Command;

use crate::os::platform;
use crate::os::process::{self, SIGKILL};

/// The variable that carries the tokens: a comma-separated list, one per
/// guard the process runs under (a guard under a guard adds its own).
pub const TAG_VAR: &str = "FORKLAB_FAMILY";

/// One guard's token and the groups its family was seen in.
#[derive(Debug)]
pub struct Tag {
    token: String,
    /// Process groups of tagged processes, killed with them.
    groups: BTreeSet<u32>,
    /// Groups never signalled: the guard's own, and forklab's.
    spared: [u32; 2],
}

impl Tag {
    /// A tag for this guard's family where it is needed (no subreaper);
    /// `None` where the subreaper holds the family.
    pub fn where_needed() -> Option<Tag> {
        (!platform::has_subreaper()).then(Tag::new)
    }

    /// A fresh token: this process's id and the time, so two guards, or
    /// one guard's pid reused later, never share one.
    fn new() -> Tag {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let own_group = rustix::process::getpgrp().as_raw_nonzero().get() as u32;
        let parent_group = rustix::process::getppid()
            .and_then(|p| rustix::process::getpgid(Some(p)).ok())
            .map_or(own_group, |g| g.as_raw_nonzero().get() as u32);
        Tag {
            token: format!("{}-{nanos:x}", std::process::id()),
            groups: BTreeSet::new(),
            spared: [own_group, parent_group],
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Tags the process `cmd` starts (keeping tokens it inherited, from a
    /// guard this one runs under).
    pub fn mark(&self, cmd: &mut Command) {
        let value = match std::env::var(TAG_VAR) {
            Ok(outer) if !outer.is_empty() => format!("{outer},{}", self.token),
            _ => self.token.clone(),
        };
        cmd.env(TAG_VAR, value);
    }

    /// The live processes carrying the token (never this one), their
    /// process groups remembered for [`Tag::kill`].
    pub fn members(&mut self) -> Vec<u32> {
        let me = std::process::id();
        let members: Vec<u32> = platform::carrying(TAG_VAR, &self.token)
            .into_iter()
            .filter(|&pid| pid != me)
            .collect();
        for &pid in &members {
            if let Some(group) = rustix::process::Pid::from_raw(pid as i32)
                .and_then(|p| rustix::process::getpgid(Some(p)).ok())
            {
                self.groups.insert(group.as_raw_nonzero().get() as u32);
            }
        }
        members
    }

    /// Whether any of the family may still run: `pgid`'s group has a
    /// member (one quick call), else a look at every process's token.
    pub fn any_left(&mut self, pgid: u32) -> bool {
        process::group_alive(pgid) || !self.members().is_empty()
    }

    /// SIGKILL to every process carrying the token and to every group one
    /// was seen in (a group's members forked since the look die with it).
    pub fn kill(&mut self) {
        for pid in self.members() {
            let _ = process::signal_process(pid, SIGKILL);
        }
        for &group in &self.groups {
            if group > 1 && !self.spared.contains(&group) {
                let _ = process::signal_group(group, SIGKILL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagged_process_that_left_for_a_new_session_is_found_and_killed() {
        let mut tag = Tag::new();
        // The child starts a session of its own (a daemon's setsid):
        // no group of the guard's holds it any more.
        let mut cmd = Command::new("setsid");
        cmd.args(["sleep", "30"]);
        tag.mark(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !tag.members().contains(&child.id()) {
            assert!(std::time::Instant::now() < until, "never seen tagged");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(tag.any_left(child.id()));
        tag.kill();
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(SIGKILL)
        );
        assert!(tag.members().is_empty());
        assert!(!tag.token().contains(','));
    }
}
