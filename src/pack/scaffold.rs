//! `forklab pack new DIR`: a small pack that already passes `forklab
//! check`, for a teacher to rename and fill in.

use std::path::Path;

/// The files of a new pack: (path inside the pack, contents).
pub fn files(name: &str) -> Vec<(&'static str, String)> {
    let version = env!("CARGO_PKG_VERSION");
    let minor = version.rsplit_once('.').map_or(version, |(head, _)| head);
    vec![
        (
            "pack.toml",
            format!(
                r#"# A forklab lesson pack. Reference: docs/AUTHORING.md in forklab's sources.
name = "{name}"            # installed as packs/{name}: lowercase, digits, dashes
version = "0.1.0"
title = "My first forklab pack"
authors = ["Your Name <you@example.org>"]
licence = "CC-BY-4.0"            # how others may reuse your lessons
forklab = "{minor}"                # the oldest forklab that can read this pack
description = "One lesson with an example, an exercise and a question."
"#
            ),
        ),
        ("README.md", README.to_string()),
        ("1-0-first-pool.md", LESSON.to_string()),
        ("examples/square_pool.py", EXAMPLE.to_string()),
        ("exercises/square_pool.py", STARTER.to_string()),
        ("exercises/solutions/square_pool.py", SOLUTION.to_string()),
    ]
}

/// Writes a new pack into `dir` (created; it must be empty if it exists).
pub fn create(dir: &Path) -> Result<String, String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "{} already exists and is not empty: choose a new folder",
                    dir.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot use {}: {e}", dir.display())),
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .map(|n| {
            n.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .trim_matches('-')
                .to_string()
        })
        .filter(|n| super::manifest::is_valid_name(n))
        .unwrap_or_else(|| "my-pack".into());
    for (path, contents) in files(&name) {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(name)
}

const README: &str = r#"# A forklab lesson pack

Lessons for [forklab](https://github.com/), the terminal course that runs
real Python workers on the learner's own cores.

## Try it while you write

    forklab check .              # every problem, with its file and line
    forklab --lessons . lessons  # the lessons as forklab sees them
    forklab --lessons .          # read them in the app

## Share it

    tar czf my-pack.tar.gz -C .. "$(basename "$PWD")"
    forklab pack add my-pack.tar.gz    # what a learner runs
    forklab pack list

## What goes where

- `pack.toml`: the pack's name, version, authors, licence and the oldest
  forklab it needs.
- `*.md`: one lesson per file: TOML front matter between `+++` lines, then
  Markdown. Lessons are ordered by `part`, then `order`; a part's
  `order = 0` lesson is its overview.
- `examples/`: Python scripts the lessons run (`[[examples]]`).
- `exercises/`: starters the learner completes, and `exercises/solutions/`
  (`[[exercises]]`; `forklab check` runs both).
- `assets/`: data files an example copies next to itself (`data = [...]`).

Every file a lesson names must lie inside this folder: no `..`, no
absolute paths, no links leading out. Escape sequences and other control
characters in lesson text are shown, never obeyed; `check` warns about
them. The full reference for the front matter is docs/AUTHORING.md in
forklab's sources, and a JSON schema for editors is
schema/lesson.schema.json (`forklab check` follows the same rules).
"#;

const LESSON: &str = r#"+++
id = "first-pool"
title = "Part 1: A first pool"
part = 1
order = 0
summary = "Square numbers on every core with multiprocessing.Pool."

[[examples]]
id = "square-pool"
file = "examples/square_pool.py"
title = "Square 1..1000 on a pool of workers"
args = ["1000"]
expect_output = ["sum of squares = 333833500"]
timeout = 60

[[questions]]
prompt = "pool.map(square, [3, 1, 2]) returns..."
choices = ["[9, 1, 4]: the order of the input", "The results in the order the workers finish"]
answer = 1
explain = "pool.map keeps the order of its input, whichever worker finishes first."

# An exercise: the learner completes the starter until its checks pass;
# `forklab check` runs the solution (it must pass) and the starter (it
# must fail).
[[exercises]]
id = "square-pool-yourself"
title = "Write the pool yourself"
file = "exercises/square_pool.py"
solution = "exercises/solutions/square_pool.py"
args = ["1000"]
timeout = 30
hints = ["Pool.map takes a function and a list, and returns the results in order.", "Put the pool inside `if __name__ == \"__main__\":`."]

[[exercises.checks]]
kind = "exit"
code = 0

[[exercises.checks]]
kind = "output"
regex = ['^result: 333833500$']
+++

# A first pool

Run the example of this lesson (press `?` for the keys) and watch the
process pane: one worker per core, each busy for a moment.

```python
from multiprocessing import Pool

def square(n):
    return n * n

if __name__ == "__main__":
    with Pool() as pool:
        print(sum(pool.map(square, range(1, 1001))))
```

The `if __name__ == "__main__":` guard matters: with the *spawn* start
method each worker imports this file again, and without the guard every
worker would start a pool of its own.
"#;

const EXAMPLE: &str = r#""""Square 1..N on a pool of workers and print the sum."""
import os
import sys
from multiprocessing import get_context


def square(n):
    return n * n


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    ctx = get_context(os.environ.get("FORKLAB_START_METHOD") or None)
    with ctx.Pool() as pool:
        total = sum(pool.map(square, range(1, n + 1)))
    print(f"sum of squares = {total}")
"#;

const STARTER: &str = r#""""Exercise: square 1..N on a pool of workers and print the sum.

Usage: python square_pool.py [N]   (default 1000)

Replace the TODO with a multiprocessing.Pool that maps square over
1..N, then print the sum as `result: SUM`.
"""
import os
import sys
from multiprocessing import get_context


def square(n):
    return n * n


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    ctx = get_context(os.environ.get("FORKLAB_START_METHOD") or None)
    raise NotImplementedError("TODO: map square over 1..n with ctx.Pool()")
"#;

const SOLUTION: &str = r#""""Solution: square 1..N on a pool of workers and print the sum."""
import os
import sys
from multiprocessing import get_context


def square(n):
    return n * n


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    ctx = get_context(os.environ.get("FORKLAB_START_METHOD") or None)
    with ctx.Pool() as pool:
        total = sum(pool.map(square, range(1, n + 1)))
    print(f"result: {total}")
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_pack_passes_check_and_refuses_to_overwrite() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("My Pack");
        assert_eq!(create(&dir).unwrap(), "my-pack");
        let manifest = super::super::Manifest::read(&dir).unwrap();
        assert_eq!(manifest.name, "my-pack");
        manifest.supported().unwrap();
        let set = crate::lesson::LessonSet::from_dir(&dir).unwrap();
        assert_eq!(set.len(), 1);
        let problems = crate::lesson::check::check(&set);
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(crate::lesson::check::warnings(&set).is_empty());
        assert!(create(&dir).unwrap_err().contains("not empty"));
    }
}
