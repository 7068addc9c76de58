//! A run's whole output as lines, in arrival order: the model behind an
//! output pane. Pieces of an unfinished line (progress dots, a line longer
//! than a pipe buffer) are joined to the line they continue.

use std::time::Duration;

use super::run::{Output, Stream};

/// One line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub stream: Stream,
    /// When its first piece arrived, since the run started.
    pub offset: Duration,
    /// Safe to draw: no control characters (see [`crate::sanitize`]).
    pub text: String,
    /// False while the script may still add to it.
    pub complete: bool,
}

/// The lines of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    lines: Vec<Line>,
    /// Per stream, the index of its unfinished line.
    open: [Option<usize>; 2],
}

impl Transcript {
    /// An empty transcript, for a new run.
    pub fn new() -> Transcript {
        Transcript::default()
    }

    /// Adds a piece of output; returns the index of the line it went to.
    pub fn push(&mut self, output: &Output) -> usize {
        let slot = &mut self.open[output.stream as usize];
        let index = match *slot {
            Some(index) => {
                self.lines[index].text.push_str(&output.text);
                index
            }
            None => {
                self.lines.push(Line {
                    stream: output.stream,
                    offset: output.offset,
                    text: output.text.clone(),
                    complete: false,
                });
                self.lines.len() - 1
            }
        };
        if output.line_end {
            self.lines[index].complete = true;
            *slot = None;
        } else {
            *slot = Some(index);
        }
        index
    }

    /// The lines in arrival order (the last one per stream may be unfinished).
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// All text, one line each, both streams.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(stream: Stream, ms: u64, text: &str, line_end: bool) -> Output {
        Output {
            stream,
            offset: Duration::from_millis(ms),
            text: text.into(),
            line_end,
        }
    }

    #[test]
    fn pieces_join_their_line_while_the_other_stream_goes_on() {
        let mut t = Transcript::new();
        t.push(&out(Stream::Stdout, 1, "working", false));
        t.push(&out(Stream::Stderr, 2, "warning", true));
        t.push(&out(Stream::Stdout, 3, "...", false));
        t.push(&out(Stream::Stdout, 4, " done", true));
        t.push(&out(Stream::Stdout, 5, "sum = 5", true));
        let lines = t.lines();
        assert_eq!(t.text(), "working... done\nwarning\nsum = 5\n");
        assert_eq!(lines[0].offset, Duration::from_millis(1));
        assert!(lines.iter().all(|l| l.complete));
        assert_eq!(lines[1].stream, Stream::Stderr);
        t.push(&out(Stream::Stdout, 6, "tail", false));
        assert!(!t.lines()[3].complete);
        assert_eq!(t.len(), 4);
    }
}
