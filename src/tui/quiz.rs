//! The questions at the end of a lesson, drawn as lesson lines so they
//! scroll with the text: answered ones with their verdict and explanation,
//! the open one with the learner's pick.

use crate::lesson::quiz::{Answer, Question};
use crate::lesson::render::{Line, Role, Span, Tone, wrap};

/// How the learner answered one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Wrong,
}

impl Verdict {
    /// The word kept in the progress file.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Right => "right",
            Verdict::Wrong => "wrong",
        }
    }

    pub fn from_word(word: &str) -> Option<Verdict> {
        match word {
            "right" => Some(Verdict::Right),
            "wrong" => Some(Verdict::Wrong),
            _ => None,
        }
    }
}

/// The open question's pending input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pending {
    pub choice: Option<usize>,
    pub typed: String,
}

fn span(text: impl Into<String>, role: Role) -> Span {
    Span {
        text: text.into(),
        tone: Tone {
            role,
            ..Tone::default()
        },
        link: None,
    }
}

fn strong(text: impl Into<String>, role: Role) -> Span {
    Span {
        text: text.into(),
        tone: Tone {
            role,
            strong: true,
            ..Tone::default()
        },
        link: None,
    }
}

/// Wraps `spans` under `indent`; continuation lines go `hang` further in.
fn wrapped(out: &mut Vec<Line>, indent: &str, spans: &[Span], width: usize) {
    hanging(out, indent, "", spans, width);
}

fn hanging(out: &mut Vec<Line>, indent: &str, hang: &str, spans: &[Span], width: usize) {
    let first = width.saturating_sub(indent.len()).max(10);
    let rest = first.saturating_sub(hang.len()).max(10);
    for (i, line) in wrap(spans, first, rest).into_iter().enumerate() {
        let lead = if i == 0 {
            indent.to_string()
        } else {
            format!("{indent}{hang}")
        };
        let mut all = vec![span(lead, Role::Text)];
        all.extend(line);
        out.push(Line { spans: all });
    }
}

/// The lines of the questions section, and the line where the open
/// question starts (if one is open).
pub fn lines(
    questions: &[Question],
    verdicts: &[Option<Verdict>],
    pending: &Pending,
    width: usize,
) -> (Vec<Line>, Option<usize>) {
    let mut out = Vec::new();
    if questions.is_empty() {
        return (out, None);
    }
    out.push(Line::default());
    out.push(header(questions.len(), verdicts));
    let open = (0..questions.len()).find(|i| verdicts.get(*i).copied().flatten().is_none());
    let mut open_line = None;
    for (i, q) in questions.iter().enumerate() {
        out.push(Line::default());
        let shown = Shown {
            number: i + 1,
            verdict: verdicts.get(i).copied().flatten(),
            is_open: open == Some(i),
        };
        if shown.is_open {
            open_line = Some(out.len());
        }
        hanging(&mut out, "", "     ", &shown.prompt(q), width);
        match &q.answer {
            Answer::Choice { choices, right } => {
                shown.choices(&mut out, choices, *right, pending, width);
            }
            Answer::Number { value, .. } => shown.number(&mut out, *value, pending, width),
        }
        if shown.verdict.is_some() {
            let explain = Span {
                text: q.explain.clone(),
                tone: Tone {
                    emphasis: true,
                    ..Tone::default()
                },
                link: None,
            };
            wrapped(&mut out, "    ", &[explain], width);
        }
    }
    (out, open_line)
}

/// "Check yourself  2 of 3 answered, 1 right".
fn header(questions: usize, verdicts: &[Option<Verdict>]) -> Line {
    let answered = verdicts.iter().filter(|v| v.is_some()).count();
    let right = verdicts
        .iter()
        .filter(|v| **v == Some(Verdict::Right))
        .count();
    Line {
        spans: vec![
            strong("Check yourself", Role::Heading(2)),
            span(
                format!("  {answered} of {questions} answered, {right} right"),
                Role::Rule,
            ),
        ],
    }
}

/// How one question is shown: its number, its verdict, whether it is
/// the one open for an answer.
struct Shown {
    number: usize,
    verdict: Option<Verdict>,
    is_open: bool,
}

