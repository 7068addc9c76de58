//! The shape the team's guide asks for: no file under `src/` over
//! [`MAX_FILE_LINES`] lines, no function over [`MAX_FN_LINES`]. A function
//! is counted from its `fn name(` line to the `}` at the same indent
//! (rustfmt's layout), its signature and doc-less body included; nested
//! functions count on their own too. The offenders there were when this
//! test came (issue 24) are split: [`KNOWN`] is empty and stays so (a
//! listed one no longer over the limit would fail the test too).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex_lite::Regex;

/// About where a file has more than one concern.
const MAX_FILE_LINES: usize = 700;
/// About where a function does more than one thing.
const MAX_FN_LINES: usize = 100;

/// Known offenders, to split: (path under `src/`, function, who and why).
/// A function of `""` stands for the file's own length.
const KNOWN: &[(&str, &str, &str)] = &[];

#[test]
fn no_file_or_function_over_the_limits() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = offenders(&src);
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(path, name, _)| (path.to_string(), name.to_string()))
        .collect();
    let found_keys: BTreeSet<(String, String)> = found
        .iter()
        .map(|(path, name, _)| (path.clone(), name.clone()))
        .collect();
    let new: Vec<String> = found
        .iter()
        .filter(|(path, name, _)| !known.contains(&(path.clone(), name.clone())))
        .map(|(path, name, lines)| describe(path, name, *lines))
        .collect();
    let split: Vec<String> = known
        .difference(&found_keys)
        .map(|(path, name)| format!("src/{path} {name}"))
        .collect();
    assert!(
        new.is_empty(),
        "over the limits ({MAX_FILE_LINES} lines a file, {MAX_FN_LINES} a function): split them: {new:#?}"
    );
    assert!(
        split.is_empty(),
        "no longer over the limits: take them off KNOWN in tests/shape.rs: {split:#?}"
    );
}

#[test]
fn the_scanner_measures_functions_as_rustfmt_lays_them_out() {
    let text = "\
pub fn short() -> u8 {
    1
}

impl Thing {
    pub(crate) fn method<T>(&self)
    where
        T: Copy,
    {
        fn inner(x: [u8; 2]) {}
        let s = \"}\";
    }

    fn one_line(&self) -> u8 { 2 }
}

trait Kind {
    fn declared(&self) -> u8;
    fn defaulted(&self) {
        todo()
    }
}
";
    assert_eq!(
        functions(text),
        vec![
            ("short".to_string(), 3),
            ("method".to_string(), 7),
            ("inner".to_string(), 1),
            ("one_line".to_string(), 1),
            ("defaulted".to_string(), 3),
        ]
    );
}

fn describe(path: &str, name: &str, lines: usize) -> String {
    if name.is_empty() {
        format!("src/{path}: {lines} lines")
    } else {
        format!("src/{path} {name}: {lines} lines")
    }
}

/// Every file over the limit (function `""`) and every function over
/// it, with its length: (path under `src`, function, lines).
fn offenders(src: &Path) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for path in rust_files(src) {
        let text = std::fs::read_to_string(&path).expect("src is readable");
        let rel = path
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            out.push((rel.clone(), String::new(), lines));
        }
        for (name, lines) in functions(&text) {
            if lines > MAX_FN_LINES {
                out.push((rel.clone(), name, lines));
            }
        }
    }
    out.sort();
    out
}

fn rust_files(src: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("src is readable").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// Each function with a body, in order: its name and its lines, from the
/// `fn` line to the `}` at the same indent. A declaration (`fn f();`) has
/// no body and is left out.
fn functions(text: &str) -> Vec<(String, usize)> {
    let start = Regex::new(
        r#"^(\s*)(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)\s*[<(]"#,
    )
    .expect("valid");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(m) = start.captures(line) else {
            continue;
        };
        let indent = &m[1];
        // Where the body opens, unless the signature ends in `;` first.
        let Some(open) = (i..lines.len())
            .find(|&j| lines[j].contains('{') || lines[j].trim_end().ends_with(';'))
            .filter(|&j| lines[j].contains('{'))
        else {
            continue;
        };
        let line_open = lines[open].trim_end();
        if open == i && line_open.ends_with('}') {
            out.push((m[2].to_string(), 1));
            continue;
        }
        let close = format!("{indent}}}");
        if let Some(end) = (open + 1..lines.len()).find(|&k| lines[k].trim_end() == close) {
            out.push((m[2].to_string(), end - i + 1));
        }
    }
    out
}
