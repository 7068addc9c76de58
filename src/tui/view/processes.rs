//! The process pane: forklab and every process descended from it, as a
//! tree, each in its own colour; ended ones linger, marked.
//!
//! Names come first: when the pane is narrow, number columns give way
//! (PPID, state, memory, core, then the pid) before a command is cut, and
//! when rows are short, live processes are shown before ended ones.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Row, Table};

use super::super::theme::Theme;
use crate::monitor::family::{Family, Member};
use crate::monitor::role::brief;
use crate::os::process::Exit;
use crate::sanitize;

/// Widest a command is shown (the pane clips it further).
const COMMAND_COLUMNS: usize = 200;
/// The command's room worth dropping number columns for.
const NAME_ROOM: usize = 28;

/// `12.3M`, `1.2G`
fn size(bytes: u64) -> String {
    let mib = bytes as f64 / (1u64 << 20) as f64;
    if mib >= 1024.0 {
        format!("{:.1}G", mib / 1024.0)
    } else {
        format!("{mib:.1}M")
    }
}

/// How a process ended, in the six columns of the CPU% cell.
fn ending(e: &Option<Exit>) -> String {
    e.map_or_else(|| "ended".into(), Exit::short)
}

/// The table's columns, the command last; the others in the order they
/// give way (the first given up first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Pid,
    Ppid,
    State,
    Cpu,
    Mem,
    Core,
}

impl Column {
    /// Shown left to right.
    const ORDER: [Column; 6] = [
        Column::Pid,
        Column::Ppid,
        Column::State,
        Column::Cpu,
        Column::Mem,
        Column::Core,
    ];
    /// Given up first to last: the CPU share stays longest.
    const GIVE_WAY: [Column; 5] = [
        Column::Ppid,
        Column::State,
        Column::Mem,
        Column::Core,
        Column::Pid,
    ];

    fn title(self) -> &'static str {
        match self {
            Column::Pid => "PID",
            Column::Ppid => "PPID",
            Column::State => "S",
            Column::Cpu => "CPU%",
            Column::Mem => "MEM",
            Column::Core => "CORE",
        }
    }

    fn width(self, pid_width: u16) -> u16 {
        match self {
            Column::Pid | Column::Ppid => pid_width,
            Column::State => 1,
            Column::Cpu | Column::Mem => 6,
            Column::Core => 4,
        }
    }
}

/// The number columns kept in `inner` columns so that a command
/// `wanted` wide (or [`NAME_ROOM`]) still fits.
fn columns(inner: u16, pid_width: u16, wanted: usize) -> Vec<Column> {
    let mut kept = Column::ORDER.to_vec();
    let used = |kept: &[Column]| -> usize {
        kept.iter()
            .map(|c| usize::from(c.width(pid_width)) + 1)
            .sum()
    };
    let wanted = wanted.min(NAME_ROOM);
    for drop in Column::GIVE_WAY {
        if usize::from(inner).saturating_sub(used(&kept)) >= wanted {
            break;
        }
        kept.retain(|c| *c != drop);
    }
    kept
}

/// Which members get the `room` rows: all when they fit, else live ones
/// before ended ones, in tree order; and how many are left out.
fn shown(members: &[Member], room: usize) -> (Vec<&Member>, usize) {
    if members.len() <= room {
        return (members.iter().collect(), 0);
    }
    // One row says how many more there are.
    let room = room.saturating_sub(1);
    let live = members.iter().filter(|m| m.ended.is_none()).count();
    let mut ended_room = room.saturating_sub(live);
    let mut live_room = room;
    let kept: Vec<&Member> = members
        .iter()
        .filter(|m| {
            let slot = if m.ended.is_none() {
                &mut live_room
            } else {
                &mut ended_room
            };
            let keep = *slot > 0;
            if keep {
                *slot -= 1;
            }
            keep
        })
        .take(room)
        .collect();
    let left = members.len() - kept.len();
    (kept, left)
}

/// `└ ` under its parent.
fn tree(m: &Member) -> String {
    if m.depth == 0 {
        String::new()
    } else {
        format!("{}└ ", "  ".repeat(m.depth - 1))
    }
}

/// What the command column shows, in columns: tree, mark, role, command.
fn name_width(t: &Theme, m: &Member) -> usize {
    let mark = if t.coloured() { 0 } else { 2 };
    let command = brief(m.role, &m.info.command);
    let command = sanitize::field(&command, COMMAND_COLUMNS);
    tree(m).chars().count() + mark + m.role.as_str().len() + 1 + command.chars().count()
}