impl Shown {
    /// The mark (✓, ✗, ▶), the number and the prompt, strong if open.
    fn prompt(&self, q: &Question) -> Vec<Span> {
        let mark = match (self.verdict, self.is_open) {
            (Some(Verdict::Right), _) => strong("✓ ", Role::Heading(3)),
            (Some(Verdict::Wrong), _) => strong("✗ ", Role::AnswerHint),
            (None, true) => strong("▶ ", Role::Marker),
            (None, false) => span("  ", Role::Text),
        };
        vec![
            mark,
            strong(format!("{}. ", self.number), Role::Text),
            Span {
                text: q.prompt.clone(),
                tone: Tone {
                    strong: self.is_open,
                    ..Tone::default()
                },
                link: None,
            },
        ]
    }

    /// The choices (the picked one strong, the right one marked once
    /// answered) and, while open, what to press.
    fn choices(
        &self,
        out: &mut Vec<Line>,
        choices: &[String],
        correct: usize,
        pending: &Pending,
        width: usize,
    ) {
        for (c, choice) in choices.iter().enumerate() {
            let picked = self.is_open && pending.choice == Some(c);
            let mut spans = vec![if picked {
                strong(format!("[{}] ", c + 1), Role::Marker)
            } else {
                span(format!(" {}) ", c + 1), Role::Marker)
            }];
            spans.push(Span {
                text: choice.clone(),
                tone: Tone {
                    strong: picked,
                    ..Tone::default()
                },
                link: None,
            });
            if self.verdict.is_some() && c == correct {
                spans.push(strong("  ← the answer", Role::Heading(3)));
            }
            hanging(out, "    ", "    ", &spans, width);
        }
        if self.is_open {
            let hint = match pending.choice {
                None => format!("Press 1 to {} to pick an answer.", choices.len()),
                Some(c) => format!(
                    "You picked {}: press {} to confirm, or another number.",
                    c + 1,
                    super::keymap::key_for(|a| matches!(
                        a,
                        super::action::Action::Quiz(super::action::quiz::Msg::Confirm)
                    ))
                ),
            };
            wrapped(out, "    ", &[span(hint, Role::AnswerHint)], width);
        }
    }

    /// While open, the number typed so far; once answered, the answer.
    fn number(&self, out: &mut Vec<Line>, value: f64, pending: &Pending, width: usize) {
        if self.is_open {
            let spans = vec![
                span("Your answer: ", Role::Text),
                strong(format!("{}▏", pending.typed), Role::InlineCode),
                span("  (type a number, Enter to confirm)", Role::AnswerHint),
            ];
            wrapped(out, "    ", &spans, width);
        } else if self.verdict.is_some() {
            let spans = [
                span("The answer: ", Role::Text),
                strong(format_number(value), Role::Heading(3)),
            ];
            wrapped(out, "    ", &spans, width);
        }
    }
}

/// `385`, `0.25`: integers without a trailing `.0`.
fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Reads what the learner typed, allowing `_` and `,` as digit separators.
pub fn parse_number(typed: &str) -> Option<f64> {
    typed.replace(['_', ','], "").trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(choices: bool) -> Question {
        Question {
            prompt: "What?".into(),
            answer: if choices {
                Answer::Choice {
                    choices: vec!["a".into(), "b".into()],
                    right: 1,
                }
            } else {
                Answer::Number {
                    value: 385.0,
                    tolerance: 0.0,
                }
            },
            explain: "Because.".into(),
        }
    }

    #[test]
    fn open_question_is_marked_and_answers_explained() {
        let qs = [q(true), q(false)];
        let (lines, open) = lines(
            &qs,
            &[Some(Verdict::Wrong), None],
            &Pending {
                choice: None,
                typed: "38".into(),
            },
            60,
        );
        let text: Vec<String> = lines.iter().map(Line::plain).collect();
        assert!(text.iter().any(|l| l.contains("1 of 2 answered, 0 right")));
        assert!(text.iter().any(|l| l.starts_with("✗ 1. What?")));
        assert!(text.iter().any(|l| l.contains("b ← the answer")));
        assert!(text.iter().any(|l| l.contains("Because.")));
        assert_eq!(text[open.unwrap()], "▶ 2. What?");
        assert!(text.iter().any(|l| l.contains("Your answer: 38▏")));
        assert_eq!(parse_number("41_679,167,500"), Some(41679167500.0));
        assert_eq!(format_number(385.0), "385");
    }
}
