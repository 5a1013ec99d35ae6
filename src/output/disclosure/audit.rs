//! The run's own attack on what it publishes, written as `disclosure_audit.json`.

use super::linear::{Depth, LinearRanges};
use super::{Disclosure, Importance, Margins};

/// What an attacker holding every published file gets from the sums of one protected system of
/// cells: publishable (no count), written to a run's `disclosure_audit.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DisclosureAudit {
    /// What the system's cells are (e.g. "staff: every table of the run").
    pub cells_of: String,
    /// Cells in the system (published or implied by a sum).
    pub cells: usize,
    /// Cells published as `*`.
    pub cells_hidden: usize,
    /// Hidden cells of the rows a board reads first ([`Importance::Headline`]).
    pub headline_cells_hidden: usize,
    /// Non-zero cells published rounded.
    pub cells_rounded: usize,
    /// The fewest values the attacker's range holds for any hidden small count (one the rule
    /// hides for itself; `null` when none is hidden). A range the programs showed wide enough
    /// without solving for it is counted as wide as shown, so this is at least, not exactly, the
    /// narrowest range.
    pub narrowest_hidden_range: Option<u64>,
    /// Published exact counts narrowed to a single value by the sums, behind a rounded cell.
    pub rounded_cells_pinned: usize,
    /// Counts hidden only to protect a small one (8 or more under the default rule) narrowed to a
    /// single value: they need no wider range than a rounded count, but not one value.
    #[serde(default)]
    pub complementary_cells_pinned: usize,
    /// The fewest values a hidden cell's range must hold ([`Disclosure::protection_width`]).
    pub protection_width: u64,
    /// Linear programs the audit solved (each an attacker's least or greatest value of a count).
    #[serde(default)]
    pub linear_programs: usize,
    /// Cells whose programs the solver could not answer (their range is from the sums one at a
    /// time, and the system is not called protected).
    #[serde(default)]
    pub cells_unsolved: usize,
    /// Integer programs solved where a linear program's optimum was fractional (an attacker's
    /// integer solver may rule out whole counts the linear program allows there).
    #[serde(default)]
    pub integer_programs: usize,
    /// Every hidden cell at least that wide, no rounded cell pinned, every program answered.
    pub protected: bool,
}

impl Disclosure {
    /// The audit of one system, as an attacker with every published file and a solver does it:
    /// every cell's range narrowed along the sums one at a time until nothing changes, then by a
    /// linear program over all sums at once for each hidden and each rounded cell.
    pub fn audit(&self, cells_of: &str, raw: &[f64], hidden: &[bool], margins: &Margins) -> DisclosureAudit {
        self.audit_with_ranges(cells_of, raw, hidden, margins).0
    }

    /// [`Disclosure::audit`], with each cell's range as the attacker's programs leave it (for a
    /// target shown wide enough without its own program, a range at least that wide).
    pub fn audit_with_ranges(
        &self,
        cells_of: &str,
        raw: &[f64],
        hidden: &[bool],
        margins: &Margins,
    ) -> (DisclosureAudit, Vec<super::Bounds>) {
        self.audit_of(cells_of, raw, hidden, margins, self.attack(raw, hidden, margins, Depth::Full))
    }

    /// The audit from an `attack` on the system as published.
    pub(super) fn audit_of(
        &self,
        cells_of: &str,
        raw: &[f64],
        hidden: &[bool],
        margins: &Margins,
        attack: LinearRanges,
    ) -> (DisclosureAudit, Vec<super::Bounds>) {
        let ranges = &attack.ranges;
        let small = |i: usize| hidden[i] && (self.is_small(raw[i]) || margins.is_sensitive(i));
        let small_values = (0..raw.len()).filter(|&i| small(i)).map(|i| ranges[i].values());
        let narrowest = small_values.fold(None, |n: Option<f64>, v| Some(n.map_or(v, |n| n.min(v))));
        let rounded = |i: usize| self.is_rounded(raw, hidden, margins, i);
        let pinned = (0..raw.len()).filter(|&i| rounded(i) && ranges[i].values() <= 1.0).count();
        let complementary_pinned =
            (0..raw.len()).filter(|&i| hidden[i] && !small(i) && ranges[i].values() <= 1.0).count();
        let width = self.protection_width();
        let audit = DisclosureAudit {
            cells_of: cells_of.to_string(),
            cells: raw.len(),
            cells_hidden: hidden.iter().filter(|h| **h).count(),
            headline_cells_hidden: (0..raw.len())
                .filter(|&i| hidden[i] && margins.importance(i) == Importance::Headline)
                .count(),
            cells_rounded: (0..raw.len()).filter(|&i| rounded(i)).count(),
            narrowest_hidden_range: narrowest.map(|n| if n.is_finite() { n as u64 } else { u64::MAX }),
            rounded_cells_pinned: pinned,
            complementary_cells_pinned: complementary_pinned,
            protection_width: width as u64,
            linear_programs: attack.programs,
            cells_unsolved: attack.unsolved,
            integer_programs: attack.integer_programs,
            protected: narrowest.is_none_or(|n| n >= width)
                && pinned == 0
                && complementary_pinned == 0
                && attack.unsolved == 0,
        };
        (audit, attack.ranges)
    }
}

