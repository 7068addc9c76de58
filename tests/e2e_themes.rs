//! Themes and settings in a real terminal: the colours forklab sends, a
//! bad config file's notice, NO_COLOR, and the theme key.

mod support;

use std::time::{Duration, Instant};
use support::{Session, fixture_lessons};

use vt100::Color;

/// The colours of a cell: (foreground, background).
fn colours(s: &Session, row: u16, col: u16) -> (Color, Color) {
    let parser = s.parser.lock().unwrap();
    let cell = parser.screen().cell(row, col).expect("a cell");
    (cell.fgcolor(), cell.bgcolor())
}

/// Every colour on screen, foreground and background.
fn all_colours(s: &Session, cols: u16, rows: u16) -> Vec<Color> {
    let parser = s.parser.lock().unwrap();
    let screen = parser.screen();
    let mut seen = Vec::new();
    for row in 0..rows {
        for col in 0..cols {
            if let Some(cell) = screen.cell(row, col) {
                for c in [cell.fgcolor(), cell.bgcolor()] {
                    if !seen.contains(&c) {
                        seen.push(c);
                    }
                }
            }
        }
    }
    seen
}

/// Waits (with a deadline) until the screen's colours satisfy `pred`: a
/// frame may be read in pieces, so text seen does not mean colours drawn.
fn wait_colours(s: &Session, what: &str, pred: impl Fn(&Session) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pred(s) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}:\n{}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn light_theme_paints_its_background_and_t_cycles_live() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(
        &["--lessons", &lessons, "--theme", "light"],
        80,
        24,
        home.path(),
    );
    s.wait_text("A tiny course");
    // The header in the light accent, the body on the light background.
    wait_colours(&s, "the light theme", |s| {
        colours(s, 0, 3).1 == Color::Rgb(0, 95, 135)
            && colours(s, 5, 70).1 == Color::Rgb(250, 250, 250)
    });
    s.send("T");
    s.wait_text("Theme: mono");
    // Mono sends no colour at all.
    wait_colours(&s, "no colour", |s| {
        all_colours(s, 80, 24) == [Color::Default]
    });
    s.send("T");
    s.wait_text("Theme: dark");
    wait_colours(&s, "dark's cyan header", |s| {
        colours(s, 0, 3).1 == Color::Rgb(80, 200, 220)
    });
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn no_color_sends_no_colour_whatever_the_theme() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start_with_env(
        &["--lessons", &lessons, "--theme", "light"],
        80,
        24,
        home.path(),
        &[("NO_COLOR", "1")],
    );
    s.wait_text("A tiny course");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    // The whole screen drawn, live panes and status bar included.
    s.wait_for("the cores and the status bar", |screen| {
        screen.contains("Cores:") && screen.contains("q quit")
    });
    let seen = all_colours(&s, 80, 24);
    assert_eq!(seen, [Color::Default], "{seen:?}");
    // The header still stands out: reverse video.
    assert!(
        s.parser
            .lock()
            .unwrap()
            .screen()
            .cell(0, 3)
            .unwrap()
            .inverse()
    );
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_bad_config_file_is_named_on_screen_and_the_defaults_apply() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "theme = \"light\"\ntheme_colour = \"pink\"\n",
    )
    .unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 100, 24, home.path());
    s.wait_text("line 2: unknown field `theme_colour`");
    wait_colours(&s, "the default (dark) theme", |s| {
        colours(s, 0, 3).1 == Color::Rgb(80, 200, 220)
    });
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn presenter_keys_show_in_a_corner_and_zoom_hides_the_panes() {
    let home = tempfile::tempdir().unwrap();
    let lessons = fixture_lessons();
    let mut s = Session::start(&["--lessons", &lessons], 120, 30, home.path());
    s.wait_text("A tiny course");
    s.wait_text("Cores:");
    s.send("P");
    s.wait_text("keys · P hides");
    s.send("n");
    s.wait_text("Squares with a worker pool");
    s.send("j");
    s.send("z");
    s.wait_for("zoom and the keys in the corner", |screen| {
        !screen.contains("Cores:") && screen.contains("n  j  z")
    });
    s.send("z");
    s.wait_for("the panes again", |screen| screen.contains("Cores:"));
    s.send("P");
    s.wait_for("the corner to go", |screen| {
        !screen.contains("keys · P hides")
    });
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
