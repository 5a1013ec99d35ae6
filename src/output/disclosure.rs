//! Statistical disclosure control for published counts: small counts suppressed, others rounded, secondary suppression.

use std::collections::BTreeMap;
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

/// How much a cell matters to the people who read the tables. When a sum needs one more hidden
/// cell, the least important is hidden first (as τ-Argus chooses complementary cells by cost):
/// a "not stated" or "none" row before a breakdown's ordinary cell, a headline cell last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Importance {
    /// A row of "not stated", "unknown", "other", "none" or "outside": hidden first.
    Residual,
    /// An ordinary cell of a table (an area, a band, a decile 3–8).
    #[default]
    Detail,
    /// What a board reads first: White and BME rows, Core20 (deciles 1–2), band-group totals, the
    /// counts of the WRES indicators, the totals. Hidden only when nothing else in the sum can be.
    Headline,
}

/// The additive relations between the cells of the tables a run publishes: a decile is the sum of
/// its areas, a quintile of two deciles, a total of its deciles, of its sites, of its specialties.
///
/// An attacker holding every published file can subtract along any of these relations, so a
/// hidden cell must never be narrowed by one to fewer values than a `*` stands for:
/// [`Disclosure::protect`] hides more cells until none is. Cells are indices into the run's list
/// of counts; each has an [`Importance`] (by default [`Importance::Detail`]).
#[derive(Debug, Clone, Default)]
pub struct Margins {
    /// Each relation's members: the parts, then the whole.
    relations: Vec<Vec<usize>>,
    importance: BTreeMap<usize, Importance>,
}

impl Margins {
    pub fn new() -> Margins {
        Margins::default()
    }

    /// `whole` is the sum of `parts` (both published, or hidden). Every member is a count (never
    /// negative): a difference is written as a sum, its larger side the whole.
    pub fn add(&mut self, parts: impl IntoIterator<Item = usize>, whole: usize) {
        let mut members: Vec<usize> = parts.into_iter().collect();
        members.push(whole);
        self.relations.push(members);
    }

    /// How much `cell` matters: the most important of the ranks given to it ([`Importance::Detail`]
    /// when none is).
    pub fn rank(&mut self, cell: usize, importance: Importance) {
        let rank = self.importance.entry(cell).or_insert(importance);
        *rank = (*rank).max(importance);
    }

    pub fn importance(&self, cell: usize) -> Importance {
        self.importance.get(&cell).copied().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.relations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.relations.is_empty()
    }

    /// Each relation's members: the parts, then the whole.
    pub fn relations(&self) -> &[Vec<usize>] {
        &self.relations
    }

    /// The member of a relation to hide next: not hidden, not zero, least important, then smallest.
    fn cheapest(&self, members: &[usize], raw: &[f64], hidden: &[bool]) -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| !hidden[i] && raw[i] > 0.0)
            .min_by(|&a, &b| self.importance(a).cmp(&self.importance(b)).then(raw[a].total_cmp(&raw[b])).then(a.cmp(&b)))
    }
}

/// What an attacker knows of one cell: the range of counts it can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub low: f64,
    /// `f64::INFINITY` for a hidden cell.
    pub high: f64,
}

impl Bounds {
    /// How many whole counts the range holds (`f64::INFINITY` when unbounded).
    pub fn values(self) -> f64 {
        (self.high.floor() - self.low.max(0.0).ceil() + 1.0).max(0.0)
    }
}

