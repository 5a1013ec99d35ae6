//! Statistical disclosure control for published counts: small counts suppressed, others rounded, secondary suppression.

use std::fmt;

/// A published count: a (rounded) number, or suppressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Count(f64),
    Suppressed,
}

impl Cell {
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Count(v) => Some(v),
            Cell::Suppressed => None,
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

/// The additive relations between the cells of the tables a run publishes: a decile is the sum of
/// its areas, a quintile of two deciles, a total of its deciles, of its sites, of its specialties.
///
/// An attacker holding every published file can subtract along any of these relations, so a
/// hidden cell must never be the only hidden member of one: [`Disclosure::protect`] hides more
/// cells until none is. Cells are indices into the run's list of counts.
#[derive(Debug, Clone, Default)]
pub struct Margins {
    relations: Vec<Vec<usize>>,
}

impl Margins {
    pub fn new() -> Margins {
        Margins::default()
    }

    /// `whole` is the sum of `parts` (both published, or hidden).
    pub fn add(&mut self, parts: impl IntoIterator<Item = usize>, whole: usize) {
        let mut members: Vec<usize> = parts.into_iter().collect();
        members.push(whole);
        self.relations.push(members);
    }

    pub fn len(&self) -> usize {
        self.relations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.relations.is_empty()
    }
}

impl Disclosure {
    /// Which cells to hide: those given as `primary` (the rule's small counts, or cells hidden
    /// for a reason of the caller's), then, repeatedly, the smallest other non-zero member of any
    /// relation that has exactly one hidden member, until no relation has.
    ///
    /// ```
    /// use anchormap::output::disclosure::{Disclosure, Margins};
    /// // Two deciles (3 and 40 people) and their quintile (43): hiding the 3 alone would let the
    /// // quintile minus the 40 give it back, so the 40 is hidden too.
    /// let mut margins = Margins::new();
    /// margins.add([0, 1], 2);
    /// let rule = Disclosure { min_count: 8, round_to: 1 };
    /// let hidden = rule.protect(&[3.0, 40.0, 43.0], &rule.primary(&[3.0, 40.0, 43.0]), &margins);
    /// assert_eq!(hidden, vec![true, true, false]);
    /// ```
    pub fn protect(&self, raw: &[f64], primary: &[bool], margins: &Margins) -> Vec<bool> {
        let mut hidden = primary.to_vec();
        hidden.resize(raw.len(), false);
        loop {
            let mut changed = false;
            for members in &margins.relations {
                if members.iter().filter(|&&i| hidden[i]).count() != 1 {
                    continue;
                }
                let smallest = members
                    .iter()
                    .copied()
                    .filter(|&i| !hidden[i] && raw[i] > 0.0)
                    .min_by(|&a, &b| raw[a].total_cmp(&raw[b]).then(a.cmp(&b)));
                if let Some(i) = smallest {
                    hidden[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return hidden;
            }
        }
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
        for members in &margins.relations {
            assert_ne!(members.iter().filter(|&&i| hidden[i]).count(), 1, "{members:?}");
        }
        // A hidden whole with published parts is protected the same way.
        let mut m = Margins::new();
        m.add([0, 1], 2);
        assert_eq!(rule.protect(&[10.0, 20.0, 30.0], &[false, false, true], &m), vec![true, false, true]);
    }

    #[test]
    fn none_publishes_exact_counts() {
        assert_eq!(Disclosure::NONE.line(&[1.0, 2.0]), vec![Cell::Count(1.0), Cell::Count(2.0)]);
    }
}
