//! The `hidden` check: the learner's file is run again on inputs made from
//! a fresh seed (arguments, and a corpus of other texts) that it has never
//! been shown, and its `result:` lines are compared with the reference
//! solution's on the same inputs. A file that prints an answer written
//! into it is right for the shown input only; the seed in the verdict
//! replays the same inputs (`forklab practice check ID --seed N`).
//!
//! The inputs come from `[exercises.hidden]` (data: typed ranges for the
//! arguments, a corpus drawn from the words of the shipped one). A
//! generated corpus reaches the script the way a shipped one does: it is
//! put in a temporary folder that stands in for the course's data, so the
//! run goes through the same [`observe`] as every other.

use std::path::Path;

use super::observe::{Context, Fault, Observed, Script, observe};
use super::verdict::{Event, Outcome, compare_results};
use crate::lesson::model::{Hidden, HiddenArg, HiddenCorpus};
use crate::lesson::{Exercise, LessonSet, Origin};

/// The check list's line.
pub const LABEL: &str = "right on inputs you have not seen";

/// What a hard-coded answer is told: the one phrase every failure of the
/// comparison starts with.
pub const WRONG_FOR_ANOTHER: &str = "right for the shown input, wrong for another";

/// Seeds are below this: short enough to type.
pub const SEED_RANGE: u64 = 1_000_000;

/// The most text read from a data folder for its words.
const MAX_WORD_BYTES: usize = 4 << 20;

/// The most words kept from it.
const MAX_WORDS: usize = 200_000;

/// Words per line in a generated file.
const WORDS_PER_LINE: usize = 12;

/// A fresh seed: from the system's random source, or the clock.
pub fn fresh_seed() -> u64 {
    let raw = getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    raw % SEED_RANGE
}

/// SplitMix64, written out so that a seed means the same inputs in every
/// build of forklab (a crate's generator may change between versions,
/// and a replayed seed must not).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `[low, high]` (either order).
    fn int(&mut self, [a, b]: [i64; 2]) -> i64 {
        let (low, high) = (a.min(b), a.max(b));
        let span = (high as i128 - low as i128 + 1) as u128;
        (low as i128 + (self.next() as u128 % span) as i128) as i64
    }

    fn count(&mut self, [a, b]: [u32; 2]) -> usize {
        self.int([a.into(), b.into()]) as usize
    }

    /// A number in `[low, high]`, at hundredths.
    fn float(&mut self, [a, b]: [f64; 2]) -> f64 {
        let low = (a.min(b) * 100.0).ceil() as i64;
        let high = (a.max(b) * 100.0).floor() as i64;
        self.int([low, high.max(low)]) as f64 / 100.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let n = items.len() as u64;
        (n > 0).then(|| &items[(self.next() % n) as usize])
    }
}

/// The inputs of one hidden run.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub seed: u64,
    pub args: Vec<String>,
    /// The data folder replaced, and its files (name, text).
    pub corpus: Option<(String, Vec<(String, String)>)>,
}

impl Inputs {
    /// "arguments `3 81234`, a corpus of 5 other texts".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.args.is_empty() {
            let args = self.args.join(" ");
            parts.push(format!("arguments `{}`", crate::sanitize::field(&args, 80)));
        }
        if let Some((folder, files)) = &self.corpus {
            let words: usize = files
                .iter()
                .map(|(_, t)| t.split_whitespace().count())
                .sum();
            parts.push(format!(
                "{}/ of {} other texts, {words} words",
                crate::sanitize::field(folder, 40),
                files.len()
            ));
        }
        parts.join(", ")
    }
}

/// The arguments `hidden` makes from `seed`.
pub fn arguments(hidden: &Hidden, rng_seed: u64) -> Vec<String> {
    let mut rng = Rng(rng_seed);
    let mut args = Vec::new();
    for arg in &hidden.args {
        let n = arg.count.map_or(1, |c| rng.count(c));
        for _ in 0..n {
            if let Some(value) = one(arg, &mut rng) {
                args.push(value);
            }
        }
    }
    args
}

fn one(arg: &HiddenArg, rng: &mut Rng) -> Option<String> {
    if let Some(range) = arg.int {
        return Some(rng.int(range).to_string());
    }
    if let Some(range) = arg.float {
        return Some(format!("{:.2}", rng.float(range)));
    }
    if let Some(words) = &arg.one_of {
        return rng.pick(words).cloned();
    }
    arg.value.clone()
}

