//! Statistical disclosure control for published counts: small counts suppressed, others rounded, secondary suppression.

use std::collections::BTreeMap;
use std::fmt;

mod attacker;
mod audit;
pub mod commute_runs;
pub mod joint;
mod linear;
mod margins;
mod protect;
pub mod runs;

pub use attacker::{relation_bounds, Bounds};
pub use audit::{DisclosureAudit, RunAudit, AUDIT_FILE};
pub use margins::{Importance, Margins};

/// A published count: a (rounded) number, or suppressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// The count as published (rounded under the rule).
    Count(f64),
    /// Shown as `*`.
    Suppressed,
}

impl Cell {
    /// The published number, or `None` for a suppressed cell.
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Count(v) => Some(v),
            Cell::Suppressed => None,
        }
    }

    /// `part` ÷ `whole` × `scale` of two published figures (a rate computed from what is
    /// published): hidden with either, `None` when `whole` is 0.
    ///
    /// ```
    /// use anchormap::output::disclosure::Cell;
    /// assert_eq!(Cell::per(Cell::Count(30.0), Cell::Count(10.0), 60.0), Some(Cell::Count(180.0)));
    /// assert_eq!(Cell::per(Cell::Count(30.0), Cell::Suppressed, 1.0), Some(Cell::Suppressed));
    /// assert_eq!(Cell::per(Cell::Count(30.0), Cell::Count(0.0), 1.0), None);
    /// ```
    pub fn per(part: Cell, whole: Cell, scale: f64) -> Option<Cell> {
        match (part, whole) {
            (Cell::Suppressed, _) | (_, Cell::Suppressed) => Some(Cell::Suppressed),
            (Cell::Count(p), Cell::Count(w)) if w > 0.0 => Some(Cell::Count(p / w * scale)),
            _ => None,
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Count(v) => write!(f, "{v}"),
            Cell::Suppressed => f.write_str("*"),
        }
    }
}

/// The rule applied to counts of people before publication.
///
/// The default is NHS Digital's rule for Hospital Episode Statistics: counts of 1–7 shown as
/// `*`, others rounded to the nearest 5, percentages computed from the rounded numbers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Disclosure {
    /// The smallest count shown; 1 to `min_count - 1` are suppressed (0 is shown).
    pub min_count: u32,
    /// Counts are rounded to a multiple of this (1 = not rounded).
    pub round_to: u32,
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure { min_count: 8, round_to: 5 }
    }
}

impl Disclosure {
    /// Exact counts, for internal (unpublished) use.
    pub const NONE: Disclosure = Disclosure { min_count: 0, round_to: 1 };

    /// One count, on its own.
    ///
    /// ```
    /// use anchormap::output::disclosure::{Cell, Disclosure};
    /// let rule = Disclosure::default();
    /// assert_eq!(rule.cell(0.0), Cell::Count(0.0));
    /// assert_eq!(rule.cell(7.0), Cell::Suppressed);
    /// assert_eq!(rule.cell(8.0), Cell::Count(10.0));
    /// assert_eq!(rule.cell(12.0), Cell::Count(10.0));
    /// assert_eq!(rule.cell(13.0), Cell::Count(15.0));
    /// ```
    pub fn cell(&self, count: f64) -> Cell {
        if count > 0.0 && count < self.min_count as f64 {
            return Cell::Suppressed;
        }
        let step = self.round_to.max(1) as f64;
        Cell::Count((count / step).round() * step)
    }

    /// Counts that add up to a published total: if exactly one of them is suppressed it could be
    /// recovered by subtraction, so the smallest other non-zero count is suppressed too.
    pub fn line(&self, counts: &[f64]) -> Vec<Cell> {
        let mut cells: Vec<Cell> = counts.iter().map(|c| self.cell(*c)).collect();
        secondary(&mut cells, counts);
        cells
    }

