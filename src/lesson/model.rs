//! The lesson model: what a lesson file says, once parsed.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A lesson's TOML front matter. Unknown keys are rejected so that a
/// teacher's typo is reported instead of silently ignored.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Stable identifier, used in links, progress and `lessons show`.
    pub id: String,
    pub title: String,
    /// Part of the course (0 = start page); each part's order-0 lesson is its overview.
    pub part: u32,
    /// Position within the part.
    pub order: u32,
    /// One sentence for the table of contents.
    #[serde(default)]
    pub summary: String,
    /// Python scripts the learner can run from this lesson.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Worker-lab set-ups this lesson offers (interpreted by the lab).
    #[serde(default)]
    pub experiments: Vec<toml::Table>,
    /// Keyboard quiz questions (interpreted by the quiz).
    #[serde(default)]
    pub questions: Vec<toml::Table>,
    /// Code the learner writes, checked by `forklab practice` (see
    /// EXERCISES-SCHEMA in the docs and [`Exercise`]).
    #[serde(default)]
    pub exercises: Vec<Exercise>,
}

impl FrontMatter {
    /// The examples the example menu lists, by index: a worked answer only
    /// once `answers_open` (the learner tried the exercise or asked for
    /// the answers), so the answer is not one key away before that.
    pub fn menu_examples(&self, answers_open: bool) -> Vec<usize> {
        (0..self.examples.len())
            .filter(|&i| answers_open || !self.examples[i].worked_answer)
            .collect()
    }
}

/// A runnable Python example declared by a lesson.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub id: String,
    /// Script path relative to the lesson set's folder.
    pub file: String,
    pub title: String,
    /// Default command-line arguments; the learner may edit them.
    #[serde(default)]
    pub args: Vec<String>,
    /// Names under `assets/` copied next to the script before it runs.
    #[serde(default)]
    pub data: Vec<String>,
    /// Exit status the lesson expects (non-zero when the failure is the point).
    #[serde(default)]
    pub expect_exit: i32,
    /// Substrings the output must contain: checked by the test suite.
    #[serde(default)]
    pub expect_output: Vec<String>,
    /// Time limit in seconds.
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Modules beyond the standard library the example needs (as
    /// `import` names, e.g. `distributed`), or programs (a name with a
    /// dash, e.g. `py-spy`). Without one, forklab reports
    /// "skipped: needs ..." instead of running it.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Start methods the lesson asks the learner to try; the test suite
    /// runs the example under each (empty: the interpreter's default only).
    #[serde(default)]
    pub start_methods: Vec<String>,
    /// A worked answer to the lesson's exercise: the example menu lists it
    /// only once the learner has tried the exercise or asked for answers.
    #[serde(default)]
    pub worked_answer: bool,
    /// Expectations that differ under one start method, keyed by its name
    /// (`fork`, `spawn`, `forkserver`); the others keep the ones above.
    #[serde(default)]
    pub by_method: BTreeMap<String, MethodExpect>,
}

/// What an example should do under one start method, where it differs.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct MethodExpect {
    #[serde(default)]
    pub expect_exit: Option<i32>,
    #[serde(default)]
    pub expect_output: Option<Vec<String>>,
}

impl Example {
    /// The exit status expected under `method` (a Python start method name).
    pub fn expect_exit_under(&self, method: &str) -> i32 {
        self.by_method
            .get(method)
            .and_then(|m| m.expect_exit)
            .unwrap_or(self.expect_exit)
    }

    /// The output strings expected under `method`.
    pub fn expect_output_under(&self, method: &str) -> &[String] {
        self.by_method
            .get(method)
            .and_then(|m| m.expect_output.as_deref())
            .unwrap_or(&self.expect_output)
    }
}

/// An exercise: a starter file the learner completes, a hidden reference
/// solution, and the checks that decide when the learner's file is right.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Unique in the course: lowercase letters, digits and dashes.
    pub id: String,
    pub title: String,
    /// The starter, relative to the lesson set's folder.
    pub file: String,
    /// The reference solution, relative to the lesson set's folder.
    pub solution: String,
    /// Arguments for every check run.
    #[serde(default)]
    pub args: Vec<String>,
    /// Names under `assets/` copied next to the script before it runs.
    #[serde(default)]
    pub data: Vec<String>,
    /// Seconds per run (default [`Exercise::DEFAULT_TIMEOUT`]).
    #[serde(default)]
    pub timeout: Option<u64>,
    /// A question the learner answers before the first check run.
    #[serde(default)]
    pub predict: Option<String>,
    /// Shown one at a time, on request.
    #[serde(default)]
    pub hints: Vec<String>,
    /// How to make inputs the learner has not seen, for the `hidden` check.
    #[serde(default)]
    pub hidden: Option<Hidden>,
    /// Run in order; the exercise passes when none fails.
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// `[exercises.hidden]`: inputs made afresh for each `hidden` check from a
/// seed, in place of the exercise's `args` and of one `data` folder.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Hidden {
    /// The arguments, in order: each entry gives one (or, with `count`, several).
    #[serde(default)]
    pub args: Vec<HiddenArg>,
    /// A folder of text files made from the words of the shipped one.
    #[serde(default)]
    pub corpus: Option<HiddenCorpus>,
}

