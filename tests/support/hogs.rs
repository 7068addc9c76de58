//! Programs that keep cores busy while a test judges: what CI's machine
//! looks like when other jobs share it.

use std::process::{Child, Command, Stdio};

/// Shells that spin until dropped (killed and reaped).
pub struct Hogs(Vec<Child>);

impl Hogs {
    /// `n` of them, one core each.
    pub fn start(n: usize) -> Hogs {
        Hogs(
            (0..n)
                .map(|_| {
                    Command::new("sh")
                        .args(["-c", "while :; do :; done"])
                        .stdin(Stdio::null())
                        .spawn()
                        .expect("a shell to burn CPU")
                })
                .collect(),
        )
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