    /// A table whose rows and columns both add up to published totals (groups × classes):
    /// secondary suppression is repeated over rows and columns until no line has a lone `*`.
    pub fn table(&self, counts: &[Vec<f64>]) -> Vec<Vec<Cell>> {
        let mut cells: Vec<Vec<Cell>> = counts.iter().map(|row| row.iter().map(|c| self.cell(*c)).collect()).collect();
        let columns = counts.first().map_or(0, Vec::len);
        loop {
            let mut changed = false;
            for (row, raw) in cells.iter_mut().zip(counts) {
                changed |= secondary(row, raw);
            }
            for c in 0..columns {
                let mut column: Vec<Cell> = cells.iter().map(|r| r[c]).collect();
                let raw: Vec<f64> = counts.iter().map(|r| r[c]).collect();
                if secondary(&mut column, &raw) {
                    changed = true;
                    for (row, cell) in cells.iter_mut().zip(column) {
                        row[c] = cell;
                    }
                }
            }
            if !changed {
                return cells;
            }
        }
    }
}

impl Disclosure {
    /// Groups named by a free-text value of the input (a staff group, a specialty) as published:
    /// those of fewer than `min_count` people merged into one row named `other`, so that a rare
    /// value is published neither word for word nor as a row of `*` beside its siblings. Under a
    /// rule that protects nothing, every group as it is.
    ///
    /// ```
    /// use std::collections::{BTreeMap, BTreeSet};
    /// use anchormap::output::disclosure::Disclosure;
    /// let groups = BTreeMap::from([("Nursing".to_string(), 40.0), ("J Smith".to_string(), 1.0), ("Estates".to_string(), 2.0)]);
    /// let merged = Disclosure::default().merge_rare(&groups, |n| *n, |a, b| *a += *b, "Other");
    /// assert_eq!(merged, BTreeMap::from([("Nursing".to_string(), 40.0), ("Other".to_string(), 3.0)]));
    /// ```
    pub fn merge_rare<T: Clone>(
        &self,
        groups: &BTreeMap<String, T>,
        size: impl Fn(&T) -> f64,
        add: impl Fn(&mut T, &T),
        other: &str,
    ) -> BTreeMap<String, T> {
        if !self.protects() {
            return groups.clone();
        }
        let mut merged: BTreeMap<String, T> = BTreeMap::new();
        for (label, group) in groups {
            let rare = size(group) < f64::from(self.min_count.max(1));
            let label = if rare { other } else { label.as_str() };
            match merged.get_mut(label) {
                Some(existing) => add(existing, group),
                None => {
                    merged.insert(label.to_string(), group.clone());
                }
            }
        }
        merged
    }

    /// Whether the rule protects anything (a minimum count or rounding); [`Disclosure::NONE`] does not.
    pub fn protects(&self) -> bool {
        self.min_count > 1 || self.round_to > 1
    }

    /// The cells the rule hides for their own sake: counts from 1 to `min_count - 1`.
    pub fn primary(&self, raw: &[f64]) -> Vec<bool> {
        raw.iter().map(|c| self.cell(*c) == Cell::Suppressed).collect()
    }

    /// Every count as published: hidden (primary and secondary, across all `margins`) or rounded.
    pub fn cells(&self, raw: &[f64], margins: &Margins) -> Vec<Cell> {
        let hidden = self.protect(raw, &self.primary(raw), margins);
        raw.iter().zip(hidden).map(|(c, h)| if h { Cell::Suppressed } else { self.cell(*c) }).collect()
    }
}

/// Suppresses the smallest other non-zero cell when exactly one is suppressed; true if it did.
fn secondary(cells: &mut [Cell], raw: &[f64]) -> bool {
    if self_suppressed(cells) != 1 {
        return false;
    }
    let smallest = cells
        .iter()
        .zip(raw)
        .enumerate()
        .filter(|(_, (cell, raw))| matches!(cell, Cell::Count(_)) && **raw > 0.0)
        .min_by(|a, b| a.1 .1.total_cmp(b.1 .1).then(a.0.cmp(&b.0)))
        .map(|(i, _)| i);
    match smallest {
        Some(i) => {
            cells[i] = Cell::Suppressed;
            true
        }
        None => false,
    }
}

