//! Statistical disclosure control for published counts: small counts suppressed, others rounded, secondary suppression.

use std::collections::{BTreeMap, BTreeSet};
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
/// hidden cell must never be narrowed by one to fewer values than [`Disclosure::protection_width`]:
/// [`Disclosure::protect`] hides more cells until none is. Cells are indices into the run's list
/// of counts; each has an [`Importance`] (by default [`Importance::Detail`]).
#[derive(Debug, Clone, Default)]
pub struct Margins {
    /// Each relation's members: the parts, then the whole.
    relations: Vec<Vec<usize>>,
    importance: BTreeMap<usize, Importance>,
    /// Cells no file publishes (a subtraction of published ones gives them: applied but not
    /// shortlisted): the attacker knows only what the sums give.
    unpublished: BTreeSet<usize>,
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

    /// `cell` is in no published file: only the sums say anything of it.
    pub fn unpublished(&mut self, cell: usize) {
        self.unpublished.insert(cell);
    }

    /// Whether `cell` is in a published file.
    pub fn is_published(&self, cell: usize) -> bool {
        !self.unpublished.contains(&cell)
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

    /// The member of a relation to hide next: published, not hidden, not zero, least important,
    /// then smallest.
    fn cheapest(&self, members: &[usize], raw: &[f64], hidden: &[bool]) -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| !hidden[i] && raw[i] > 0.0 && self.is_published(i))
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
        let mut hidden = self.protect_sum_by_sum(raw, primary, margins);
        // Sums together can narrow a count further than any one of them: while the attacker's
        // ranges along all of them ([`Disclosure::audit`]) leave a hidden count too narrow, hide
        // the cheapest member of a sum it is in, and protect sum by sum again.
        let width = self.protection_width();
        for _ in 0..raw.len() {
            let ranges = self.attacker_ranges(raw, &hidden, margins);
            let Some(narrow) = (0..raw.len()).find(|&i| hidden[i] && ranges[i].values() < width) else { break };
            let sums = margins.relations.iter().filter(|members| members.contains(&narrow));
            let candidates: Vec<usize> = sums.filter_map(|members| margins.cheapest(members, raw, &hidden)).collect();
            let Some(next) = margins.cheapest(&candidates, raw, &hidden) else { break };
            hidden[next] = true;
            hidden = self.protect_sum_by_sum(raw, &hidden, margins);
        }
        hidden
    }

    /// [`Disclosure::protect`] one sum at a time: until no single sum narrows a hidden member too far.
    fn protect_sum_by_sum(&self, raw: &[f64], primary: &[bool], margins: &Margins) -> Vec<bool> {
        let mut hidden = primary.to_vec();
        hidden.resize(raw.len(), false);
        loop {
            let mut changed = false;
            for members in &margins.relations {
                if !self.exposes(members, raw, &hidden, margins) {
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

    /// The fewest values an attacker's range for a hidden count may hold: with exact counts, as
    /// many as a `*` stands for (1 to `min_count - 1`); with rounded counts, one more than a
    /// rounded count's range (a hidden count is never known better than a published one), up to
    /// that; never fewer than 2 (one value is the count itself).
    ///
    /// ```
    /// use anchormap::output::disclosure::Disclosure;
    /// assert_eq!(Disclosure::default().protection_width(), 6.0);
    /// assert_eq!(Disclosure { min_count: 8, round_to: 1 }.protection_width(), 7.0);
    /// ```
    pub fn protection_width(&self) -> f64 {
        let star = self.min_count.saturating_sub(1);
        let width = if self.round_to > 1 { (self.round_to + 1).min(star) } else { star };
        f64::from(width.max(2))
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

    /// What the attacker knows of cell `i` before using any sum: an unpublished one, nothing.
    fn known(&self, raw: &[f64], hidden: &[bool], margins: &Margins, i: usize) -> Bounds {
        self.bounds(raw[i], hidden[i] || !margins.is_published(i))
    }

    /// Whether the relation `members` (parts, then the whole) narrows one of its hidden members
    /// below the protection width, given what the attacker knows of the others.
    fn exposes(&self, members: &[usize], raw: &[f64], hidden: &[bool], margins: &Margins) -> bool {
        if !members.iter().any(|&i| hidden[i]) {
            return false;
        }
        let bounds: Vec<Bounds> = members.iter().map(|&i| self.known(raw, hidden, margins, i)).collect();
        let (sums, width) = (RelationSums::of(&bounds), self.protection_width());
        members.iter().enumerate().filter(|(_, &i)| hidden[i]).any(|(k, _)| sums.member(&bounds, k).values() < width)
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
    RelationSums::of(bounds).member(bounds, k)
}

/// The sums of a relation's parts' bounds, from which each member's range follows in one step.
struct RelationSums {
    low: f64,
    /// The sum of the finite upper bounds, and how many parts have none.
    finite_high: f64,
    unbounded: usize,
}

impl RelationSums {
    fn of(bounds: &[Bounds]) -> RelationSums {
        let parts = &bounds[..bounds.len() - 1];
        RelationSums {
            low: parts.iter().map(|b| b.low).sum(),
            finite_high: parts.iter().filter(|b| b.high.is_finite()).map(|b| b.high).sum(),
            unbounded: parts.iter().filter(|b| !b.high.is_finite()).count(),
        }
    }

    /// Member `k`'s range from the others: the whole from its parts, a part from the whole less the rest.
    fn member(&self, bounds: &[Bounds], k: usize) -> Bounds {
        let whole = bounds.len() - 1;
        if k == whole {
            let high = if self.unbounded > 0 { f64::INFINITY } else { self.finite_high };
            return Bounds { low: self.low, high };
        }
        let own = bounds[k];
        let unbounded_others = self.unbounded - usize::from(!own.high.is_finite());
        let others_high = if unbounded_others > 0 {
            f64::INFINITY
        } else if own.high.is_finite() {
            self.finite_high - own.high
        } else {
            self.finite_high
        };
        let w = bounds[whole];
        Bounds { low: (w.low - others_high).max(0.0), high: w.high - (self.low - own.low) }
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

/// What an attacker holding every published file gets from the sums of one protected system of
/// cells: publishable (no count), written to a run's `disclosure_audit.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DisclosureAudit {
    /// What the system's cells are (e.g. "staff: every table of the run").
    pub cells_of: String,
    pub cells: usize,
    pub cells_hidden: usize,
    /// Hidden cells of the rows a board reads first ([`Importance::Headline`]).
    pub headline_cells_hidden: usize,
    /// Non-zero cells published rounded.
    pub cells_rounded: usize,
    /// The fewest values the attacker's range holds for any hidden cell, after narrowing every
    /// cell's range along every sum until nothing changes (`null` when nothing is hidden).
    pub narrowest_hidden_range: Option<u64>,
    /// Published exact counts narrowed to a single value by the sums, behind a rounded cell.
    pub rounded_cells_pinned: usize,
    /// The fewest values a hidden cell's range must hold ([`Disclosure::protection_width`]).
    pub protection_width: u64,
    /// Every hidden cell at least that wide and no rounded cell pinned.
    pub protected: bool,
}

impl Disclosure {
    /// The audit of one system: every cell's range narrowed along every sum (each member bounded by
    /// the others, repeatedly, as an attacker would) until nothing changes. Bound propagation gives
    /// ranges an attacker certainly gets; a linear program over the same sums may narrow them further.
    pub fn audit(&self, cells_of: &str, raw: &[f64], hidden: &[bool], margins: &Margins) -> DisclosureAudit {
        let ranges = self.attacker_ranges(raw, hidden, margins);
        let hidden_values = ranges.iter().zip(hidden).filter(|(_, h)| **h).map(|(b, _)| b.values());
        let narrowest = hidden_values.fold(None, |n: Option<f64>, v| Some(n.map_or(v, |n| n.min(v))));
        let rounded = |i: usize| !hidden[i] && margins.is_published(i) && raw[i] > 0.0 && self.round_to > 1;
        let pinned = (0..raw.len()).filter(|&i| rounded(i) && ranges[i].values() <= 1.0).count();
        let width = self.protection_width();
        DisclosureAudit {
            cells_of: cells_of.to_string(),
            cells: raw.len(),
            cells_hidden: hidden.iter().filter(|h| **h).count(),
            headline_cells_hidden: (0..raw.len()).filter(|&i| hidden[i] && margins.importance(i) == Importance::Headline).count(),
            cells_rounded: (0..raw.len()).filter(|&i| rounded(i)).count(),
            narrowest_hidden_range: narrowest.map(|n| if n.is_finite() { n as u64 } else { u64::MAX }),
            rounded_cells_pinned: pinned,
            protection_width: width as u64,
            protected: narrowest.is_none_or(|n| n >= width) && pinned == 0,
        }
    }

    /// Every cell's range as an attacker narrows it along the sums (at most 100 rounds).
    fn attacker_ranges(&self, raw: &[f64], hidden: &[bool], margins: &Margins) -> Vec<Bounds> {
        let mut ranges: Vec<Bounds> = (0..raw.len()).map(|i| self.known(raw, hidden, margins, i)).collect();
        for _ in 0..100 {
            let mut changed = false;
            for members in &margins.relations {
                let bounds: Vec<Bounds> = members.iter().map(|&i| ranges[i]).collect();
                let sums = RelationSums::of(&bounds);
                for (k, &i) in members.iter().enumerate() {
                    let from_sum = sums.member(&bounds, k);
                    let (low, high) = (ranges[i].low.max(from_sum.low.ceil()), ranges[i].high.min(from_sum.high.floor()));
                    if low > ranges[i].low || high < ranges[i].high {
                        ranges[i] = Bounds { low, high: high.max(low) };
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        ranges
    }
}

/// A run's `disclosure_audit.json`: publishable, no counts.
pub const AUDIT_FILE: &str = "disclosure_audit.json";

/// The audit of every protected system of a run, with what it means.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunAudit {
    pub rule: Disclosure,
    pub method: String,
    pub systems: Vec<DisclosureAudit>,
    /// One sentence for a reader.
    pub summary: String,
}

impl RunAudit {
    pub fn new(rule: Disclosure, systems: Vec<DisclosureAudit>) -> RunAudit {
        let hidden: usize = systems.iter().map(|s| s.cells_hidden).sum();
        let narrowest = systems.iter().filter_map(|s| s.narrowest_hidden_range).min();
        let pinned: usize = systems.iter().map(|s| s.rounded_cells_pinned).sum();
        let width = rule.protection_width() as u64;
        let mut exposed = Vec::new();
        if let Some(n) = narrowest.filter(|&n| n < width) {
            exposed.push(format!("a hidden count can be narrowed to {n} possible values (at least {width} required)"));
        }
        if pinned > 0 {
            let counts = if pinned == 1 { "rounded count" } else { "rounded counts" };
            exposed.push(format!("{pinned} {counts} can be worked back to the exact number from the sums"));
        }
        let summary = match (narrowest, exposed.is_empty()) {
            (_, false) => format!("{hidden} cells hidden; {}: check before publishing", exposed.join(", and ")),
            (None, true) => "no count is hidden, and no rounded count can be worked back from the sums".to_string(),
            (Some(n), true) => format!(
                "{hidden} cells hidden; from every sum of this run's published files an attacker narrows no hidden count to fewer \
                 than {n} possible values (at least {width} required)"
            ),
        };
        RunAudit {
            rule,
            method: "each cell's range (a hidden count from 0; a published count, every count the rule publishes as it) narrowed \
                     along every sum the run's published files imply until nothing changes; bound propagation, which a linear \
                     program over the same sums may narrow further"
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
    fn none_publishes_exact_counts() {
        assert_eq!(Disclosure::NONE.line(&[1.0, 2.0]), vec![Cell::Count(1.0), Cell::Count(2.0)]);
    }
}
