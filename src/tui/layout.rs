//! Where each pane goes. Shared by `update` (which needs the lesson width to
//! wrap text) and the views, so both always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the screen shows a message instead of a squashed layout.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// Lines of text longer than this are hard to read, even on a wide screen.
pub const MAX_TEXT_WIDTH: u16 = 100;
/// Columns left blank each side of the lesson text.
pub const MARGIN: u16 = 2;
/// From this width on, the live panes get a column of their own.
pub const WIDE: u16 = 120;
/// Width of one core cell in the compact strip: `12 ▕████▏ 87%`.
pub const CELL: u16 = 14;

/// What the layout depends on, beyond the screen size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// Live readings exist (no pane is drawn before the first sample).
    pub live: bool,
    pub cores: usize,
    /// Rows of the process table (live and recently ended).
    pub processes: usize,
    /// Full-screen cores for a projector.
    pub projector: bool,
    /// The main column alone (presenter's zoom): no live panes beside it.
    pub zoom: bool,
    /// Zoomed with the output pane focused: the output takes the column.
    pub zoom_output: bool,
    /// The Python output pane is shown under the lesson.
    pub output: bool,
    /// The output pane holds an exercise's check list: it gets more room.
    pub practice: bool,
}

impl Shape {
    pub fn with_output(self, output: bool) -> Shape {
        Shape { output, ..self }
    }

    pub fn with_practice(self, practice: bool) -> Shape {
        Shape { practice, ..self }
    }
}

/// The screen's regions; empty rectangles for panes not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub header: Rect,
    pub lesson: Rect,
    /// The lesson's text column inside `lesson`.
    pub text: Rect,
    pub cores: Rect,
    /// Cores drawn as a compact strip (narrow screens) rather than a pane.
    pub strip: bool,
    pub processes: Rect,
    /// The Python output pane, under the lesson.
    pub output: Rect,
    pub status: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// How cores are packed when they do not get a row each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// Cells of [`CELL`] columns: number, small bar, percentage.
    Cells { per_row: usize },
    /// One character per core, after a 5-column row label.
    Glyphs { per_row: usize },
}

/// Cells while they fit in `max_rows` rows, else one character per core.
pub fn packing(cores: usize, width: u16, max_rows: u16) -> Packing {
    let cells = (width / CELL).max(1) as usize;
    if cores.div_ceil(cells) <= max_rows as usize {
        Packing::Cells { per_row: cells }
    } else {
        Packing::Glyphs {
            per_row: width.saturating_sub(5).max(1) as usize,
        }
    }
}

/// Rows needed to show `cores` cores across `width` columns, at most 4.
pub fn strip_rows(cores: usize, width: u16) -> u16 {
    let per_row = match packing(cores, width, 3) {
        Packing::Cells { per_row } | Packing::Glyphs { per_row } => per_row,
    };
    cores.div_ceil(per_row).clamp(1, 4) as u16
}

pub fn areas(screen: Rect, shape: Shape) -> Areas {
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(screen);
    let mut areas = Areas {
        header,
        status,
        ..Areas::default()
    };
    let mut lesson = body;
    let side_panes = shape.live && !shape.zoom;
    if side_panes && screen.width >= WIDE {
        let side = (screen.width * 2 / 5).clamp(48, 72);
        let [left, right] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(body);
        lesson = left;
        // Cores first, as many rows as they need (packed beyond half the height).
        let wanted = cores_pane_rows(shape.cores, right.width, right.height * 2 / 3);
        let [cores, processes] =
            Layout::vertical([Constraint::Length(wanted), Constraint::Fill(1)]).areas(right);
        areas.cores = cores;
        areas.processes = processes;
    } else if side_panes {
        let rows = strip_rows(shape.cores, body.width) + 1;
        let wanted = if shape.processes > 1 && body.height >= 20 {
            (shape.processes as u16 + 3).min(body.height / 3)
        } else {
            0
        };
        let procs = narrow_processes(body.height, rows, wanted, shape);
        let [top, p, c] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(procs),
            Constraint::Length(rows),
        ])
        .areas(body);
        lesson = top;
        areas.processes = p;
        areas.cores = c;
        areas.strip = true;
    }
    if shape.output && shape.zoom_output {
        // The output alone; the lesson keeps its column's width (and so
        // its wrapping) but no rows.
        areas.output = lesson;
        lesson.height = 0;
    } else if shape.output {
        let height = output_rows(lesson.height, lesson_keeps(body.height, shape), shape);
        let [top, bottom] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(lesson);
        lesson = top;
        areas.output = bottom;
    }
    areas.lesson = lesson;
    let inner = lesson.width.saturating_sub(2 * MARGIN).max(1);
    areas.text = Rect {
        x: lesson.x + MARGIN.min(lesson.width / 2),
        y: lesson.y + 1.min(lesson.height),
        width: inner.min(MAX_TEXT_WIDTH),
        height: lesson.height.saturating_sub(1),
    };
    // The projector view covers the lesson, which keeps its wrapping.
    if shape.live && shape.projector {
        areas.cores = body;
        areas.processes = Rect::default();
        areas.output = Rect::default();
        areas.strip = false;
    }
    areas
}

/// While an example's output shows, the lesson keeps this share of the
/// body's rows, in twentieths (40%: 9 of 22 at 80x24, where it had 7).
/// A practice run's check list is the point of its screen: it is not held.
const LESSON_KEEPS: u16 = 8;