fn self_suppressed(cells: &[Cell]) -> usize {
    cells.iter().filter(|c| **c == Cell::Suppressed).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_suppressed_cell_takes_another_with_it() {
        let rule = Disclosure::default();
        let cells = rule.line(&[3.0, 40.0, 12.0, 0.0]);
        assert_eq!(cells, vec![Cell::Suppressed, Cell::Count(40.0), Cell::Suppressed, Cell::Count(0.0)]);
        let two = rule.line(&[3.0, 5.0, 40.0]);
        assert_eq!(two, vec![Cell::Suppressed, Cell::Suppressed, Cell::Count(40.0)]);
        assert_eq!(rule.line(&[9.0, 40.0]), vec![Cell::Count(10.0), Cell::Count(40.0)]);
    }

    #[test]
    fn tables_are_protected_on_rows_and_columns() {
        let rule = Disclosure::default();
        let cells = rule.table(&[vec![3.0, 50.0, 60.0], vec![20.0, 30.0, 40.0]]);
        // Row 0 suppresses 50 as well; then columns 0 and 1 each have one * and take 20 and 30.
        let stars: Vec<Vec<bool>> = cells.iter().map(|r| r.iter().map(|c| *c == Cell::Suppressed).collect()).collect();
        assert_eq!(stars, vec![vec![true, true, false], vec![true, true, false]]);
    }

    #[test]
    fn margins_link_tables_so_no_difference_reveals_a_hidden_count() {
        // Deciles 0..4 (3, 20, 30, 40), quintiles 4 = d0+d1 and 5 = d2+d3, total 6.
        let raw = [3.0, 20.0, 30.0, 40.0, 23.0, 70.0, 93.0];
        let mut margins = Margins::new();
        margins.add([0, 1], 4);
        margins.add([2, 3], 5);
        margins.add([0, 1, 2, 3], 6);
        margins.add([4, 5], 6);
        let rule = Disclosure { min_count: 8, round_to: 1 };
        let hidden = rule.protect(&raw, &rule.primary(&raw), &margins);
        // 3 hidden; its quintile partner 20 hidden; then the quintile 23 is hidden too? No:
        // {d0, d1, q1} has two hidden members already; {q1, q2, total} has none hidden.
        assert_eq!(hidden, vec![true, true, false, false, false, false, false]);
        for members in margins.relations() {
            assert_ne!(members.iter().filter(|&&i| hidden[i]).count(), 1, "{members:?}");
        }
        // A hidden whole with published parts is protected the same way.
        // A count the caller hides is worked back from exact parts: one part is hidden with it.
        let mut m = Margins::new();
        m.add([0, 1], 2);
        assert_eq!(rule.protect(&[10.0, 20.0, 30.0], &[false, false, true], &m), vec![true, false, true]);
        // Marked sensitive, it needs a small count's width: 10 + 20 published leaves it 30 alone,
        // so both parts are hidden? No: one hidden part leaves it anything from 20 up.
        m.sensitive(2);
        assert_eq!(rule.protect(&[10.0, 20.0, 30.0], &[false, false, true], &m), vec![true, false, true]);
    }

    #[test]
    fn a_not_stated_row_is_hidden_before_a_headline_row() {
        // White 40, BME 30, not stated 3, other 35 (a Residual row), total 108; exact counts: one more must go.
        let raw = [40.0, 30.0, 3.0, 35.0, 108.0];
        let mut margins = Margins::new();
        margins.add([0, 1, 2, 3], 4);
        let rule = Disclosure { min_count: 8, round_to: 1 };
        // Without ranks the smallest goes: BME.
        assert_eq!(rule.protect(&raw, &rule.primary(&raw), &margins), vec![false, true, true, false, false]);
        for (cell, importance) in
            [(0, Importance::Headline), (1, Importance::Headline), (3, Importance::Residual), (4, Importance::Headline)]
        {
            margins.rank(cell, importance);
        }
        assert_eq!(rule.protect(&raw, &rule.primary(&raw), &margins), vec![false, false, true, true, false]);
        // A rank only ever rises: the other row ranked a headline too, the smallest headline goes.
        margins.rank(3, Importance::Headline);
        assert_eq!(margins.importance(3), Importance::Headline);
        assert_eq!(rule.protect(&raw, &rule.primary(&raw), &margins), vec![false, true, true, false, false]);
    }

    #[test]
    fn rounding_protects_a_lone_small_count_when_the_others_leave_it_wide() {
        // White appointed 23, BME 9, not stated 2, all 34: published 25, 10, *, 35. The attacker's
        // range for the 2 is 33-12-27 .. 37-8-23, i.e. 0..6: wide enough, nothing more hidden.
        let raw = [23.0, 9.0, 2.0, 34.0];
        let mut margins = Margins::new();
        margins.add([0, 1, 2], 3);
        let rule = Disclosure::default();
        assert_eq!(rule.protect(&raw, &rule.primary(&raw), &margins), vec![false, false, true, false]);
        // With two members only (shortlisted 10 = appointed 2 + not appointed 8) the range is 0..4,
        // no wider than a rounded count's: one more.
        let raw = [2.0, 8.0, 10.0];
        let mut margins = Margins::new();
        margins.add([0, 1], 2);
        assert_eq!(rule.protect(&raw, &rule.primary(&raw), &margins), vec![true, true, false]);
        // Exact counts: two hidden cells adding up to 2 (a whole of 12 less a published 10) are both 1.
        let exact = Disclosure { min_count: 8, round_to: 1 };
        let raw = [1.0, 1.0, 10.0, 12.0];
        let mut margins = Margins::new();
        margins.add([0, 1, 2], 3);
        assert_eq!(exact.protect(&raw, &exact.primary(&raw), &margins), vec![true, true, true, false]);
    }

    #[test]
    fn the_audit_narrows_along_every_sum_as_an_attacker_would() {
        let exact = Disclosure { min_count: 8, round_to: 1 };
        let mut margins = Margins::new();
        margins.add([0, 1], 2);
        // Two deciles hidden under a published quintile of 43: each anywhere in 0..43.
        let audit = exact.audit("test", &[3.0, 40.0, 43.0], &[true, true, false], &margins);
        assert_eq!((audit.cells_hidden, audit.narrowest_hidden_range, audit.protected), (2, Some(44), true));
        // One hidden alone: the quintile less the other decile gives it back.
        let audit = exact.audit("test", &[3.0, 40.0, 43.0], &[true, false, false], &margins);
        assert_eq!((audit.narrowest_hidden_range, audit.protected), (Some(1), false));
        // Chained: d0 + d1 = q0 and q0 + q1 = total, with d0, q0 hidden and the rest published: q0 = total - q1, then d0.
        margins.add([2, 3], 4);
        let audit = exact.audit("test", &[3.0, 40.0, 43.0, 50.0, 93.0], &[true, false, true, false, false], &margins);
        assert_eq!(audit.narrowest_hidden_range, Some(1), "two sums together pin what neither does alone");
        // What protect chooses is protected by the audit's measure too.
        let raw = [3.0, 40.0, 43.0, 50.0, 93.0];
        let hidden = exact.protect(&raw, &exact.primary(&raw), &margins);
        assert!(exact.audit("test", &raw, &hidden, &margins).protected, "{hidden:?}");
    }

    #[test]
    fn a_solver_pins_what_no_sum_alone_narrows() {
        // x + y = 10, x + z = 10, y + z = 10 with x, y, z hidden: each sum alone leaves each of them
        // anything from 0 to 10, but the three together have one solution, 5, 5, 5.
        let exact = Disclosure { min_count: 8, round_to: 1 };
        let raw = [5.0, 5.0, 5.0, 10.0, 10.0, 10.0];
        let mut margins = Margins::new();
        margins.add([0, 1], 3);
        margins.add([0, 2], 4);
        margins.add([1, 2], 5);
        let primary = exact.primary(&raw);
        assert_eq!(exact.attacker_ranges(&raw, &primary, &margins)[0].values(), 11.0, "one sum at a time, wide");
        let audit = exact.audit("test", &raw, &primary, &margins);
        assert_eq!((audit.narrowest_hidden_range, audit.protected), (Some(1), false), "{audit:?}");
        assert!(audit.linear_programs > 0);
        // Protection hides one of the sums as well, after which each count could be 0 to 10 again.
        let hidden = exact.protect(&raw, &primary, &margins);
        assert_eq!(hidden.iter().filter(|h| **h).count(), 4, "{hidden:?}");
        let audit = exact.audit("test", &raw, &hidden, &margins);
        assert!(audit.protected, "{audit:?}");
        assert_eq!(audit.headline_cells_hidden, 0);
    }

    #[test]
    fn rounded_counts_the_sums_pin_are_found_and_protected() {
        // Two parts of 12 published as 10 (8 to 12 each), their whole of 24 as 25 (23 to 27): the
        // parts add up to at most 24, so the whole is 23 or 24 and each part 11 or 12: not one value.
        let rule = Disclosure::default();
        let mut margins = Margins::new();
        margins.add([0, 1], 2);
        let audit = rule.audit("test", &[12.0, 12.0, 24.0], &[false; 3], &margins);
        assert_eq!(audit.rounded_cells_pinned, 0, "{audit:?}");
        // Four parts of 12 published as 10 and their whole of 48 as 50 (48 to 52): the parts add up
        // to at most 48, so every count is worked back exactly.
        let raw = [12.0, 12.0, 12.0, 12.0, 48.0];
        let mut margins = Margins::new();
        margins.add([0, 1, 2, 3], 4);
        let audit = rule.audit("test", &raw, &[false; 5], &margins);
        assert_eq!((audit.rounded_cells_pinned, audit.protected), (5, false), "{audit:?}");
        // Protection hides one part: the whole less the others then leaves it anything from 12 to 28,
        // and the others free within their rounding.
        let protected = rule.protect(&raw, &rule.primary(&raw), &margins);
        assert_eq!(protected, vec![true, false, false, false, false]);
        assert!(rule.audit("test", &raw, &protected, &margins).protected, "{protected:?}");
    }

    #[test]
    fn a_fractional_optimum_is_solved_as_the_attacker_s_integer_program() {
        // x + y = 9 (published exactly), y + z and x + z each published as 8 to 12, x, y, z hidden:
        // the sums form an odd cycle, so the linear program's greatest x is 6.5 (y 2.5, z 5.5) and
        // its least 2.5. Only whole-count solutions count: the integer program's 3 to 6, which a
        // search of every table of counts confirms.
        let open = Bounds { low: 0.0, high: f64::INFINITY };
        let start = [
            open,
            open,
            open,
            Bounds { low: 9.0, high: 9.0 },
            Bounds { low: 8.0, high: 12.0 },
            Bounds { low: 8.0, high: 12.0 },
        ];
        let truth = [4.0, 5.0, 4.0, 9.0, 9.0, 8.0];
        let relations = vec![vec![0, 1, 3], vec![1, 2, 4], vec![0, 2, 5]];
        let target = linear::Target { cell: 0, values: 7.0 };
        let ranges = linear::narrow(&start, &truth, &relations, &[target], linear::Depth::Full);
        let tables = (0..=9).flat_map(|x| (0..=9).flat_map(move |y| (0..=12).map(move |z| (x, y, z))));
        let xs: Vec<i32> = tables
            .filter(|&(x, y, z)| x + y == 9 && (8..=12).contains(&(y + z)) && (8..=12).contains(&(x + z)))
            .map(|t| t.0)
            .collect();
        let (least, greatest) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
        assert_eq!((least, greatest), (3, 6));
        assert_eq!(ranges.ranges[0], Bounds { low: 3.0, high: 6.0 }, "{ranges:?}");
        assert!(ranges.integer_programs > 0, "the fractional optima were solved as integer programs: {ranges:?}");
        assert_eq!(ranges.unsolved, 0);
    }

    #[test]
    fn none_publishes_exact_counts() {
        assert_eq!(Disclosure::NONE.line(&[1.0, 2.0]), vec![Cell::Count(1.0), Cell::Count(2.0)]);
    }
}
