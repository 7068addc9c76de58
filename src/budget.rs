//! Budgets for bytes from outside (traces, pack archives, class requests,
//! lessons): how many bytes one record may have, how many all records
//! together, and how many items, each checked BEFORE the memory is taken,
//! so a small hostile file cannot make a reader allocate gigabytes. The
//! error names what was too big and the limit. `Interner` keeps a string
//! that many records repeat (a process's command line) once.
//!
//! Usage: fix a `Limits` beside the reader (`record: "trace line"`), make
//! one `Budget::new(LIMITS)` per input, then for each record read through
//! a bounded reader call `take_record(len)?` before parsing it; check counts
//! inside a record with `count("cores", n, MAX)?` and long strings with
//! `string(..)?` before building them; keep repeated text via `Interner`.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// What one reader may take, fixed where the reader is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// What a record is called in messages, singular: "trace line".
    pub record: &'static str,
    /// The most bytes one record may have.
    pub per_record_bytes: u64,
    /// The most bytes all records (and interned strings) may have together.
    pub total_bytes: u64,
    /// The most records (or items) in all.
    pub items: u64,
}

/// Why a reader stopped: which budget, how much was asked, and the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    #[error("a {what} of {}: at most {} per {what}", Size(*found), Size(*limit))]
    Record {
        what: &'static str,
        found: u64,
        limit: u64,
    },
    #[error("more than {} of {what}s in total (the limit)", Size(*limit))]
    Total { what: &'static str, limit: u64 },
    #[error("more than {limit} {what}s (the limit)")]
    Items { what: &'static str, limit: u64 },
    #[error("{found} {what}: at most {limit}")]
    Count {
        what: &'static str,
        found: u64,
        limit: u64,
    },
}

/// What a reader has taken so far against its [`Limits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub limits: Limits,
    bytes: u64,
    items: u64,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            bytes: 0,
            items: 0,
        }
    }

    /// One record of `len` bytes: within the per-record and the total
    /// byte budgets and the item budget, or nothing is taken.
    pub fn take_record(&mut self, len: u64) -> Result<(), BudgetError> {
        let what = self.limits.record;
        if len > self.limits.per_record_bytes {
            return Err(BudgetError::Record {
                what,
                found: len,
                limit: self.limits.per_record_bytes,
            });
        }
        self.take_items(1)?;
        self.take_bytes(len).inspect_err(|_| self.items -= 1)
    }

    /// `len` more bytes against the total alone (a string interned, a
    /// chunk of a record read in pieces).
    pub fn take_bytes(&mut self, len: u64) -> Result<(), BudgetError> {
        match self.bytes.checked_add(len) {
            Some(total) if total <= self.limits.total_bytes => {
                self.bytes = total;
                Ok(())
            }
            _ => Err(BudgetError::Total {
                what: self.limits.record,
                limit: self.limits.total_bytes,
            }),
        }
    }

    /// `n` more items (records, entries).
    pub fn take_items(&mut self, n: u64) -> Result<(), BudgetError> {
        match self.items.checked_add(n) {
            Some(total) if total <= self.limits.items => {
                self.items = total;
                Ok(())
            }
            _ => Err(BudgetError::Items {
                what: self.limits.record,
                limit: self.limits.items,
            }),
        }
    }

    /// Bytes taken so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Items taken so far.
    pub fn items(&self) -> u64 {
        self.items
    }
}

/// A count inside one record within its limit ("5000 cores: at most
/// 4096"), checked before anything that size is allocated. `what` is
/// plural: "processes in a sample".
pub fn count(what: &'static str, found: usize, limit: usize) -> Result<(), BudgetError> {
    if found > limit {
        return Err(BudgetError::Count {
            what,
            found: found as u64,
            limit: limit as u64,
        });
    }
    Ok(())
}

/// A string's length within its limit ("a command line of 15.0 MiB: at
/// most 64.0 KiB per command line").
pub fn string(what: &'static str, text: &str, limit: usize) -> Result<(), BudgetError> {
    if text.len() > limit {
        return Err(BudgetError::Record {
            what,
            found: text.len() as u64,
            limit: limit as u64,
        });
    }
    Ok(())
}

/// Strings kept once: every record that names the same text shares one
/// `Arc<str>`, and only a text not seen before costs the budget.
#[derive(Debug, Default)]
pub struct Interner {
    strings: HashSet<Arc<str>>,
}

impl Interner {
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The shared copy of `text`, charging `budget` for its bytes the
    /// first time it is seen.
    pub fn intern(&mut self, text: &str, budget: &mut Budget) -> Result<Arc<str>, BudgetError> {
        if let Some(shared) = self.strings.get(text) {
            return Ok(shared.clone());
        }
        budget.take_bytes(text.len() as u64)?;
        let shared: Arc<str> = Arc::from(text);
        self.strings.insert(shared.clone());
        Ok(shared)
    }

    /// Distinct strings kept.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// A byte count for people: `512 bytes`, `64.0 KiB`, `15.0 MiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
        if self.0 < 1024 {
            return write!(f, "{} bytes", self.0);
        }
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        write!(f, "{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        record: "trace line",
        per_record_bytes: 1 << 20,
        total_bytes: 3 << 20,
        items: 4,
    };

    #[test]
    fn a_record_over_its_limit_is_named_with_the_limit() {
        let mut b = Budget::new(LIMITS);
        let e = b.take_record(20 << 20).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a trace line of 20.0 MiB: at most 1.0 MiB per trace line"
        );
        assert_eq!((b.bytes(), b.items()), (0, 0), "nothing taken");
    }

    #[test]
    fn the_total_and_the_items_are_budgets_too() {
        let mut b = Budget::new(LIMITS);
        for _ in 0..3 {
            b.take_record(1 << 20).unwrap();
        }
        let e = b.take_record(1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "more than 3.0 MiB of trace lines in total (the limit)"
        );
        assert_eq!(b.items(), 3, "a refused record is not counted");
        b.take_record(0).unwrap();
        let e = b.take_record(0).unwrap_err();
        assert_eq!(e.to_string(), "more than 4 trace lines (the limit)");
        assert!(b.take_bytes(u64::MAX).is_err(), "no overflow");
    }

    #[test]
    fn counts_and_strings_name_their_limit() {
        assert!(count("cores", 4096, 4096).is_ok());
        let e = count("cores", 5000, 4096).unwrap_err();
        assert_eq!(e.to_string(), "5000 cores: at most 4096");
        let e = string("command line", &"x".repeat(2048), 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a command line of 2.0 KiB: at most 1.0 KiB per command line"
        );
    }

    #[test]
    fn interned_strings_are_kept_and_charged_once() {
        let mut b = Budget::new(LIMITS);
        let mut strings = Interner::new();
        let one = strings.intern("python3 -u pool.py", &mut b).unwrap();
        let two = strings.intern("python3 -u pool.py", &mut b).unwrap();
        assert!(Arc::ptr_eq(&one, &two));
        assert_eq!((strings.len(), b.bytes()), (1, 18));
        let big = "x".repeat(3 << 20);
        assert!(strings.intern(&big, &mut b).is_err());
        assert_eq!(strings.len(), 1, "a refused string is not kept");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(Size(512).to_string(), "512 bytes");
        assert_eq!(Size(64 << 10).to_string(), "64.0 KiB");
        assert_eq!(Size(15 << 20).to_string(), "15.0 MiB");
        assert_eq!(Size(3 << 30).to_string(), "3.0 GiB");
    }
}