/// The files of a generated corpus: `words` drawn from `pool`, in lines
/// of [`WORDS_PER_LINE`], under names made of the pool's plain words.
pub fn corpus_files(spec: &HiddenCorpus, pool: &[String], seed: u64) -> Vec<(String, String)> {
    // Another stream than the arguments', so adding an argument to the
    // front matter leaves the texts as they were.
    let mut rng = Rng(seed ^ 0x5EED_C0DE_5EED_C0DE);
    let names: Vec<&str> = {
        let mut names: Vec<&str> = pool
            .iter()
            .map(String::as_str)
            .filter(|w| (3..=12).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let files = rng.count(spec.files).max(1);
    let mut out: Vec<(String, String)> = Vec::with_capacity(files);
    for i in 0..files {
        let mut name = rng
            .pick(&names)
            .map_or(String::new(), |w| format!("{w}.txt"));
        if name.is_empty() || out.iter().any(|(n, _)| *n == name) {
            name = format!("text{}.txt", i + 1);
        }
        let words = rng.count(spec.words);
        let mut text = String::new();
        for w in 0..words {
            let Some(word) = rng.pick(pool) else { break };
            text.push_str(word);
            text.push(if (w + 1) % WORDS_PER_LINE == 0 {
                '\n'
            } else {
                ' '
            });
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        out.push((name, text));
    }
    out
}

/// The words (whitespace-separated, punctuation kept) of a data folder's
/// text files, in file-name order, bounded.
pub fn words_of_folder(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut words = Vec::new();
    let mut budget = MAX_WORD_BYTES;
    for path in paths {
        if budget == 0 || words.len() >= MAX_WORDS {
            break;
        }
        let bytes = std::fs::read(&path)?;
        let bytes = &bytes[..bytes.len().min(budget)];
        budget -= bytes.len();
        let text = String::from_utf8_lossy(bytes);
        words.extend(
            text.split_whitespace()
                .take(MAX_WORDS - words.len())
                .map(str::to_string),
        );
    }
    Ok(words)
}

/// Makes the inputs of `seed` and a folder that stands in for the course's
/// data: the generated corpus under `assets/`, the exercise's other data
/// copied beside it. The folder lives as long as the returned guard.
fn prepare(
    set: &LessonSet,
    exercise: &Exercise,
    hidden: &Hidden,
    seed: u64,
) -> Result<(Inputs, tempfile::TempDir), String> {
    let dir = tempfile::Builder::new()
        .prefix("forklab-hidden-")
        .tempdir()
        .map_err(|e| format!("a temporary folder: {e}"))?;
    let assets = dir.path().join("assets");
    // Inputs equal to the shown ones would let a hard-coded answer pass:
    // the next seeds of the same stream are tried (a replay finds the same).
    let args = (0..16)
        .map(|i| arguments(hidden, seed.wrapping_add(i * SEED_RANGE)))
        .find(|args| *args != exercise.args || hidden.corpus.is_some())
        .unwrap_or_else(|| arguments(hidden, seed));
    let mut inputs = Inputs {
        seed,
        args,
        corpus: None,
    };
    for name in &exercise.data {
        if let Some(spec) = hidden.corpus.as_ref().filter(|c| c.folder == *name) {
            // The shipped folder, copied aside, gives the words.
            let source = dir.path().join("shipped");
            set.copy_asset(name, &source)
                .map_err(|e| format!("data {name:?}: {e}"))?;
            let pool =
                words_of_folder(&source.join(name)).map_err(|e| format!("data {name:?}: {e}"))?;
            if pool.is_empty() {
                return Err(format!("data {name:?} has no words to make texts from"));
            }
            let files = corpus_files(spec, &pool, seed);
            let folder = assets.join(name);
            std::fs::create_dir_all(&folder).map_err(|e| format!("{name:?}: {e}"))?;
            for (file, text) in &files {
                std::fs::write(folder.join(file), text).map_err(|e| format!("{file:?}: {e}"))?;
            }
            inputs.corpus = Some((name.clone(), files));
        } else {
            set.copy_asset(name, &assets)
                .map_err(|e| format!("data {name:?}: {e}"))?;
        }
    }
    Ok((inputs, dir))
}

/// Judges `source` on hidden inputs against the reference solution.
/// `on_event` sees both runs, as for the other checks.
pub fn verdict(
    ctx: Context,
    exercise: &Exercise,
    source: &[u8],
    shown_as: Option<&str>,
    on_event: &dyn Fn(Event),
) -> (Outcome, String) {
    let Some(hidden) = &exercise.hidden else {
        return (
            Outcome::Failed,
            "the course gives this check no [exercises.hidden] inputs: the course has a bug".into(),
        );
    };
    let Some(solution) = ctx.set.read_file(&exercise.solution) else {
        return (
            Outcome::Failed,
            format!(
                "the reference solution {:?} is missing from the course",
                exercise.solution
            ),
        );
    };
    let seed = ctx.seed.unwrap_or_else(fresh_seed);
    let (inputs, dir) = match prepare(ctx.set, exercise, hidden, seed) {
        Ok(prepared) => prepared,
        Err(message) => {
            return (
                Outcome::Failed,
                format!("cannot make the hidden inputs (seed {seed}): {message}"),
            );
        }
    };
    let stand_in = LessonSet::from_files(Vec::new(), Origin::Dir(dir.path().to_path_buf()));
    let hidden_ctx = Context {
        set: &stand_in,
        ..ctx
    };
    let run = |label: &str, name: String, contents: &[u8], shown: Option<&str>| {
        on_event(Event::Run {
            label: label.to_string(),
        });
        let script = Script {
            name,
            contents: contents.to_vec(),
            args: inputs.args.clone(),
            data: exercise.data.clone(),
            start_method: None,
            timeout: exercise.timeout(),
            shown_as: shown.map(str::to_string),
        };
        observe(hidden_ctx, &script, &|event| {
            on_event(Event::Py(event.clone()))
        })
    };
    let what = format!("seed {seed}: {}", inputs.describe());
    let replay = format!(
        "`forklab practice check {} --seed {seed}` replays it",
        exercise.id
    );
    let mine = run(
        "your file on hidden inputs",
        exercise.file_name().to_string(),
        source,
        shown_as,
    );
    if let Some((outcome, problem)) = ended_badly(&mine) {
        return (
            outcome,
            format!("on other inputs ({what}) {problem}; {replay}"),
        );
    }
    let reference = run(
        "the reference solution on hidden inputs",
        format!("reference_{}", exercise.file_name()),
        &solution,
        None,
    );
    if let Some((outcome, problem)) = reference_ended_badly(&reference) {
        return (
            outcome,
            format!("the reference solution, on other inputs ({what}), {problem}"),
        );
    }
    drop(dir);
    match compare_results(&mine.results(), &reference.results()) {
        (Outcome::Passed, _) => (
            Outcome::Passed,
            format!("the same results as the reference on other inputs ({what})"),
        ),
        (outcome, reason) => (
            outcome,
            format!("{WRONG_FOR_ANOTHER} ({what}): {reason}; {replay}"),
        ),
    }
}

/// [`ended_badly`] for the reference solution: a course bug, unless the
/// learner's save stopped it or other programs kept it from its end.
fn reference_ended_badly(reference: &Observed) -> Option<(Outcome, String)> {
    let (outcome, problem) = ended_badly(reference)?;
    if outcome == Outcome::CannotJudge || reference.fault == Some(Fault::Cancelled) {
        Some((outcome, problem))
    } else {
        Some((outcome, format!("{problem}: the course has a bug")))
    }
}

/// Why a run cannot be compared, in words, if it cannot.
fn ended_badly(observed: &Observed) -> Option<(Outcome, String)> {
    if let Some(fault) = &observed.fault {
        return Some(super::stopped::fault_verdict(observed, fault));
    }
    if observed.ended_well() {
        return None;
    }
    let status = observed
        .status
        .map_or("it never started".to_string(), |s| s.phrase());
    let problem = match observed.last_error() {
        Some(error) => format!("{status}: {}", crate::sanitize::field(error, 160)),
        None => status,
    };
    Some((Outcome::Failed, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Hidden {
        toml::from_str(
            "args = [{ int = [2, 4] }, { float = [0.05, 0.15] }, { one_of = [\"a\", \"b\"], count = [1, 3] }, { value = \"x\" }]\ncorpus = { folder = \"corpus\", files = [2, 5], words = [10, 40] }\n",
        )
        .unwrap()
    }

    #[test]
    fn a_seed_makes_the_same_inputs_and_another_seed_others() {
        let hidden = spec();
        let one = arguments(&hidden, 42);
        assert_eq!(one, arguments(&hidden, 42));
        let all: std::collections::BTreeSet<Vec<String>> =
            (0..20).map(|s| arguments(&hidden, s)).collect();
        assert!(all.len() > 10, "{all:?}");
        for args in &all {
            let n: i64 = args[0].parse().unwrap();
            assert!((2..=4).contains(&n), "{args:?}");
            let f: f64 = args[1].parse().unwrap();
            assert!((0.05..=0.15).contains(&f) && args[1].len() == 4, "{args:?}");
            assert!((4..=6).contains(&args.len()), "{args:?}");
            assert_eq!(args.last().unwrap(), "x");
        }
    }

    #[test]
    fn a_range_is_exactly_two_values() {
        for bad in [
            "args = [{ int = [1, 2, 3] }]",
            "args = [{ float = [0.5] }]",
            "args = [{ one_of = [\"a\"], count = [] }]",
            "corpus = { folder = \"c\", files = [1, 2, 3], words = [1, 2] }",
        ] {
            let err = toml::from_str::<Hidden>(bad).unwrap_err().to_string();
            assert!(err.contains("two values, [low, high]"), "{bad}: {err}");
        }
        assert!(toml::from_str::<Hidden>("args = [{ int = [1, 2], count = [0, 3] }]").is_ok());
    }

    #[test]
    fn a_corpus_is_drawn_from_the_pool_within_its_ranges() {
        let pool: Vec<String> = "the ants, they carry; crumbs home.\nquietly"
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let corpus = spec().corpus.unwrap();
        for seed in 0..20 {
            let files = corpus_files(&corpus, &pool, seed);
            assert_eq!(files, corpus_files(&corpus, &pool, seed));
            assert!((2..=5).contains(&files.len()), "{files:?}");
            let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
            names.dedup();
            assert_eq!(names.len(), files.len());
            for (name, text) in &files {
                assert!(name.ends_with(".txt"));
                let words: Vec<&str> = text.split_whitespace().collect();
                assert!((10..=40).contains(&words.len()), "{text}");
                assert!(words.iter().all(|w| pool.iter().any(|p| p == w)));
            }
        }
    }
}
