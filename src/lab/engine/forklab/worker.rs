//! `forklab worker`: the worker process, the same binary re-executed by the
//! master (as `multiprocessing` runs copies of the script). Reads chunks of
//! work from stdin, answers on stdout, exits when stdin ends.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use super::protocol::{FromWorker, MAX_LINE, Work};
use crate::lab::workload::run_task;

/// Entry point of the hidden `forklab worker` subcommand.
pub fn main() -> ExitCode {
    // Die with the master even when it is killed with no chance to close
    // our stdin (SIGKILL): stdin end-of-file covers the rest.
    crate::os::die_with_my_parent(crate::os::process::SIGKILL);
    // A master that died before that call left us to another parent.
    let master = std::env::var(super::MASTER_PID_ENV)
        .ok()
        .and_then(|pid| pid.parse::<u32>().ok());
    if master.is_some_and(|pid| pid != std::os::unix::process::parent_id()) {
        return ExitCode::FAILURE;
    }
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    match serve(stdin, stdout, std::process::id()) {
        Ok(()) => ExitCode::SUCCESS,
        // The master is gone or closed our stdout: nobody to tell.
        Err(_) => ExitCode::FAILURE,
    }
}

/// The worker's loop, over any reader and writer so it can be tested in
/// memory. Returns when `input` ends; an error only when `output` fails.
pub fn serve(mut input: impl BufRead, mut output: impl Write, pid: u32) -> std::io::Result<()> {
    send(&mut output, &FromWorker::Ready { pid }.to_string())?;
    let mut line = Vec::new();
    let mut reply = String::new();
    loop {
        line.clear();
        let n = Read::take(&mut input, MAX_LINE as u64 + 1).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") && line.len() > MAX_LINE {
            // Skip the rest of an over-long line, then say so.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                let n = Read::take(&mut input, MAX_LINE as u64).read_until(b'\n', &mut rest)?;
                if n == 0 || rest.ends_with(b"\n") {
                    break;
                }
            }
            let message = format!("line longer than {MAX_LINE} bytes");
            send(&mut output, &error(None, message))?;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        let work = match Work::parse(&text) {
            Ok(work) => work,
            Err(e) => {
                send(&mut output, &error(None, e.to_string()))?;
                continue;
            }
        };
        // Each `start` goes out with the previous task's `done`, in one
        // write just before the task runs: the master sees both on time.
        reply.clear();
        for task in work.tasks() {
            reply.push_str(&FromWorker::Started { task }.to_string());
            reply.push('\n');
            output.write_all(reply.as_bytes())?;
            output.flush()?;
            let value = run_task(work.kind, work.size, task);
            reply.clear();
            reply.push_str(&FromWorker::Done { task, value }.to_string());
            reply.push('\n');
        }
        output.write_all(reply.as_bytes())?;
        output.flush()?;
    }
}

fn error(task: Option<u64>, message: String) -> String {
    FromWorker::Error { task, message }.to_string()
}

fn send(output: &mut impl Write, line: &str) -> std::io::Result<()> {
    output.write_all(line.as_bytes())?;
    output.write_all(b"\n")?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::workload::{count_primes, task_range};

    fn converse(input: &str) -> Vec<FromWorker> {
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out, 77).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| FromWorker::parse(l).unwrap())
            .collect()
    }

    #[test]
    fn answers_a_chunk_in_order_then_exits_at_end_of_input() {
        let replies = converse("work 3 2 primes 100\n");
        let want = |t| count_primes(task_range(100, t));
        assert_eq!(
            replies,
            vec![
                FromWorker::Ready { pid: 77 },
                FromWorker::Started { task: 3 },
                FromWorker::Done {
                    task: 3,
                    value: want(3)
                },
                FromWorker::Started { task: 4 },
                FromWorker::Done {
                    task: 4,
                    value: want(4)
                },
            ]
        );
    }

    #[test]
    fn bad_lines_get_an_error_and_the_worker_goes_on() {
        let long = "w".repeat(MAX_LINE + 10);
        let input = format!("hello\n\n{long}\nwork 0 1 sleep 0\n");
        let replies = converse(&input);
        assert_eq!(replies.len(), 5, "{replies:?}");
        assert!(
            matches!(&replies[1], FromWorker::Error { task: None, message } if message.contains("hello"))
        );
        assert!(
            matches!(&replies[2], FromWorker::Error { task: None, message } if message.contains("longer"))
        );
        assert_eq!(replies[3], FromWorker::Started { task: 0 });
        // A sleep task answers the time it measured: 0 ms or more (4 under
        // qemu), so only the task is checked.
        assert!(
            matches!(replies[4], FromWorker::Done { task: 0, .. }),
            "{:?}",
            replies[4]
        );
    }

    #[test]
    fn a_closed_output_ends_the_worker_with_an_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        assert!(serve("work 0 1 sleep 0\n".as_bytes(), Closed, 1).is_err());
    }
}
