//! Code blocks and tables: blocks laid out as a whole, not word-wrapped.

use pulldown_cmark::Alignment;

use super::doc::{Role, Span, Tone};
use super::walk::Renderer;
use super::wrap::{hard_wrap, visible, wrap};
use crate::lesson::highlight;

/// Table columns drawn; a wider table says how many it leaves out (no
/// screen shows more, and 20,000 would cost a row per cell).
const MAX_COLUMNS: usize = 32;

#[derive(Default)]
pub(super) struct Table {
    pub(super) aligns: Vec<Alignment>,
    pub(super) rows: Vec<Vec<Vec<Span>>>,
    pub(super) header_rows: usize,
}

impl Renderer<'_> {
    pub(super) fn code_block(&mut self, lang: &str, code: &str) {
        let code = code.trim_end_matches('\n');
        let tone = Tone::of(Role::CodeBlock);
        let highlighted = self
            .opts
            .highlight
            .filter(|_| highlight::is_python(lang))
            .and_then(|h| h.get(code));
        let lines: Vec<Vec<Span>> = match highlighted {
            Some(lines) => lines
                .into_iter()
                .map(|pieces| {
                    pieces
                        .into_iter()
                        .map(|t| {
                            Span::new(
                                visible(t.text),
                                Tone {
                                    rgb: Some(t.rgb),
                                    strong: t.bold,
                                    emphasis: t.italic,
                                    ..tone
                                },
                            )
                        })
                        .collect()
                })
                .collect(),
            None => code
                .lines()
                .map(|l| vec![Span::new(visible(l), tone)])
                .collect(),
        };
        let inner = self.available().saturating_sub(2).max(4);
        let longest = lines
            .iter()
            .map(|l| l.iter().map(Span::width).sum::<usize>())
            .max()
            .unwrap_or(0);
        let block = longest.min(inner);
        for line in lines {
            for piece in hard_wrap(line, inner) {
                let w: usize = piece.iter().map(Span::width).sum();
                let mut spans = vec![Span::new(" ", tone)];
                spans.extend(piece);
                spans.push(Span::new(" ".repeat(block.saturating_sub(w) + 1), tone));
                self.emit(spans);
            }
        }
    }

    pub(super) fn table(&mut self, table: Table) {
        let all = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let columns = all.min(MAX_COLUMNS);
        if columns == 0 {
            return;
        }
        let cell_width = |cell: &Vec<Span>| cell.iter().map(Span::width).sum::<usize>();
        let natural: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(cell_width)
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect();
        let available = self
            .available()
            .saturating_sub(3 * (columns - 1))
            .max(columns * 3);
        let widths = fit_columns(&natural, available);
        let sep = Tone::of(Role::Marker);
        for (i, row) in table.rows.iter().enumerate() {
            let header = i < table.header_rows;
            let cells: Vec<Vec<Vec<Span>>> = (0..columns)
                .map(|c| {
                    let mut cell = row.get(c).cloned().unwrap_or_default();
                    if header {
                        for s in &mut cell {
                            s.tone.role = Role::TableHeader;
                        }
                    }
                    if cell.is_empty() {
                        vec![Vec::new()]
                    } else {
                        wrap(&cell, widths[c], widths[c])
                    }
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            for l in 0..height {
                let mut spans = Vec::new();
                for (c, cell) in cells.iter().enumerate() {
                    if c > 0 {
                        spans.push(Span::new(" │ ", sep));
                    }
                    let content = cell.get(l).cloned().unwrap_or_default();
                    let w: usize = content.iter().map(Span::width).sum();
                    let pad = widths[c].saturating_sub(w);
                    let (left, right) = match table.aligns.get(c) {
                        Some(Alignment::Right) => (pad, 0),
                        Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                        _ => (0, pad),
                    };
                    if left > 0 {
                        spans.push(Span::new(" ".repeat(left), Tone::default()));
                    }
                    spans.extend(content);
                    if right > 0 && c + 1 < columns {
                        spans.push(Span::new(" ".repeat(right), Tone::default()));
                    }
                }
                self.emit(spans);
            }
            if header && i + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.emit(vec![Span::new(rule.join("─┼─"), sep)]);
            }
        }
        if all > columns {
            let more = format!("({} more columns not shown)", all - columns);
            self.emit(vec![Span::new(more, sep)]);
        }
    }
}

/// Shares `available` columns between table columns: narrow columns keep
/// their natural width, wide ones share the rest.
fn fit_columns(natural: &[usize], available: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= available {
        return natural.to_vec();
    }
    let mut widths = vec![0; natural.len()];
    let mut left = available;
    let mut open: Vec<usize> = (0..natural.len()).collect();
    loop {
        let share = left / open.len().max(1);
        let (fits, wide): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&c| natural[c] <= share);
        if fits.is_empty() {
            for (k, &c) in wide.iter().enumerate() {
                widths[c] = (share + usize::from(k < left % wide.len())).max(3);
            }
            return widths;
        }
        for c in fits {
            widths[c] = natural[c];
            left -= natural[c];
        }
        open = wide;
        if open.is_empty() {
            return widths;
        }
    }
}