/// One hidden argument: exactly one of `int`, `float`, `one_of`, `value`.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct HiddenArg {
    /// A whole number in `[low, high]`.
    #[serde(default, deserialize_with = "some_pair")]
    pub int: Option<[i64; 2]>,
    /// A number in `[low, high]`, written with two decimals.
    #[serde(default, deserialize_with = "some_pair")]
    pub float: Option<[f64; 2]>,
    /// One of these words.
    #[serde(default)]
    pub one_of: Option<Vec<String>>,
    /// Always this argument.
    #[serde(default)]
    pub value: Option<String>,
    /// `[low, high]`: that many arguments of this kind (default one).
    #[serde(default, deserialize_with = "some_pair")]
    pub count: Option<[u32; 2]>,
}

/// `[low, high]`, exactly two values (serde alone would take the first
/// two of a longer list and say nothing).
fn pair<'de, D, T>(deserializer: D) -> Result<[T; 2], D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Copy,
{
    let values = Vec::<T>::deserialize(deserializer)?;
    match values[..] {
        [low, high] => Ok([low, high]),
        _ => Err(serde::de::Error::invalid_length(
            values.len(),
            &"two values, [low, high]",
        )),
    }
}

fn some_pair<'de, D, T>(deserializer: D) -> Result<Option<[T; 2]>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Copy,
{
    pair(deserializer).map(Some)
}

/// A generated text folder put where the script reads a `data` folder.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HiddenCorpus {
    /// The `data` folder it replaces; its files give the words.
    pub folder: String,
    /// `[low, high]`: how many `.txt` files.
    #[serde(deserialize_with = "pair")]
    pub files: [u32; 2],
    /// `[low, high]`: words per file.
    #[serde(deserialize_with = "pair")]
    pub words: [u32; 2],
}

impl Exercise {
    /// Seconds per run when the exercise names no `timeout`.
    pub const DEFAULT_TIMEOUT: u64 = 30;

    /// The time limit of one run.
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT))
    }

    /// The starter's file name: the name it has in the learner's workspace.
    pub fn file_name(&self) -> &str {
        self.file.rsplit('/').next().unwrap_or(&self.file)
    }
}

/// One check of an exercise, told apart by its `kind`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// The exit status equals `code`.
    Exit {
        #[serde(default)]
        code: i32,
    },
    /// Standard output contains every `contains` substring, and every
    /// `regex` matches some line.
    Output {
        #[serde(default)]
        contains: Vec<String>,
        #[serde(default)]
        regex: Vec<String>,
    },
    /// The `result:` lines of standard output equal the solution's.
    SameResult {},
    /// On inputs made from `[exercises.hidden]` with a fresh seed, the
    /// `result:` lines equal the solution's on the same inputs.
    Hidden {},
    /// The code itself, read with Python's `ast`: every name of
    /// `must_call` is called (`a|b`: either), no construct of `forbid` is
    /// used; `why` says why in the exercise's words.
    Code {
        #[serde(default)]
        must_call: Vec<String>,
        #[serde(default)]
        forbid: Vec<String>,
        #[serde(default)]
        why: Option<String>,
    },
    /// The exit, output and same-result checks pass under each method.
    StartMethods { methods: Vec<String> },
    /// At least this many worker processes were seen in the family.
    Workers { at_least: usize },
    /// The family ran on at least this many distinct cores (capped to the
    /// cores this machine offers).
    Cores { at_least: usize },
    /// Nothing of the family outlived the script.
    NoLeftovers {},
    /// Best-of-3 wall time beats the `serial` script's by this factor
    /// (scaled down to the cores this machine offers).
    Speedup { serial: String, at_least: f64 },
    /// The workers together used at least `share` of the family's CPU
    /// time (default [`Check::DEFAULT_WORK_SHARE`]): the master did not
    /// do the work itself, and the workers did not only wait.
    Work {
        #[serde(default)]
        share: Option<f64>,
    },
}