fn command_line(t: &Theme, m: &Member) -> Line<'static> {
    let colour = t.process(m.colour);
    let command = sanitize::field(&brief(m.role, &m.info.command), COMMAND_COLUMNS).into_owned();
    if m.ended.is_some() {
        return Line::raw(format!("{}{} {command}", tree(m), m.role));
    }
    Line::from(vec![
        Span::styled(tree(m), t.dim()),
        // Without colour, the shape that marks this process's core.
        Span::styled(
            if t.coloured() {
                String::new()
            } else {
                format!("{} ", t.process_mark(m.colour))
            },
            colour,
        ),
        Span::styled(m.role.as_str(), colour.add_modifier(Modifier::BOLD)),
        Span::raw(" "),
        Span::styled(command, colour),
    ])
}

fn cell(t: &Theme, m: &Member, column: Column) -> Cell<'static> {
    let colour = t.process(m.colour);
    match (&m.ended, column) {
        (None, Column::Pid) => Cell::from(Span::styled(m.info.pid.to_string(), colour)),
        (_, Column::Pid) => Cell::from(m.info.pid.to_string()),
        (_, Column::Ppid) => Cell::from(m.info.ppid.to_string()),
        (None, Column::State) => Cell::from(m.info.state.to_string()),
        (Some(_), Column::State) => Cell::from("X"),
        (None, Column::Cpu) => {
            Cell::from(format!("{:>5.1}", m.info.cpu)).style(t.load(m.info.cpu.min(100.0)))
        }
        (Some((_, e)), Column::Cpu) => Cell::from(ending(e)),
        (None, Column::Mem) => Cell::from(size(m.info.memory)),
        (None, Column::Core) => {
            Cell::from(m.info.core.map_or("-".into(), |c| format!("{c:>3}"))).style(colour)
        }
        (Some(_), Column::Mem | Column::Core) => Cell::from(""),
    }
}

pub fn draw(t: &Theme, family: &Family, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let running = family.live().count();
    let title = format!(" Processes: forklab + {} ", running.saturating_sub(1));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.pane_border())
        .title(Line::styled(title, t.pane_title()));
    // Only the rows that fit are built: a big family costs no more to draw.
    let (members, left) = shown(&family.members, area.height.saturating_sub(3) as usize);
    // Pids as wide as the longest shown, so the command keeps the room.
    let pid_width = members
        .iter()
        .flat_map(|m| [m.info.pid, m.info.ppid])
        .map(|pid| pid.to_string().len())
        .max()
        .unwrap_or(0)
        .max(4) as u16;
    let wanted = members.iter().map(|m| name_width(t, m)).max().unwrap_or(0);
    let kept = columns(area.width.saturating_sub(2), pid_width, wanted);
    let header = Row::new(
        kept.iter()
            .map(|c| c.title())
            .chain(["COMMAND"])
            .collect::<Vec<_>>(),
    )
    .style(t.dim().add_modifier(Modifier::BOLD));
    let mut rows: Vec<Row> = members
        .iter()
        .map(|m| {
            let cells = kept
                .iter()
                .map(|c| cell(t, m, *c))
                .chain([Cell::from(command_line(t, m))]);
            let row = Row::new(cells.collect::<Vec<_>>());
            if m.ended.is_some() {
                row.style(t.dim().add_modifier(Modifier::CROSSED_OUT))
            } else {
                row
            }
        })
        .collect();
    if left > 0 {
        let mut cells = vec![Cell::from(""); kept.len()];
        cells.push(Cell::from(format!("… and {left} more")));
        rows.push(Row::new(cells).style(t.dim()));
    }
    let widths: Vec<Constraint> = kept
        .iter()
        .map(|c| Constraint::Length(c.width(pid_width)))
        .chain([Constraint::Fill(1)])
        .collect();
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_mib_or_gib() {
        assert_eq!(size(5 << 20), "5.0M");
    }

    #[test]
    fn numbers_give_way_to_the_name() {
        let all = columns(78, 5, 20);
        assert_eq!(all, Column::ORDER.to_vec());
        // The side pane at 120 columns: 46 inside.
        let narrow = columns(46, 5, 26);
        assert!(!narrow.contains(&Column::Ppid), "{narrow:?}");
        assert!(narrow.contains(&Column::Cpu));
        let used: usize = narrow.iter().map(|c| usize::from(c.width(5)) + 1).sum();
        assert!(46 - used >= 26, "{narrow:?}");
        // However narrow, the CPU share stays.
        assert_eq!(columns(10, 7, 40), vec![Column::Cpu]);
    }
}
