//! The process pane: forklab and every process descended from it, as a
//! tree, each in its own colour; ended ones linger, marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Row, Table};

use super::super::state::Live;
use super::super::theme::Theme;
use crate::monitor::role::brief;
use crate::sanitize;

/// Widest a command is shown (the pane clips it further).
const COMMAND_COLUMNS: usize = 200;
use crate::os::process::Exit;

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

pub fn draw(t: &Theme, live: &Live, frame: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let members = &live.family.members;
    let running = live.family.live().count();
    let title = format!(" Processes: forklab + {} ", running.saturating_sub(1));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.pane_border())
        .title(Line::styled(title, t.pane_title()));
    let header = Row::new(["PID", "PPID", "S", "CPU%", "MEM", "CORE", "COMMAND"])
        .style(t.dim().add_modifier(Modifier::BOLD));
    // Only the rows that fit are built: a big family costs no more to draw.
    let visible = area.height.saturating_sub(3) as usize;
    let rows = members.iter().take(visible).map(|m| {
        let colour = t.process(m.colour);
        let tree = if m.depth == 0 {
            String::new()
        } else {
            format!("{}└ ", "  ".repeat(m.depth - 1))
        };
        let command = Line::from(vec![
            Span::styled(tree.clone(), t.dim()),
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
            Span::styled(
                sanitize::field(&brief(m.role, &m.info.command), COMMAND_COLUMNS).into_owned(),
                colour,
            ),
        ]);
        match &m.ended {
            None => Row::new(vec![
                Cell::from(Span::styled(m.info.pid.to_string(), colour)),
                Cell::from(m.info.ppid.to_string()),
                Cell::from(m.info.state.to_string()),
                Cell::from(format!("{:>5.1}", m.info.cpu)).style(t.load(m.info.cpu.min(100.0))),
                Cell::from(size(m.info.memory)),
                Cell::from(m.info.core.map_or("-".into(), |c| format!("{c:>3}"))).style(colour),
                Cell::from(command),
            ]),
            Some((_, e)) => Row::new(vec![
                Cell::from(m.info.pid.to_string()),
                Cell::from(m.info.ppid.to_string()),
                Cell::from("X"),
                Cell::from(ending(e)),
                Cell::from(""),
                Cell::from(""),
                Cell::from(format!(
                    "{tree}{} {}",
                    m.role,
                    sanitize::field(&brief(m.role, &m.info.command), COMMAND_COLUMNS)
                )),
            ])
            .style(t.dim().add_modifier(Modifier::CROSSED_OUT)),
        }
    });
    // Pids as wide as the longest shown, so the command keeps the room.
    let pid_width = members
        .iter()
        .take(visible)
        .flat_map(|m| [m.info.pid, m.info.ppid])
        .map(|pid| pid.to_string().len())
        .max()
        .unwrap_or(0)
        .max(4) as u16;
    let widths = [
        Constraint::Length(pid_width),
        Constraint::Length(pid_width),
        Constraint::Length(1),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Fill(1),
    ];
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
}
