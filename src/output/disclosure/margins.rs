//! The sums that tie a run's published cells together, and how much each cell matters to a reader.

use std::collections::{BTreeMap, BTreeSet};

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
/// hidden cell must never be narrowed by one to fewer values than
/// [`Disclosure::protection_width`](super::Disclosure::protection_width):
/// [`Disclosure::protect`](super::Disclosure::protect) hides more cells until none is. Cells are
/// indices into the run's list of counts; each has an [`Importance`] (by default [`Importance::Detail`]).
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
    /// No relations yet.
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

    /// How much `cell` matters ([`Importance::Detail`] unless ranked).
    pub fn importance(&self, cell: usize) -> Importance {
        self.importance.get(&cell).copied().unwrap_or_default()
    }

    /// How many relations there are.
    pub fn len(&self) -> usize {
        self.relations.len()
    }

    /// Whether there are no relations.
    pub fn is_empty(&self) -> bool {
        self.relations.is_empty()
    }

    /// Each relation's members: the parts, then the whole.
    pub fn relations(&self) -> &[Vec<usize>] {
        &self.relations
    }

    /// The cells that could be hidden so that `cell` is no longer exposed: the cheapest other
    /// member of each sum `cell` is in ([`Margins::cheapest`]), cheapest first.
    pub(super) fn covers(&self, cell: usize, raw: &[f64], hidden: &[bool]) -> Vec<usize> {
        let others = |members: &Vec<usize>| -> Option<usize> {
            let rest: Vec<usize> = members.iter().copied().filter(|&m| m != cell).collect();
            self.cheapest(&rest, raw, hidden)
        };
        let mut candidates: Vec<usize> =
            self.relations.iter().filter(|m| m.contains(&cell)).filter_map(others).collect();
        candidates.sort_by(|&a, &b| self.cost_order(a, b, raw));
        candidates.dedup();
        candidates
    }

    /// Cheaper first: less important, then smaller, then earlier.
    pub(super) fn cost_order(&self, a: usize, b: usize, raw: &[f64]) -> std::cmp::Ordering {
        self.importance(a).cmp(&self.importance(b)).then(raw[a].total_cmp(&raw[b])).then(a.cmp(&b))
    }

    /// The member of a relation to hide next: published, not hidden, not zero, least important,
    /// then smallest.
    pub(super) fn cheapest(&self, members: &[usize], raw: &[f64], hidden: &[bool]) -> Option<usize> {
        members
            .iter()
            .copied()
            .filter(|&i| !hidden[i] && raw[i] > 0.0 && self.is_published(i))
            .min_by(|&a, &b| self.cost_order(a, b, raw))
    }
}
