//! Short questions a lesson asks (multiple choice or a number), read from
//! its front matter's `[[questions]]` tables.

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Pick one of `choices`; `right` is 0-based.
    Choice { choices: Vec<String>, right: usize },
    /// Type a number; right when within `tolerance` of `value`.
    Number { value: f64, tolerance: f64 },
}

/// One question with the explanation shown after answering.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub prompt: String,
    pub answer: Answer,
    pub explain: String,
}

/// The keys a question table may have (docs/lesson.schema.json lists the same).
pub const KEYS: [&str; 6] = [
    "prompt",
    "choices",
    "answer",
    "answer_number",
    "tolerance",
    "explain",
];

impl Question {
    /// Reads one `[[questions]]` table; errors say which key is wrong.
    pub fn from_table(table: &toml::Table) -> Result<Question, String> {
        let text = |key: &str| -> Result<String, String> {
            match table.get(key) {
                Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                Some(_) => Err(format!("`{key}` must be non-empty text")),
                None => Err(format!("`{key}` is missing")),
            }
        };
        for key in table.keys() {
            if !KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "unknown key `{key}` (expected prompt, choices, answer, answer_number, tolerance, explain)"
                ));
            }
        }
        let prompt = text("prompt")?;
        let explain = text("explain")?;
        let number = |key: &str| match table.get(key) {
            Some(toml::Value::Integer(i)) => Some(*i as f64),
            Some(toml::Value::Float(f)) => Some(*f),
            _ => None,
        };
        let answer = match (table.get("choices"), table.get("answer_number")) {
            (Some(toml::Value::Array(items)), None) => {
                let choices: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if choices.len() != items.len() || !(2..=9).contains(&choices.len()) {
                    return Err("`choices` must be 2 to 9 pieces of text".into());
                }
                let right = match table.get("answer") {
                    Some(toml::Value::Integer(i)) if *i >= 1 && (*i as usize) <= choices.len() => {
                        *i as usize - 1
                    }
                    _ => {
                        return Err(format!(
                            "`answer` must be the number (1 to {}) of the right choice",
                            choices.len()
                        ));
                    }
                };
                Answer::Choice { choices, right }
            }
            (None, Some(_)) => {
                let value = number("answer_number").ok_or("`answer_number` must be a number")?;
                let tolerance = match table.get("tolerance") {
                    None => 0.0,
                    Some(_) => number("tolerance")
                        .filter(|t| *t >= 0.0)
                        .ok_or("`tolerance` must be a number, 0 or more")?,
                };
                Answer::Number { value, tolerance }
            }
            (Some(_), Some(_)) => {
                return Err(
                    "give either `choices` with `answer`, or `answer_number`, not both".into(),
                );
            }
            (Some(_), None) => return Err("`choices` must be a list of text".into()),
            (None, None) => return Err("give `choices` with `answer`, or `answer_number`".into()),
        };
        Ok(Question {
            prompt,
            answer,
            explain,
        })
    }

    /// Whether a typed number is right.
    pub fn accepts_number(&self, typed: f64) -> bool {
        match self.answer {
            Answer::Number { value, tolerance } => {
                (typed - value).abs() <= tolerance + f64::EPSILON * value.abs().max(1.0)
            }
            Answer::Choice { .. } => false,
        }
    }
}

/// All questions of a lesson; the first bad one is an error with its index.
pub fn questions(tables: &[toml::Table]) -> Result<Vec<Question>, (usize, String)> {
    tables
        .iter()
        .enumerate()
        .map(|(i, t)| Question::from_table(t).map_err(|e| (i, e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn reads_choice_and_number_questions() {
        let q = Question::from_table(&table(
            "prompt = \"p\"\nchoices = [\"a\", \"b\"]\nanswer = 2\nexplain = \"e\"",
        ))
        .unwrap();
        assert_eq!(
            q.answer,
            Answer::Choice {
                choices: vec!["a".into(), "b".into()],
                right: 1
            }
        );
        let n = Question::from_table(&table(
            "prompt = \"p\"\nanswer_number = 385\ntolerance = 0.5\nexplain = \"e\"",
        ))
        .unwrap();
        assert!(n.accepts_number(385.4));
        assert!(!n.accepts_number(386.0));
        let exact = Question::from_table(&table(
            "prompt = \"p\"\nanswer_number = 41679167500\nexplain = \"e\"",
        ))
        .unwrap();
        assert!(exact.accepts_number(41679167500.0));
    }

    #[test]
    fn explains_what_is_wrong() {
        let err = |t: &str| Question::from_table(&table(t)).unwrap_err();
        assert!(
            err("prompt = \"p\"\nchoices = [\"a\", \"b\"]\nanswer = 3\nexplain = \"e\"")
                .contains("1 to 2")
        );
        assert!(err("prompt = \"p\"\nexplain = \"e\"").contains("give `choices`"));
        assert!(err("choices = [\"a\"]\nanswer = 1\nexplain = \"e\"").contains("prompt"));
        assert!(
            err("prompt = \"p\"\nanswer_number = 1\nexplain = \"e\"\nhint = 2")
                .contains("unknown key `hint`")
        );
    }
}
