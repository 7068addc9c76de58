//! Colours and text styles, in one place: views ask the state's [`Theme`]
//! for a style by meaning (a key, a heading, a core's load) and never name
//! a colour themselves.
//!
//! Three themes: `dark` (light text on the terminal's own dark background),
//! `light` (dark text on a light background forklab paints itself, so it
//! also works on a dark terminal in front of a projector) and `mono` (no
//! colour at all). `NO_COLOR` makes any theme draw as `mono`. Meaning never
//! rests on colour alone: load is a bar's length and its weight, stderr has
//! a mark of its own, processes have a shape each when colour is off.
//! Load and process colours are colour-blind safe: the load steps are
//! ordered by lightness (a viridis-like ramp on dark; sky blue, orange,
//! vermillion, crimson on light), and processes take the Okabe-Ito palette.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;
use crate::lesson::render::{Role, Tone};

/// The colours of one coloured theme.
#[derive(Debug, PartialEq, Eq)]
struct Palette {
    /// The whole screen: `None` leaves the terminal's own colours.
    base: Option<(Color, Color)>,
    accent: Color,
    /// Text on the accent colour.
    on_accent: Color,
    dim: Color,
    status: (Color, Color),
    notice: (Color, Color),
    heading2: Color,
    heading3: Color,
    code: Color,
    code_bg: Color,
    link: Color,
    answer: Color,
    good: Color,
    bad: Color,
    warn: Color,
    /// Alternating task bars on the lab's timeline.
    tasks: [Color; 2],
    processes: [Color; 8],
    /// Idle to saturated, four steps.
    load: [Color; 4],
    /// Text on each load colour.
    on_load: [Color; 4],
    /// Syntax colours (made for a dark background) are scaled by this, in
    /// percent, so they read on this theme's background.
    code_light: u8,
}

/// Every colour is RGB, so its contrast is known (named ANSI colours take
/// whatever the terminal's palette says: ANSI grey washes out on a
/// projector). The dark theme keeps the terminal's own background, which
/// it is checked against as black and as a dark grey ([`DARK_BACKGROUNDS`]).
const DARK: Palette = Palette {
    base: None,
    accent: Color::Rgb(80, 200, 220),
    on_accent: Color::Rgb(0, 0, 0),
    dim: Color::Rgb(150, 150, 150),
    status: (Color::Rgb(235, 235, 235), Color::Rgb(48, 52, 64)),
    notice: (Color::Rgb(0, 0, 0), Color::Rgb(250, 210, 60)),
    heading2: Color::Rgb(250, 230, 120),
    heading3: Color::Rgb(130, 220, 130),
    code: Color::Rgb(200, 200, 200),
    code_bg: Color::Rgb(32, 36, 44),
    link: Color::Rgb(120, 170, 255),
    answer: Color::Rgb(230, 140, 230),
    good: Color::Rgb(130, 220, 130),
    bad: Color::Rgb(255, 120, 120),
    warn: Color::Rgb(230, 200, 60),
    tasks: [Color::Rgb(140, 230, 240), Color::Rgb(60, 170, 200)],
    // Okabe-Ito, brightest first, lifted to read on a dark grey.
    processes: [
        Color::Rgb(86, 180, 233),
        Color::Rgb(230, 159, 0),
        Color::Rgb(40, 180, 130),
        Color::Rgb(240, 228, 66),
        Color::Rgb(235, 120, 40),
        Color::Rgb(214, 130, 177),
        Color::Rgb(110, 150, 240),
        Color::Rgb(200, 200, 200),
    ],
    // Viridis-like: blue to yellow, brighter as the load grows (the first
    // step lifted so an idle figure still reads on a dark grey).
    load: [
        Color::Rgb(100, 150, 230),
        Color::Rgb(50, 195, 180),
        Color::Rgb(120, 225, 110),
        Color::Rgb(253, 231, 37),
    ],
    on_load: [Color::Rgb(0, 0, 0); 4],
    code_light: 100,
};

