//! Import circles between forklab's modules, two levels deep (`src/a` and
//! `src/a/b`), read from `use` trees and `crate::`/`super::` paths (test
//! modules left out, in their parent file or a file of their own): the
//! same analysis as
//! the team's `modcycles.py`. Any circle fails the test (the known
//! list below is empty and stays so).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex_lite::Regex;

/// Known circles: none since issue 24 broke the last (practice's checks
/// and judge now share `practice::verdict`). Any circle found fails.
const KNOWN: &[&[&str]] = &[];

type Segs = Vec<String>;

#[test]
fn no_new_import_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let circles = circles(&src);
    let mut new = Vec::new();
    for circle in &circles {
        println!("circle: {}", circle.join(" <-> "));
        let known = KNOWN
            .iter()
            .any(|k| circle.iter().all(|m| k.contains(&m.as_str())));
        if !known {
            new.push(circle.join(" <-> "));
        }
    }
    assert!(
        new.is_empty(),
        "new import circles (break them; see tests/circles.rs): {new:#?}"
    );
}

#[test]
fn a_circle_is_found() {
    // The analysis itself: two modules importing each other.
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("a.rs", "use crate::b::Thing;\n");
    write("b.rs", "pub fn f() { super::a::g() }\n");
    write("c.rs", "use crate::{a, b::{self, Other}};\n");
    assert_eq!(circles(dir.path()), vec![vec!["a", "b"]]);
}

/// Every `.rs` file under `src` with its module path (`mod` dropped).
fn files(src: &Path) -> Vec<(std::path::PathBuf, Segs)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("src is readable").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .expect("under src")
                .to_string_lossy()
                .into_owned();
            let Some(stem) = rel.strip_suffix(".rs") else {
                continue;
            };
            if rel == "main.rs" || rel == "lib.rs" {
                continue;
            }
            let mut segs: Segs = stem.split('/').map(str::to_string).collect();
            if segs.last().is_some_and(|s| s == "mod") {
                segs.pop();
            }
            if is_test_module(&path) {
                continue;
            }
            out.push((path, segs));
        }
    }
    out
}

/// Whether `path` is a test module in a file of its own: its parent
/// declares it as `#[cfg(test)] mod NAME;` (`keymap/tests.rs`).
fn is_test_module(path: &Path) -> bool {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_stem()) else {
        return false;
    };
    let (dir, name) = if stem == "mod" {
        match (dir.parent(), dir.file_name()) {
            (Some(up), Some(name)) => (up.to_path_buf(), name.to_string_lossy().into_owned()),
            _ => return false,
        }
    } else {
        (dir.to_path_buf(), stem.to_string_lossy().into_owned())
    };
    let parents = [
        dir.join("mod.rs"),
        dir.with_extension("rs"),
        dir.join("lib.rs"),
        dir.join("main.rs"),
    ];
    let declared = Regex::new(&format!(
        r"#\[cfg\(test\)\]\s*(pub(\([a-z]+\))?\s+)?mod\s+{name}\s*;"
    ))
    .expect("a valid pattern");
    parents
        .iter()
        .any(|parent| std::fs::read_to_string(parent).is_ok_and(|text| declared.is_match(&text)))
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    // As Python's slicing: no closing brace drops the last character.
    let close = tree
        .rfind('}')
        .unwrap_or(tree.len().saturating_sub(1))
        .max(open + 1);
    let (head, body) = (&tree[..open], &tree[open + 1..close]);
    let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for ch in body.chars() {
        if ch == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
            continue;
        }
        depth += i32::from(ch == '{') - i32::from(ch == '}');
        cur.push(ch);
    }
    parts.push(cur);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(&format!("{head}{}", p.trim())))
        .collect()
}

/// A `crate`/`super`/`self` path as a path from the crate's root.
fn resolve(path: &[&str], here: &[String]) -> Option<Segs> {
    let first = *path.first()?;
    if first == "crate" {
        return Some(path[1..].iter().map(|s| s.to_string()).collect());
    }
    let mut base = here.to_vec();
    let mut rest = path;
    while let Some(&s) = rest.first().filter(|s| **s == "super" || **s == "self") {
        if s == "super" {
            base.pop();
        }
        rest = &rest[1..];
    }
    base.extend(rest.iter().map(|s| s.to_string()));
    Some(base)
}

/// The import circles under `src`, each sorted, as module paths.
fn circles(src: &Path) -> Vec<Vec<String>> {
    let files = files(src);
    let mut mods = BTreeSet::new();
    for (_, segs) in &files {
        mods.insert(segs[..segs.len().min(2)].join("/"));
        mods.insert(segs[0].clone());
    }
    let module_of = |segs: &[String]| -> Option<String> {
        let two = segs[..segs.len().min(2)].join("/");
        if mods.contains(&two) {
            return Some(two);
        }
        segs.first().filter(|s| mods.contains(*s)).cloned()
    };
    let uses = Regex::new(r"\buse\s+([^;]+);").expect("valid");
    let paths =
        Regex::new(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)").expect("valid");
    let aliased = Regex::new(r"([a-z_][a-z0-9_]*)::([A-Za-z_][A-Za-z0-9_:]*)").expect("valid");
    let comment = Regex::new(r"//[^\n]*").expect("valid");
    let mut edges: BTreeMap<String, BTreeSet<String>> =
        mods.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for (path, here) in &files {
        let me = module_of(here);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let text = comment.replace_all(text, "");
        let mut aliases: BTreeMap<String, Segs> = BTreeMap::new();
        let mut targets: Vec<Segs> = Vec::new();
        for m in uses.captures_iter(&text) {
            let tree: String = m[1].split_whitespace().collect();
            for p in expand(&tree) {
                let mut segs: Vec<&str> = p.split("::").filter(|s| !s.is_empty()).collect();
                if !matches!(segs.first(), Some(&("crate" | "super" | "self"))) {
                    continue;
                }
                let mut name = segs.last().copied().unwrap_or("");
                if name == "self" {
                    segs.pop();
                    name = segs.last().copied().unwrap_or("");
                }
                if let Some(abs) = resolve(&segs, here).filter(|a| !a.is_empty()) {
                    aliases.insert(name.to_string(), abs.clone());
                    targets.push(abs);
                }
            }
        }
        for m in paths.captures_iter(&text) {
            let segs: Vec<&str> = m[1].split("::").collect();
            targets.extend(resolve(&segs, here).filter(|a| !a.is_empty()));
        }
        for m in aliased.captures_iter(&text) {
            let start = m.get(0).expect("a match").start();
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c == ':' || c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(abs) = aliases.get(&m[1]) {
                let mut t = abs.clone();
                t.extend(m[2].split("::").map(str::to_string));
                targets.push(t);
            }
        }
        let Some(me) = me else { continue };
        for t in targets {
            if let Some(tm) = module_of(&t)
                && tm != me
                && !tm.starts_with(&format!("{me}/"))
                && !me.starts_with(&format!("{tm}/"))
            {
                edges.get_mut(&me).expect("every module").insert(tm);
            }
        }
    }
    strongly_connected(&edges)
}

/// The groups of two or more modules that each reach every other.
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(m) = stack.pop() {
            for next in &edges[&m] {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|m| (m, reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for m in edges.keys() {
        if done.contains(m) || !reaches[m].contains(m) {
            continue;
        }
        let group: Vec<String> = reaches[m]
            .iter()
            .filter(|o| reaches[*o].contains(m))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        if group.len() > 1 {
            out.push(group);
        }
    }
    out
}