impl Disclosure {
    /// Which cells to hide: those given as `primary` (the rule's small counts, or cells hidden
    /// for a reason of the caller's), then, repeatedly, a member of any relation that narrows one
    /// of its hidden members to fewer values than the protection width
    /// ([`Disclosure::protection_width`]) from the published (rounded) counts of the others,
    /// choosing the least important, then smallest, non-zero member ([`Importance`]), until no
    /// relation does. Exact counts (`round_to` 1) leave a lone hidden member nothing to hide
    /// behind; counts rounded to 5 often protect it by themselves, and then nothing more is hidden.
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
                if !self.exposes(members, raw, &hidden) {
                    continue;
                }
                if let Some(i) = margins.cheapest(members, raw, &hidden) {
                    hidden[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return hidden;
            }
        }
    }

    /// The fewest values an attacker's range for a hidden count may hold: as many as a `*` stands
    /// for (1 to `min_count - 1`), and never fewer than 2 (one value is the count itself).
    pub fn protection_width(&self) -> f64 {
        f64::from(self.min_count.saturating_sub(1).max(2))
    }

    /// What an attacker knows of a count from its publication: hidden, anything from 0; published,
    /// every count that the rule publishes as the same number (a 10 is 8 to 12 under the default).
    ///
    /// ```
    /// use anchormap::output::disclosure::{Bounds, Disclosure};
    /// let rule = Disclosure::default();
    /// assert_eq!(rule.bounds(11.0, false), Bounds { low: 8.0, high: 12.0 });
    /// assert_eq!(rule.bounds(0.0, false), Bounds { low: 0.0, high: 0.0 });
    /// assert_eq!(rule.bounds(23.0, false), Bounds { low: 23.0, high: 27.0 });
    /// assert_eq!(rule.bounds(3.0, true).high, f64::INFINITY);
    /// ```
    pub fn bounds(&self, count: f64, hidden: bool) -> Bounds {
        let published = match (hidden, self.cell(count)) {
            (true, _) | (_, Cell::Suppressed) => return Bounds { low: 0.0, high: f64::INFINITY },
            (false, Cell::Count(r)) => r,
        };
        let step = f64::from(self.round_to.max(1));
        let (mut low, mut high) = ((published - step / 2.0).ceil().max(0.0), (published + step / 2.0).ceil() - 1.0);
        let min = f64::from(self.min_count);
        if low == 0.0 && high < min {
            high = 0.0;
        } else if low > 0.0 && low < min {
            low = min;
        }
        Bounds { low, high }
    }

    /// Whether the relation `members` (parts, then the whole) narrows one of its hidden members
    /// below the protection width, given what the attacker knows of the others.
    fn exposes(&self, members: &[usize], raw: &[f64], hidden: &[bool]) -> bool {
        if !members.iter().any(|&i| hidden[i]) {
            return false;
        }
        let bounds: Vec<Bounds> = members.iter().map(|&i| self.bounds(raw[i], hidden[i])).collect();
        let width = self.protection_width();
        members.iter().enumerate().filter(|(_, &i)| hidden[i]).any(|(k, _)| relation_bounds(&bounds, k).values() < width)
    }
}

/// The range one relation (`bounds` of its parts, then of its whole) gives member `k`.
///
/// ```
/// use anchormap::output::disclosure::{relation_bounds, Bounds};
/// // The whole is 38 to 42, one part 23 to 27: the other part is 11 to 19.
/// let b = [Bounds { low: 0.0, high: f64::INFINITY }, Bounds { low: 23.0, high: 27.0 }, Bounds { low: 38.0, high: 42.0 }];
/// assert_eq!(relation_bounds(&b, 0), Bounds { low: 11.0, high: 19.0 });
/// ```
pub fn relation_bounds(bounds: &[Bounds], k: usize) -> Bounds {
    let whole = bounds.len() - 1;
    let others = bounds[..whole].iter().enumerate().filter(|(i, _)| *i != k).map(|(_, b)| *b);
    let (low_sum, high_sum) = others.fold((0.0, 0.0), |(l, h), b| (l + b.low, h + b.high));
    if k == whole {
        Bounds { low: low_sum, high: high_sum }
    } else {
        let w = bounds[whole];
        Bounds { low: (w.low - high_sum).max(0.0), high: w.high - low_sum }
    }
}

impl Disclosure {
    /// Groups named by a free-text value of the input (a staff group, a specialty) as published:
    /// those of fewer than `min_count` people merged into one row named `other`, so that a rare
    /// value is published neither word for word nor as a row of `*` beside its siblings. Under a
    /// rule that protects nothing, every group as it is.
    ///
    /// ```
    /// use std::collections::BTreeMap;
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
        for members in &margins.relations {
            assert_ne!(members.iter().filter(|&&i| hidden[i]).count(), 1, "{members:?}");
        }
        // A hidden whole with published parts is protected the same way.
        let mut m = Margins::new();
        m.add([0, 1], 2);
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
        for (cell, importance) in [(0, Importance::Headline), (1, Importance::Headline), (3, Importance::Residual), (4, Importance::Headline)] {
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
        // range for the 2 is 33-12-27 .. 37-8-23, i.e. 0..6: as wide as a `*`, nothing more hidden.
        let raw = [23.0, 9.0, 2.0, 34.0];
        let mut margins = Margins::new();
        margins.add([0, 1, 2], 3);
        let rule = Disclosure::default();
        assert_eq!(rule.protect(&raw, &rule.primary(&raw), &margins), vec![false, false, true, false]);
        // With two members only (shortlisted 10 = appointed 2 + not appointed 8) the range is 0..4: one more.
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
    fn none_publishes_exact_counts() {
        assert_eq!(Disclosure::NONE.line(&[1.0, 2.0]), vec![Cell::Count(1.0), Cell::Count(2.0)]);
    }
}