impl Check {
    /// The `kind` as written in the front matter.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Exit { .. } => "exit",
            Check::Output { .. } => "output",
            Check::SameResult {} => "same-result",
            Check::Hidden {} => "hidden",
            Check::Code { .. } => "code",
            Check::StartMethods { .. } => "start-methods",
            Check::Workers { .. } => "workers",
            Check::Cores { .. } => "cores",
            Check::NoLeftovers {} => "no-leftovers",
            Check::Speedup { .. } => "speedup",
            Check::Work { .. } => "work",
        }
    }

    /// The workers' share of the CPU time a `work` check asks for when it
    /// names none: well over half.
    pub const DEFAULT_WORK_SHARE: f64 = 0.7;

    /// The constructs a `code` check may `forbid`, each with the kinds of
    /// Python's `ast` reader it stands for (`loop`: every kind of loop).
    pub const CONSTRUCTS: &[(&str, &[&str])] = &[
        ("def", &["def"]),
        ("lambda", &["lambda"]),
        ("class", &["class"]),
        ("for", &["for"]),
        ("while", &["while"]),
        ("comprehension", &["comprehension"]),
        ("loop", &["for", "while", "comprehension"]),
    ];

    /// What is wrong with a `code` check's fields, for `forklab check`.
    pub fn code_problems(must_call: &[String], forbid: &[String]) -> Vec<String> {
        let mut problems = Vec::new();
        if must_call.is_empty() && forbid.is_empty() {
            problems.push("give `must_call` or `forbid`".into());
        }
        let is_name = |n: &str| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_alphanumeric() || c == '_')
        };
        for name in must_call {
            if !name.split('|').all(is_name) {
                problems.push(format!(
                    "must_call {name:?}: a Python name, or names joined by `|` (either will do)"
                ));
            }
        }
        for word in forbid {
            if !Self::CONSTRUCTS.iter().any(|(w, _)| w == word) {
                let known: Vec<&str> = Self::CONSTRUCTS.iter().map(|(w, _)| *w).collect();
                problems.push(format!(
                    "forbid {word:?} is not one of {}",
                    known.join(", ")
                ));
            }
        }
        problems
    }
}

impl Hidden {
    /// What is wrong with this `[exercises.hidden]` table of an exercise
    /// whose data folders are `data`, for `forklab check`: `(key, message)`,
    /// the key naming the line.
    pub fn problems(&self, data: &[String]) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if self.args.is_empty() && self.corpus.is_none() {
            problems.push((
                "hidden",
                "gives neither `args` nor `corpus`: nothing would differ from the shown run".into(),
            ));
        }
        for (i, arg) in self.args.iter().enumerate() {
            let at = format!("argument {}", i + 1);
            let given = [
                arg.int.is_some(),
                arg.float.is_some(),
                arg.one_of.is_some(),
                arg.value.is_some(),
            ];
            if given.iter().filter(|g| **g).count() != 1 {
                problems.push((
                    "args",
                    format!("{at}: give exactly one of `int`, `float`, `one_of`, `value`"),
                ));
            }
            if arg.int.is_some_and(|[a, b]| a > b) {
                problems.push(("args", format!("{at}: `int` is [low, high], low first")));
            }
            if arg
                .float
                .is_some_and(|[a, b]| !(a.is_finite() && b.is_finite() && a <= b))
            {
                problems.push(("args", format!("{at}: `float` is [low, high], low first")));
            }
            if arg.one_of.as_ref().is_some_and(Vec::is_empty) {
                problems.push(("args", format!("{at}: `one_of` is empty")));
            }
            if arg.count.is_some_and(|[a, b]| a > b || b > Self::MAX_COUNT) {
                problems.push((
                    "args",
                    format!(
                        "{at}: `count` is [low, high], low first, at most {}",
                        Self::MAX_COUNT
                    ),
                ));
            }
        }
        if let Some(corpus) = &self.corpus {
            if !data.contains(&corpus.folder) {
                problems.push((
                    "folder",
                    format!(
                        "corpus folder {:?} is not among the exercise's `data`: it replaces one of them",
                        corpus.folder
                    ),
                ));
            }
            let [low, high] = corpus.files;
            if low == 0 || low > high || high > Self::MAX_FILES {
                problems.push((
                    "files",
                    format!(
                        "`files` is [low, high], low first, from 1 to {}",
                        Self::MAX_FILES
                    ),
                ));
            }
            let [low, high] = corpus.words;
            if low > high || high > Self::MAX_WORDS {
                problems.push((
                    "words",
                    format!(
                        "`words` is [low, high], low first, at most {}",
                        Self::MAX_WORDS
                    ),
                ));
            }
        }
        problems
    }

    /// The most arguments one `count` may make.
    pub const MAX_COUNT: u32 = 64;
    /// The most files of a generated corpus.
    pub const MAX_FILES: u32 = 64;
    /// The most words of one generated file.
    pub const MAX_WORDS: u32 = 100_000;
}

/// One lesson: its front matter, its Markdown body and where that body starts
/// in the file (so problems found in the body can name a line).
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub meta: FrontMatter,
    /// File name within the lesson set, e.g. `2-1-multiprocessing.md`.
    pub file: String,
    /// The raw front matter, kept to point problems at the right line.
    pub front: String,
    pub body: String,
    /// 1-based line number of the body's first line in the file.
    pub body_line: usize,
}

impl Lesson {
    /// True for a part's overview page, whose title names the part.
    pub fn is_overview(&self) -> bool {
        self.meta.order == 0
    }

    /// 1-based file line of the first front-matter line containing `needle`
    /// (line 1 when absent, the opening fence).
    pub fn front_line_of(&self, needle: &str) -> usize {
        self.front
            .lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 2)
    }
}

/// Something wrong with a lesson file, located precisely enough to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}
