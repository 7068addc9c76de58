//! `forklab lessons` and `forklab lessons show ID`.

use std::process::ExitCode;

use crate::commands::status::Error;

use crate::lesson::LessonSet;
use crate::lesson::render::{RenderOptions, render};
use crate::progress::Store;
use crate::sanitize;

/// One line per lesson: id, part, title and whether it was read.
pub fn list(set: &LessonSet) -> Result<ExitCode, Error> {
    let progress = Store::for_set(set)
        .map(|s| s.load().progress().clone())
        .unwrap_or_default();
    let id_width = set
        .lessons
        .iter()
        .map(|l| l.meta.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    println!("{:<id_width$}  part  read  title", "id");
    for lesson in &set.lessons {
        let read = if progress.is_read(&lesson.meta.id) {
            "yes"
        } else {
            "-"
        };
        println!(
            "{:<id_width$}  {:>4}  {:<4}  {}",
            lesson.meta.id,
            lesson.meta.part,
            read,
            sanitize::line(&lesson.meta.title)
        );
    }
    for problem in &set.problems {
        eprintln!("skipped {}", sanitize::line(&problem.to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

/// The lesson as plain wrapped text, as the reader would show it.
pub fn show(set: &LessonSet, id: &str, width: u16, answers: bool) -> Result<ExitCode, Error> {
    let Some(index) = set.index_of(id) else {
        let ids: Vec<&str> = set.lessons.iter().map(|l| l.meta.id.as_str()).collect();
        return Err(Error::Failed(format!(
            "no lesson {id:?}; lessons are: {}",
            ids.join(", ")
        )));
    };
    let lesson = &set.lessons[index];
    let doc = render(
        &lesson.body,
        RenderOptions {
            width: width as usize,
            reveal_answers: answers,
            highlight: None,
        },
    );
    // Lesson text is untrusted: escape sequences are shown, never obeyed.
    print!("{}", sanitize::text(&doc.plain()));
    Ok(ExitCode::SUCCESS)
}
