//! The process pane: forklab and every process descended from it, as a
//! tree, each in its own colour; ended ones linger, marked.
//!
//! Names come first: when the pane is narrow, number columns give way
//! (PPID, state, memory, core, then the pid) before a command is cut, and
//! when rows are short, live processes are shown before ended ones.
//!
//! Memory is resident memory (RSS), or on the learner's key each
//! process's unique memory (USS) and proportional share (PSS), which the
//! sampler reads only then; `—` where unknown.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Row, Table};

use super::super::state::process_rows;
use super::super::theme::Theme;
use crate::monitor::family::{Family, Member};
use crate::monitor::role::{Role, brief};
use crate::os::process::Exit;
use crate::sanitize;

/// Widest a command is shown (the pane clips it further).
const COMMAND_COLUMNS: usize = 200;
/// The command's room worth dropping number columns for.
const NAME_ROOM: usize = 28;

/// What a memory cell shows where the reading is unknown.
const UNKNOWN: &str = "—";

/// `12.3M`, `512M`, `1.2G`: six columns at most.
fn size(bytes: u64) -> String {
    let mib = bytes as f64 / (1u64 << 20) as f64;
    if mib >= 100.0 * 1024.0 {
        format!("{:.0}G", mib / 1024.0)
    } else if mib >= 1000.0 {
        format!("{:.1}G", mib / 1024.0)
    } else if mib >= 100.0 {
        format!("{mib:.0}M")
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
    /// Resident memory (RSS).
    Mem,
    /// Unique memory: pages this process alone maps.
    Uss,
    /// Proportional share: each page divided among those that map it.
    Pss,
    Core,
}

impl Column {
    /// Shown left to right (memory: `Mem`, or `Uss` and `Pss`).
    const ORDER: [Column; 8] = [
        Column::Pid,
        Column::Ppid,
        Column::State,
        Column::Cpu,
        Column::Mem,
        Column::Uss,
        Column::Pss,
        Column::Core,
    ];
    /// Given up first to last: the CPU share stays longest; of the
    /// memory columns PSS, the one that adds up, stays longer.
    const GIVE_WAY: [Column; 7] = [
        Column::Ppid,
        Column::State,
        Column::Uss,
        Column::Mem,
        Column::Pss,
        Column::Core,
        Column::Pid,
    ];

    /// Whether this column is shown in the memory mode chosen.
    fn shown(self, shares: bool) -> bool {
        match self {
            Column::Mem => !shares,
            Column::Uss | Column::Pss => shares,
            _ => true,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Column::Pid => "PID",
            Column::Ppid => "PPID",
            Column::State => "S",
            Column::Cpu => "CPU%",
            Column::Mem => "MEM",
            Column::Uss => "USS",
            Column::Pss => "PSS",
            Column::Core => "CORE",
        }
    }

    fn width(self, pid_width: u16) -> u16 {
        match self {
            Column::Pid | Column::Ppid => pid_width,
            Column::State => 1,
            Column::Cpu | Column::Mem | Column::Uss | Column::Pss => 6,
            Column::Core => 4,
        }
    }
}

/// The number columns kept in `inner` columns so that a command
/// `wanted` wide (or [`NAME_ROOM`]) still fits, memory as RSS or (with
/// `shares`) as USS and PSS.
fn columns(inner: u16, pid_width: u16, wanted: usize, shares: bool) -> Vec<Column> {
    let mut kept: Vec<Column> = Column::ORDER
        .into_iter()
        .filter(|c| c.shown(shares))
        .collect();
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
/// before ended ones, in tree order; and how many are left out. When the
/// live ones alone do not fit (80x24 during a sweep), the rows that teach
/// win: the master, then the newest workers, then the rest (forklab and
/// its guard are the first to give way).
fn shown(members: &[Member], room: usize) -> (Vec<&Member>, usize) {
    if members.len() <= room {
        return (members.iter().collect(), 0);
    }
    // One row says how many more there are.
    let room = room.saturating_sub(1);
    let rank = |m: &Member| match m.role {
        Role::Master => 0,
        Role::Worker => 1,
        Role::Forklab | Role::Guard => 3,
        _ => 2,
    };
    let mut live: Vec<usize> = (0..members.len())
        .filter(|&i| members[i].ended.is_none())
        .collect();
    // Newest (latest in tree order) first within a rank.
    live.sort_by_key(|&i| (rank(&members[i]), std::cmp::Reverse(i)));
    live.truncate(room);
    let ended = (0..members.len()).filter(|&i| members[i].ended.is_some());
    let ended_room = room - live.len();
    let mut chosen: Vec<usize> = live.into_iter().chain(ended.take(ended_room)).collect();
    chosen.sort_unstable();
    let kept: Vec<&Member> = chosen.into_iter().map(|i| &members[i]).collect();
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
        (None, Column::Uss) => Cell::from(m.info.shares.uss.map_or(UNKNOWN.into(), size)),
        (None, Column::Pss) => Cell::from(m.info.shares.pss.map_or(UNKNOWN.into(), size)),
        (None, Column::Core) => {
            Cell::from(m.info.core.map_or("-".into(), |c| format!("{c:>3}"))).style(colour)
        }
        (Some(_), Column::Mem | Column::Uss | Column::Pss | Column::Core) => Cell::from(""),
    }
}

/// Draws the pane; `shares`: memory as USS and PSS rather than RSS.
pub fn draw(t: &Theme, family: &Family, shares: bool, frame: &mut Frame, area: Rect) {
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
    let (members, left) = shown(&family.members, process_rows(area));
    // Pids as wide as the longest shown, so the command keeps the room.
    let pid_width = members
        .iter()
        .flat_map(|m| [m.info.pid, m.info.ppid])
        .map(|pid| pid.to_string().len())
        .max()
        .unwrap_or(0)
        .max(4) as u16;
    let wanted = members.iter().map(|m| name_width(t, m)).max().unwrap_or(0);
    let kept = columns(area.width.saturating_sub(2), pid_width, wanted, shares);
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

    fn member(pid: u32, role: Role, ended: bool) -> Member {
        let info = crate::monitor::ProcessInfo {
            pid,
            ppid: 1,
            name: "p".into(),
            command: "p".into(),
            state: 'S',
            cpu: 0.0,
            memory: 0,
            core: None,
            serves: false,
            shares: Default::default(),
        };
        let ended = ended.then(|| (std::time::Instant::now(), None));
        Member {
            info,
            depth: 0,
            colour: 0,
            role,
            ended,
        }
    }

    #[test]
    fn when_live_rows_do_not_fit_the_master_and_the_newest_workers_stay() {
        let family = [
            member(1, Role::Forklab, false),
            member(2, Role::Guard, false),
            member(3, Role::Master, false),
            member(4, Role::Worker, true),
            member(5, Role::Worker, false),
            member(6, Role::Worker, false),
            member(7, Role::Worker, false),
        ];
        let pids = |room| {
            let (kept, left) = shown(&family, room);
            (kept.iter().map(|m| m.info.pid).collect::<Vec<_>>(), left)
        };
        // Three rows: two members and "… and N more".
        assert_eq!(pids(3), (vec![3, 7], 5));
        assert_eq!(pids(5), (vec![3, 5, 6, 7], 3));
        // forklab gives way before its guard, the ended worker first.
        assert_eq!(pids(6), (vec![2, 3, 5, 6, 7], 2));
        assert_eq!(pids(7).1, 0);
    }

    #[test]
    fn sizes_read_as_mib_or_gib() {
        assert_eq!(size(5 << 20), "5.0M");
        assert_eq!(size(999 << 20), "999M");
        assert_eq!(size(1000 << 20), "1.0G");
        for bytes in [0, 99 << 20, 512 << 20, 1 << 40] {
            assert!(size(bytes).chars().count() <= 6, "{}", size(bytes));
        }
    }

    #[test]
    fn numbers_give_way_to_the_name() {
        let all = columns(78, 5, 20, false);
        assert!(!all.contains(&Column::Uss) && all.contains(&Column::Mem));
        assert_eq!(all.len(), 6);
        // The side pane at 120 columns: 46 inside.
        let narrow = columns(46, 5, 26, false);
        assert!(!narrow.contains(&Column::Ppid), "{narrow:?}");
        assert!(narrow.contains(&Column::Cpu));
        let used: usize = narrow.iter().map(|c| usize::from(c.width(5)) + 1).sum();
        assert!(46 - used >= 26, "{narrow:?}");
        // However narrow, the CPU share stays.
        assert_eq!(columns(10, 7, 40, false), vec![Column::Cpu]);
    }

    #[test]
    fn unique_and_proportional_memory_give_way_too() {
        let all = columns(78, 5, 20, true);
        assert_eq!(
            all,
            [Column::Pid, Column::Ppid, Column::State, Column::Cpu]
                .into_iter()
                .chain([Column::Uss, Column::Pss, Column::Core])
                .collect::<Vec<_>>()
        );
        // USS goes before PSS, PSS before the core, and names keep room.
        let narrow = columns(46, 5, 26, true);
        assert!(!narrow.contains(&Column::Uss), "{narrow:?}");
        let used: usize = narrow.iter().map(|c| usize::from(c.width(5)) + 1).sum();
        assert!(46 - used >= 26, "{narrow:?}");
        let tighter = columns(30, 5, 26, true);
        assert!(!tighter.contains(&Column::Pss), "{tighter:?}");
        assert_eq!(columns(10, 7, 40, true), vec![Column::Cpu]);
    }
}