/// The backgrounds the dark theme is read on: a black terminal and a dark
/// grey one (One Dark's), the lighter being the harder for dim text.
#[cfg(test)]
const DARK_BACKGROUNDS: [Color; 2] = [Color::Rgb(0, 0, 0), Color::Rgb(40, 44, 52)];

const LIGHT: Palette = Palette {
    base: Some((Color::Rgb(24, 24, 24), Color::Rgb(250, 250, 250))),
    accent: Color::Rgb(0, 95, 135),
    on_accent: Color::Rgb(255, 255, 255),
    dim: Color::Rgb(100, 100, 100),
    status: (Color::Rgb(0, 0, 0), Color::Rgb(214, 218, 226)),
    notice: (Color::Rgb(0, 0, 0), Color::Rgb(255, 200, 70)),
    heading2: Color::Rgb(150, 75, 0),
    heading3: Color::Rgb(0, 110, 50),
    code: Color::Rgb(40, 40, 40),
    code_bg: Color::Rgb(234, 236, 240),
    link: Color::Rgb(0, 80, 200),
    answer: Color::Rgb(140, 0, 140),
    good: Color::Rgb(0, 120, 60),
    bad: Color::Rgb(190, 30, 30),
    warn: Color::Rgb(150, 90, 0),
    tasks: [Color::Rgb(0, 114, 178), Color::Rgb(60, 140, 200)],
    // Okabe-Ito, darkest first, each darkened to read on white.
    processes: [
        Color::Rgb(0, 114, 178),
        Color::Rgb(180, 70, 0),
        Color::Rgb(0, 120, 85),
        Color::Rgb(170, 60, 130),
        Color::Rgb(150, 95, 0),
        Color::Rgb(90, 90, 180),
        Color::Rgb(40, 40, 40),
        Color::Rgb(120, 105, 0),
    ],
    // Blue, orange, vermillion, crimson: darker as the load grows.
    load: [
        Color::Rgb(30, 110, 180),
        Color::Rgb(170, 70, 0),
        Color::Rgb(170, 40, 0),
        Color::Rgb(130, 0, 60),
    ],
    on_load: [Color::Rgb(255, 255, 255); 4],
    code_light: 55,
};

/// Shapes that tell processes apart when colour is off.
const SHAPES: [&str; 8] = ["●", "■", "▲", "◆", "○", "□", "△", "◇"];

/// The state's one theme value; views ask it for styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    /// Colours allowed at all (`NO_COLOR` says no).
    pub colour: bool,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::new(ThemeName::Dark, true)
    }
}

impl Theme {
    pub fn new(name: ThemeName, colour: bool) -> Theme {
        Theme { name, colour }
    }

