//! What the table says about itself: the help overlay's sections, the
//! hints, and the README's key table, all read from [`BINDINGS`].

use super::super::action::{Action, Message};
use super::{BINDINGS, Binding, Where};

/// One line of the help: the keys (grouped) and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Groups of key names, e.g. `[["n", "p"], ["→", "←"]]`.
    pub keys: Vec<Vec<String>>,
    pub help: &'static str,
}

impl Row {
    /// `n p  → ←  l h`.
    pub fn keys_text(&self) -> String {
        self.keys
            .iter()
            .map(|g| g.join(" "))
            .collect::<Vec<_>>()
            .join("  ")
    }

    /// `` `n` `p`, `→` `←` `` for the README.
    #[cfg(test)]
    pub fn keys_markdown(&self) -> String {
        self.keys
            .iter()
            .map(|g| {
                g.iter()
                    .map(|k| super::markdown_label(k))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A heading of the help and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: &'static str,
    pub rows: Vec<Row>,
}

/// The help opened at a place: that place's section first (the keys of
/// the pane the learner is in), then the others in the table's order.
pub fn sections_from(first: Where) -> Vec<Section> {
    let mut all = sections();
    if let Some(at) = all.iter().position(|s| s.heading == first.heading()) {
        let section = all.remove(at);
        all.insert(0, section);
    }
    all
}

/// The help, section by section, in the table's order.
pub fn sections() -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut row_bindings: Vec<Vec<&Binding>> = Vec::new();
    for binding in BINDINGS {
        match row_bindings.last_mut() {
            Some(row) if binding.help.is_empty() => row.push(binding),
            _ => row_bindings.push(vec![binding]),
        }
    }
    for bindings in row_bindings {
        let heading = bindings[0].when.heading();
        let row = Row {
            keys: group_keys(&bindings),
            help: bindings[0].help,
        };
        match sections.last_mut() {
            Some(section) if section.heading == heading => section.rows.push(row),
            _ => sections.push(Section {
                heading,
                rows: vec![row],
            }),
        }
    }
    sections
}

/// The keys of a row's bindings: paired up (`n p`, `→ ←`) when each
/// binding has as many keys, else one group per binding; repeats dropped.
fn group_keys(bindings: &[&Binding]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for b in bindings {
        let group: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let len = groups[0].len();
    if groups.len() > 1 && len > 1 && groups.iter().all(|g| g.len() == len) {
        (0..len)
            .map(|i| {
                let mut cluster: Vec<String> = Vec::new();
                for g in &groups {
                    if !cluster.contains(&g[i]) {
                        cluster.push(g[i].clone());
                    }
                }
                cluster
            })
            .collect()
    } else {
        // A key already listed (say `L` in two places) is listed once.
        let mut seen: Vec<String> = Vec::new();
        groups
            .into_iter()
            .map(|g| {
                let fresh: Vec<String> = g.into_iter().filter(|k| !seen.contains(k)).collect();
                seen.extend(fresh.iter().cloned());
                fresh
            })
            .filter(|g| !g.is_empty())
            .collect()
    }
}

/// A short hint: `n/p lesson`, `r run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: Vec<String>,
    pub word: &'static str,
    /// Its message runs or changes something (`Message::acts`): a replay
    /// refuses it, so a replay's hints leave it out.
    pub acts: bool,
}

impl Hint {
    pub fn keys_joined(&self, sep: &str) -> String {
        self.keys.join(sep)
    }
}

fn hint_at(index: usize) -> Hint {
    let b = &BINDINGS[index];
    let mut keys = vec![b.keys[0].label()];
    for next in &BINDINGS[index + 1..] {
        if !next.help.is_empty() || !next.hint.is_empty() {
            break;
        }
        if next.when == b.when {
            keys.push(next.keys[0].label());
        }
    }
    Hint {
        keys,
        word: b.hint,
        acts: b.action().acts(),
    }
}

/// Every hint of one place, in the table's order.
pub fn hints(when: Where) -> Vec<Hint> {
    (0..BINDINGS.len())
        .filter(|&i| BINDINGS[i].when == when && !BINDINGS[i].hint.is_empty())
        .map(hint_at)
        .collect()
}

/// The hint of the first hinted binding whose action `wanted` accepts.
pub fn hint_for(wanted: impl Fn(&Action) -> bool) -> Option<Hint> {
    (0..BINDINGS.len())
        .find(|&i| !BINDINGS[i].hint.is_empty() && wanted(&BINDINGS[i].action()))
        .map(hint_at)
}

/// The first key of the first binding whose action `wanted` accepts
/// (`x` for stopping a script), for text that names a key.
pub fn key_for(wanted: impl Fn(&Action) -> bool) -> String {
    BINDINGS
        .iter()
        .find(|b| wanted(&b.action()))
        .map(|b| b.keys[0].label())
        .unwrap_or_default()
}

/// Hints in one line: `j/k move · Enter open · Esc close`.
pub fn hint_line(hints: &[Hint]) -> String {
    hints
        .iter()
        .map(|h| format!("{} {}", h.keys_joined("/"), h.word))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The README's key table, as Markdown (a test keeps the README equal to it).
#[cfg(test)]
pub fn readme_table() -> String {
    let mut out = String::from("| where | keys | does |\n|---|---|---|\n");
    for section in sections() {
        for row in &section.rows {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                section.heading.to_lowercase(),
                row.keys_markdown(),
                row.help
            ));
        }
    }
    out
}
