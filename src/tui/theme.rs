//! Colours and text styles, in one place. Readable on dark terminals and on
//! a projector: strong contrast, few colours, meaning carried by weight too.

use ratatui::style::{Color, Modifier, Style};

use crate::lesson::render::{Role, Tone};

pub const ACCENT: Color = Color::Cyan;
pub const DIM: Color = Color::DarkGray;
pub const CODE_BG: Color = Color::Rgb(32, 36, 44);

pub fn header() -> Style {
    Style::new().fg(Color::Black).bg(ACCENT)
}

pub fn status() -> Style {
    Style::new().fg(Color::White).bg(Color::Rgb(48, 52, 64))
}

pub fn notice() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

pub fn key() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().fg(Color::Black).bg(ACCENT)
}

pub fn search_hit() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

pub fn dim() -> Style {
    Style::new().fg(DIM)
}

/// The style of a piece of lesson text.
pub fn tone(tone: Tone) -> Style {
    let mut style = match tone.role {
        Role::Text => Style::new(),
        Role::Heading(1) => Style::new().fg(ACCENT).add_modifier(Modifier::BOLD),
        Role::Heading(2) => Style::new()
            .fg(Color::LightYellow)
            .add_modifier(Modifier::BOLD),
        Role::Heading(_) => Style::new()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD),
        Role::InlineCode => Style::new().fg(Color::LightGreen),
        Role::CodeBlock => Style::new().fg(Color::Gray).bg(CODE_BG),
        Role::Link => Style::new()
            .fg(Color::LightBlue)
            .add_modifier(Modifier::UNDERLINED),
        Role::Marker => Style::new().fg(ACCENT),
        Role::Rule => Style::new().fg(DIM),
        Role::TableHeader => Style::new().add_modifier(Modifier::BOLD),
        Role::AnswerHint => Style::new()
            .fg(Color::LightMagenta)
            .add_modifier(Modifier::ITALIC),
        Role::AnswerBar => Style::new().fg(Color::LightMagenta),
    };
    if let Some([r, g, b]) = tone.rgb {
        style = style.fg(Color::Rgb(r, g, b));
    }
    if tone.strong {
        style = style.add_modifier(Modifier::BOLD);
    }
    if tone.emphasis {
        style = style.add_modifier(Modifier::ITALIC);
    }
    style
}

/// Colours that tell processes apart; a process keeps its colour for life.
pub const PALETTE: [Color; 8] = [
    Color::LightCyan,
    Color::LightMagenta,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightRed,
    Color::Rgb(255, 165, 0),
    Color::Rgb(180, 140, 255),
];

pub fn process(colour: usize) -> Color {
    PALETTE[colour % PALETTE.len()]
}

/// Green when idle through red when saturated, so load reads at a glance.
pub fn load(percent: f32) -> Color {
    match percent {
        p if p < 25.0 => Color::Green,
        p if p < 60.0 => Color::Yellow,
        p if p < 85.0 => Color::Rgb(255, 140, 0),
        _ => Color::Red,
    }
}

pub fn pane_border() -> Style {
    Style::new().fg(DIM)
}

pub fn pane_title() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}