    /// The palette, or `None` when drawing without colour.
    fn palette(&self) -> Option<&'static Palette> {
        match (self.name, self.colour) {
            (_, false) | (ThemeName::Mono, _) => None,
            (ThemeName::Dark, true) => Some(&DARK),
            (ThemeName::Light, true) => Some(&LIGHT),
        }
    }

    /// Whether this theme draws colours.
    pub fn coloured(&self) -> bool {
        self.palette().is_some()
    }

    /// `light`, or `light (NO_COLOR: no colours)`.
    pub fn label(&self) -> String {
        if self.colour || self.name == ThemeName::Mono {
            self.name.to_string()
        } else {
            format!("{} (NO_COLOR: no colours)", self.name)
        }
    }

    /// A style from the palette, or `mono` without one.
    fn pick(&self, coloured: impl Fn(&Palette) -> Style, mono: Style) -> Style {
        self.palette().map_or(mono, coloured)
    }

    /// The whole screen, painted first.
    pub fn base(&self) -> Style {
        match self.palette().and_then(|p| p.base) {
            Some((fg, bg)) => Style::new().fg(fg).bg(bg),
            None => Style::new(),
        }
    }

    pub fn header(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.on_accent).bg(p.accent),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    pub fn status(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.status.0).bg(p.status.1),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    pub fn notice(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.notice.0).bg(p.notice.1),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn key(&self) -> Style {
        self.pick(|p| Style::new().fg(p.accent), Style::new())
            .add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.on_accent).bg(p.accent),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    pub fn search_hit(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.notice.0).bg(p.notice.1),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
        )
    }

    pub fn dim(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.dim),
            Style::new().add_modifier(Modifier::DIM),
        )
    }

    pub fn pane_border(&self) -> Style {
        self.dim()
    }

    pub fn pane_title(&self) -> Style {
        self.key()
    }

    /// Sparklines and other quiet data.
    pub fn trend(&self) -> Style {
        self.pick(|p| Style::new().fg(p.accent), Style::new())
    }

    /// Something that went well (a run that ended as expected).
    pub fn good(&self) -> Style {
        self.pick(|p| Style::new().fg(p.good), Style::new())
            .add_modifier(Modifier::BOLD)
    }

    /// Something that went wrong; bold and underlined without colour.
    pub fn bad(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.bad),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
        .add_modifier(Modifier::BOLD)
    }

    /// Neither good nor bad: a check forklab cannot judge now.
    pub fn unsure(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.warn),
            Style::new().add_modifier(Modifier::ITALIC),
        )
        .add_modifier(Modifier::BOLD)
    }

    /// A line a script wrote to stderr (its gutter carries a mark too).
    pub fn stderr(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.bad),
            Style::new().add_modifier(Modifier::ITALIC),
        )
    }

    /// The lab master's serial work.
    pub fn serial(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.warn),
            Style::new().add_modifier(Modifier::DIM),
        )
    }

    /// A task on the lab's timeline; neighbours alternate.
    pub fn task(&self, even: bool) -> Style {
        self.pick(
            |p| Style::new().fg(p.tasks[usize::from(!even)]),
            if even {
                Style::new()
            } else {
                Style::new().add_modifier(Modifier::DIM)
            },
        )
    }

    /// The speedup chart's lines: the ideal, the measured, Amdahl's.
    pub fn chart_ideal(&self) -> Style {
        self.dim()
    }

    pub fn chart_measured(&self) -> Style {
        self.pick(|p| Style::new().fg(p.good), Style::new())
            .add_modifier(Modifier::BOLD)
    }

    pub fn chart_amdahl(&self) -> Style {
        self.pick(|p| Style::new().fg(p.warn), Style::new())
    }

    /// Another machine's curve (`--compare`): the accent, or italic.
    pub fn chart_recorded(&self) -> Style {
        self.pick(
            |p| Style::new().fg(p.accent),
            Style::new().add_modifier(Modifier::ITALIC),
        )
    }

    /// The style of a piece of lesson text.
    pub fn tone(&self, tone: Tone) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut style = match self.palette() {
            Some(p) => match tone.role {
                Role::Text => Style::new(),
                Role::Heading(1) => bold.fg(p.accent),
                Role::Heading(2) => bold.fg(p.heading2),
                Role::Heading(_) => bold.fg(p.heading3),
                Role::InlineCode => Style::new().fg(p.heading3),
                Role::CodeBlock => Style::new().fg(p.code).bg(p.code_bg),
                Role::Link => Style::new().fg(p.link).add_modifier(Modifier::UNDERLINED),
                Role::Marker => Style::new().fg(p.accent),
                Role::Rule => Style::new().fg(p.dim),
                Role::TableHeader => bold,
                Role::AnswerHint => Style::new().fg(p.answer).add_modifier(Modifier::ITALIC),
                Role::AnswerBar => Style::new().fg(p.answer),
            },
            None => match tone.role {
                Role::Text | Role::Marker | Role::CodeBlock => Style::new(),
                Role::Heading(1) => bold.add_modifier(Modifier::UNDERLINED),
                Role::Heading(_) | Role::TableHeader => bold,
                Role::InlineCode => Style::new().add_modifier(Modifier::BOLD),
                Role::Link => Style::new().add_modifier(Modifier::UNDERLINED),
                Role::Rule => Style::new().add_modifier(Modifier::DIM),
                Role::AnswerHint | Role::AnswerBar => Style::new().add_modifier(Modifier::ITALIC),
            },
        };
        if let (Some(p), Some([r, g, b])) = (self.palette(), tone.rgb) {
            let scale = |c: u8| (u16::from(c) * u16::from(p.code_light) / 100) as u8;
            style = style.fg(Color::Rgb(scale(r), scale(g), scale(b)));
        }
        if tone.strong {
            style = style.add_modifier(Modifier::BOLD);
        }
        if tone.emphasis {
            style = style.add_modifier(Modifier::ITALIC);
        }
        style
    }

    /// A process's colour, which it keeps for life (plain without colour:
    /// the pane names its role, and [`Theme::process_mark`] its shape).
    pub fn process(&self, colour: usize) -> Style {
        self.pick(
            |p| Style::new().fg(p.processes[colour % p.processes.len()]),
            Style::new(),
        )
    }

    /// The mark of a process on the core it runs on: a dot in its colour,
    /// or a shape of its own without colour.
    pub fn process_mark(&self, colour: usize) -> &'static str {
        if self.coloured() {
            "●"
        } else {
            SHAPES[colour % SHAPES.len()]
        }
    }

    /// Which of the four load steps `percent` falls in.
    fn load_step(percent: f32) -> usize {
        match percent {
            p if p < 25.0 => 0,
            p if p < 60.0 => 1,
            p if p < 85.0 => 2,
            _ => 3,
        }
    }

    /// A core's (or a process's) load: its colour, and its weight (dim when
    /// nearly idle, bold when saturated) so it reads without colour too.
    pub fn load(&self, percent: f32) -> Style {
        let step = Theme::load_step(percent);
        let weight = match step {
            0 => Style::new().add_modifier(Modifier::DIM),
            3 => Style::new().add_modifier(Modifier::BOLD),
            _ => Style::new(),
        };
        self.pick(|p| Style::new().fg(p.load[step]), weight)
    }

    /// A value written on a load bar (the projector's percentages).
    pub fn load_badge(&self, percent: f32) -> Style {
        let step = Theme::load_step(percent);
        self.pick(
            |p| Style::new().fg(p.on_load[step]).bg(p.load[step]),
            Style::new().add_modifier(Modifier::REVERSED),
        )
        .add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_colour_no_style_names_a_colour() {
        for name in ThemeName::ALL {
            for theme in [Theme::new(name, false), Theme::new(ThemeName::Mono, true)] {
                let styles = [
                    theme.base(),
                    theme.header(),
                    theme.status(),
                    theme.key(),
                    theme.selected(),
                    theme.dim(),
                    theme.load(90.0),
                    theme.load_badge(10.0),
                    theme.process(3),
                    theme.stderr(),
                    theme.tone(Tone {
                        role: Role::CodeBlock,
                        rgb: Some([1, 2, 3]),
                        ..Default::default()
                    }),
                ];
                for s in styles {
                    assert_eq!((s.fg, s.bg), (None, None), "{theme:?}: {s:?}");
                }
                assert_ne!(theme.process_mark(0), theme.process_mark(1));
            }
        }
    }

    #[test]
    fn load_reads_by_weight_as_well_as_colour() {
        let mono = Theme::new(ThemeName::Mono, true);
        assert!(mono.load(95.0).add_modifier.contains(Modifier::BOLD));
        assert!(mono.load(5.0).add_modifier.contains(Modifier::DIM));
        let dark = Theme::default();
        let steps = [5.0, 40.0, 70.0, 95.0].map(|p| dark.load(p).fg);
        for (i, a) in steps.iter().enumerate() {
            assert!(a.is_some());
            assert!(!steps[i + 1..].contains(a), "{steps:?}");
        }
    }

    /// Relative luminance (WCAG) of an RGB colour.
    fn luminance(c: Color) -> f64 {
        let Color::Rgb(r, g, b) = c else {
            panic!("{c:?} is not RGB");
        };
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// Load steps differ in lightness, not only in hue, so they stay in
    /// order for every kind of colour blindness (and in greyscale): lighter
    /// with load on dark, darker with load on light.
    #[test]
    fn load_steps_are_ordered_by_lightness() {
        let dark: Vec<f64> = DARK.load.iter().map(|c| luminance(*c)).collect();
        let light: Vec<f64> = LIGHT.load.iter().map(|c| luminance(*c)).collect();
        assert!(dark.windows(2).all(|w| w[1] > w[0] * 1.3), "{dark:?}");
        assert!(light.windows(2).all(|w| w[1] < w[0]), "{light:?}");
    }

    /// WCAG's contrast ratio of two colours.
    fn contrast(a: Color, b: Color) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Text must reach 4.5:1 (WCAG AA), bars and lines 3:1.
    const TEXT: f64 = 4.5;
    const LARGE: f64 = 3.0;

    /// Every foreground and background a coloured theme draws together,
    /// with the contrast it needs.
    fn pairs(p: &Palette) -> Vec<(String, Color, Color, f64)> {
        let screens: Vec<Color> = p.base.map_or(DARK_BACKGROUNDS.to_vec(), |(_, bg)| vec![bg]);
        let mut out = vec![
            ("header, selected".into(), p.on_accent, p.accent, TEXT),
            ("status bar".into(), p.status.0, p.status.1, TEXT),
            ("a key in the status bar".into(), p.accent, p.status.1, TEXT),
            ("notice, search hit".into(), p.notice.0, p.notice.1, TEXT),
            ("code block".into(), p.code, p.code_bg, TEXT),
        ];
        if let Some((fg, bg)) = p.base {
            out.push(("text".into(), fg, bg, TEXT));
        }
        for (i, (load, on)) in p.load.iter().zip(&p.on_load).enumerate() {
            out.push((format!("load badge {i}"), *on, *load, TEXT));
        }
        for bg in screens {
            let mut text = vec![
                ("accent, keys, titles", p.accent),
                ("dim text, hints, borders", p.dim),
                ("heading 2", p.heading2),
                ("heading 3, inline code", p.heading3),
                ("link", p.link),
                ("answer", p.answer),
                ("good", p.good),
                ("bad, stderr", p.bad),
                ("warn, serial, Amdahl", p.warn),
            ];
            text.extend(p.processes.iter().map(|c| ("a process (pid, command)", *c)));
            // CPU% figures are text in the load's colours.
            text.extend(p.load.iter().map(|c| ("a load figure", *c)));
            for (what, fg) in text {
                out.push((what.into(), fg, bg, TEXT));
            }
            for task in p.tasks {
                out.push(("a task bar".into(), task, bg, LARGE));
            }
        }
        out
    }

    /// Readable on a projector: every pair of every coloured theme passes
    /// WCAG AA (4.5:1 for text, 3:1 for bars).
    #[test]
    fn every_theme_passes_wcag_aa() {
        let mut failures = Vec::new();
        for (name, palette) in [("dark", &DARK), ("light", &LIGHT)] {
            for (what, fg, bg, needed) in pairs(palette) {
                for c in [fg, bg] {
                    assert!(
                        matches!(c, Color::Rgb(..)),
                        "{name}: {what}: {c:?} is a named colour, whose contrast depends on the terminal's palette"
                    );
                }
                let ratio = contrast(fg, bg);
                if ratio < needed {
                    failures.push(format!(
                        "{name}: {what}: {fg:?} on {bg:?} is {ratio:.2}:1, needs {needed}:1"
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn light_paints_its_own_background_and_darkens_code() {
        let light = Theme::new(ThemeName::Light, true);
        assert!(light.base().bg.is_some());
        assert_eq!(Theme::default().base(), Style::new());
        let tone = Tone {
            role: Role::CodeBlock,
            rgb: Some([200, 100, 0]),
            ..Default::default()
        };
        assert_eq!(light.tone(tone).fg, Some(Color::Rgb(110, 55, 0)));
        assert_eq!(
            Theme::default().tone(tone).fg,
            Some(Color::Rgb(200, 100, 0))
        );
    }
}