/// A run's `disclosure_audit.json`: publishable, no counts.
pub const AUDIT_FILE: &str = "disclosure_audit.json";

/// The audit of every protected system of a run, with what it means.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunAudit {
    /// The rule the run published under.
    pub rule: Disclosure,
    /// How the attacker's ranges are worked out.
    pub method: String,
    /// One audit per protected system of sums.
    pub systems: Vec<DisclosureAudit>,
    /// One sentence for a reader.
    pub summary: String,
}

impl RunAudit {
    /// The audit of a run from its systems' audits, with the sentence for a reader.
    pub fn new(rule: Disclosure, systems: Vec<DisclosureAudit>) -> RunAudit {
        let hidden: usize = systems.iter().map(|s| s.cells_hidden).sum();
        let narrowest = systems.iter().filter_map(|s| s.narrowest_hidden_range).min();
        let pinned: usize = systems.iter().map(|s| s.rounded_cells_pinned + s.complementary_cells_pinned).sum();
        let width = rule.protection_width() as u64;
        let mut exposed = Vec::new();
        if let Some(n) = narrowest.filter(|&n| n < width) {
            exposed.push(format!(
                "a hidden small count can be narrowed to {n} possible values (at least {width} required)"
            ));
        }
        if pinned > 0 {
            let counts = if pinned == 1 { "rounded or hidden count" } else { "rounded or hidden counts" };
            exposed.push(format!("{pinned} {counts} can be worked back to the exact number from the sums"));
        }
        let hidden = crate::io::format::thousands(hidden as u64);
        let summary = match (narrowest, exposed.is_empty()) {
            (_, false) => format!("{hidden} cells hidden; {}: check before publishing", exposed.join(", and ")),
            (None, true) if hidden == "0" => {
                "no count is hidden, and no rounded count can be worked back from the sums".to_string()
            }
            (None, true) => format!(
                "{hidden} cells hidden (none of them small); from every sum of this run's published files an attacker works no \
                 count back exactly"
            ),
            (Some(n), true) => format!(
                "{hidden} cells hidden; from every sum of this run's published files an attacker narrows no hidden small count \
                 to fewer than {n} possible values (at least {width} required) and works no count back exactly"
            ),
        };
        RunAudit {
            rule,
            method: "each cell's range (a hidden count from 0; a published count, every count the rule publishes as it) narrowed \
                     along every sum the run's published files imply, one sum at a time until nothing changes, then by linear \
                     programs over all the sums at once (microlp): each hidden small count's least and greatest value (it must \
                     hold at least the protection width), and whether a rounded count, or a count hidden only to protect a small \
                     one, can be worked back to one value. Only whole-count solutions widen a range; where a linear \
                     program's optimum is fractional, the attacker's integer program is solved instead, so each range holds \
                     only counts some whole-count table of every published file allows"
                .to_string(),
            systems,
            summary,
        }
    }

    /// Writes [`AUDIT_FILE`] into a run's folder; its name, for the run's list of outputs.
    pub fn write(&self, out: &std::path::Path) -> crate::error::Result<String> {
        crate::output::summary::write_json(&out.join(AUDIT_FILE), self)?;
        Ok(AUDIT_FILE.to_string())
    }
}
