//! Cost of the sanitizer: what every outside string pays before it is
//! shown, and the TUI's last guard over every cell of a frame.
//!
//! Run: `cargo bench --bench sanitize`.

use forklab::sanitize;

fn main() {
    divan::main();
}

/// 1 MB of plain text: the common case, borrowed, no allocation.
#[divan::bench]
fn line_1mb_clean(bencher: divan::Bencher) {
    let text = "Intel(R) Core(TM) i7 ".repeat(50_000);
    bencher.bench(|| sanitize::line(divan::black_box(&text)).len());
}

/// 1 MB full of tricks: every one shown visibly.
#[divan::bench]
fn line_1mb_hostile(bencher: divan::Bencher) {
    let trick: String = sanitize::TRICKS.iter().map(|(_, raw, _)| *raw).collect();
    let text = trick.repeat(1_000_000 / trick.len());
    bencher.bench(|| sanitize::line(divan::black_box(&text)).len());
}

/// A 15 MB command cut to a 40-column field: reads only what it shows.
#[divan::bench]
fn field_of_15mb(bencher: divan::Bencher) {
    let text = "y".repeat(15_000_000);
    bencher.bench(|| sanitize::field(divan::black_box(&text), 40).len());
}

/// The last guard's check of every cell of a 200x60 frame.
#[divan::bench]
fn cells_of_a_200x60_frame(bencher: divan::Bencher) {
    let symbols: Vec<String> = (0..12_000)
        .map(|i| ["a", "█", "│", " ", "日", "é"][i % 6].to_string())
        .collect();
    bencher.bench(|| {
        symbols
            .iter()
            .filter(|s| {
                matches!(
                    sanitize::cell(divan::black_box(s)),
                    std::borrow::Cow::Owned(_)
                )
            })
            .count()
    });
}