/// The least an output pane is given: two borders and three lines.
const MIN_OUTPUT: u16 = 5;

/// The least a process pane is given: borders, the column names, two
/// processes and the "… and N more" line; with less room it is left out.
const MIN_PROCESSES: u16 = 6;

/// Rows the lesson keeps under the output pane (none but what the output
/// leaves when no example's output shows, or for practice).
fn lesson_keeps(body: u16, shape: Shape) -> u16 {
    if shape.output && !shape.practice {
        (body * LESSON_KEEPS).div_ceil(20)
    } else {
        0
    }
}

/// The output pane's rows in a lesson column of `lesson` rows: two
/// fifths (three for practice), at least 6, within what the lesson keeps
/// and never below [`MIN_OUTPUT`] (nor above the column less 4 rows).
fn output_rows(lesson: u16, keep: u16, shape: Shape) -> u16 {
    let share = if shape.practice { 3 } else { 2 };
    (lesson * share / 5)
        .max(6)
        .min(lesson.saturating_sub(keep).max(MIN_OUTPUT))
        .min(lesson.saturating_sub(4))
}

/// The process pane's rows under a narrow lesson: what it `wanted`, less
/// what the lesson and the output need, or nothing when under
/// [`MIN_PROCESSES`] is left.
fn narrow_processes(body: u16, strip: u16, wanted: u16, shape: Shape) -> u16 {
    if !shape.output || shape.zoom_output || wanted == 0 {
        return wanted;
    }
    let room = body.saturating_sub(strip + lesson_keeps(body, shape));
    let lesson = body.saturating_sub(strip + wanted);
    let output = output_rows(lesson, 0, shape).min(room.saturating_sub(wanted).max(MIN_OUTPUT));
    let procs = wanted.min(room.saturating_sub(output));
    if procs < MIN_PROCESSES { 0 } else { procs }
}

/// Height of the side cores pane: one row per core plus borders and the
/// summary rows, or packed cells when that would pass `limit`.
pub fn cores_pane_rows(cores: usize, width: u16, limit: u16) -> u16 {
    const EXTRA: u16 = 4; // two borders, total, memory/load
    let one_per_row = cores as u16 + EXTRA;
    if one_per_row <= limit.max(EXTRA + 2) {
        return one_per_row;
    }
    let room = limit.saturating_sub(EXTRA).max(1);
    let rows = match packing(cores, width.saturating_sub(2), room) {
        Packing::Cells { per_row } | Packing::Glyphs { per_row } => cores.div_ceil(per_row) as u16,
    };
    rows.min(room) + EXTRA
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_give_the_live_panes_a_column() {
        let shape = Shape {
            live: true,
            cores: 2,
            processes: 1,
            ..Shape::default()
        };
        let a = areas(Rect::new(0, 0, 160, 40), shape);
        assert!(!a.strip);
        assert_eq!(a.cores.height, 6);
        assert!(a.text.width >= 72 && a.cores.x >= a.lesson.right());
        let narrow = areas(Rect::new(0, 0, 80, 24), shape);
        assert!(narrow.strip);
        assert_eq!(narrow.cores.height, 2);
        assert_eq!(
            narrow.processes.height, 0,
            "no process pane with no children"
        );
        assert_eq!(narrow.text.width, 76);
    }

    #[test]
    fn an_example_run_leaves_the_lesson_readable_at_80x24() {
        let shape = Shape {
            live: true,
            cores: 2,
            processes: 6,
            output: true,
            ..Shape::default()
        };
        let a = areas(Rect::new(0, 0, 80, 24), shape);
        // It had 7 rows (6 lines of text) beside a 6-row output and 7-row
        // process pane.
        assert_eq!(
            (a.lesson.height, a.output.height, a.processes.height),
            (9, 5, 6)
        );
        assert_eq!(a.text.height, 8);
        // A practice run's checks keep their room; tall screens are as they were.
        let practice = areas(Rect::new(0, 0, 80, 24), shape.with_practice(true));
        assert_eq!((practice.output.height, practice.processes.height), (7, 7));
        let tall = areas(Rect::new(0, 0, 80, 50), shape);
        assert!(
            tall.lesson.height >= 22 && tall.processes.height == 9,
            "{tall:?}"
        );
        // Too short for a process pane of two rows: the lesson and the output.
        let short = areas(Rect::new(0, 0, 80, 20), shape);
        assert_eq!(short.processes.height, 0);
        assert!(short.lesson.height >= 9, "{short:?}");
    }

    #[test]
    fn nothing_live_before_the_first_sample() {
        let a = areas(Rect::new(0, 0, 160, 40), Shape::default());
        assert_eq!(a.cores, Rect::default());
        assert_eq!(a.text.width, MAX_TEXT_WIDTH);
    }

    #[test]
    fn many_cores_pack_into_few_rows() {
        assert_eq!(strip_rows(2, 80), 1);
        assert_eq!(strip_rows(15, 80), 3);
        assert_eq!(strip_rows(16, 80), 1);
        assert_eq!(strip_rows(128, 80), 2);
        assert_eq!(strip_rows(256, 40), 4);
        assert!(cores_pane_rows(128, 60, 20) <= 20);
        assert_eq!(cores_pane_rows(4, 60, 20), 8);
    }
}
