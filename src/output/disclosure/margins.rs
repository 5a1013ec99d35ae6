//! The sums that tie a run's published cells together, and how much each cell matters to a reader.

use std::collections::{BTreeMap, BTreeSet};

/// How many sums away from an exposed cell [`Margins::covers`] looks for a cell it may hide.
const COVER_STEPS: usize = 4;

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
    /// Cells that, hidden, need the full protection width though they are not small counts (a
    /// count whose difference from a published one is small: the caller hid it for that).
    sensitive: BTreeSet<usize>,
    /// Cells whose publication is already decided (published by an earlier run): never hidden to
    /// protect another.
    settled: BTreeSet<usize>,
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

    /// `cell`, hidden, must stay as wide as a small count ([`Disclosure::protection_width`]) though
    /// it is not one: a subtraction of it from a published count gives a small one.
    pub fn sensitive(&mut self, cell: usize) {
        self.sensitive.insert(cell);
    }

    /// Whether `cell` was marked [`Margins::sensitive`].
    pub fn is_sensitive(&self, cell: usize) -> bool {
        self.sensitive.contains(&cell)
    }

    /// `cell` was published (or hidden) by an earlier run: protection may not choose it.
    pub fn settle(&mut self, cell: usize) {
        self.settled.insert(cell);
    }

    /// Whether `cell` is in a published file.
    pub fn is_published(&self, cell: usize) -> bool {
        !self.unpublished.contains(&cell)
    }

    /// How much `cell` matters ([`Importance::Detail`] unless ranked).
    pub fn importance(&self, cell: usize) -> Importance {
        self.importance.get(&cell).copied().unwrap_or_default()
    }

    /// Adds every relation, rank and mark of `other`, its cells moved up by `offset`: several
    /// systems side by side, to be tied together by further sums.
    pub fn append(&mut self, other: &Margins, offset: usize) {
        let moved = |cells: &BTreeSet<usize>| cells.iter().map(move |c| c + offset).collect::<Vec<_>>();
        self.relations.extend(other.relations.iter().map(|r| r.iter().map(|c| c + offset).collect()));
        other.importance.iter().for_each(|(c, i)| self.rank(c + offset, *i));
        self.unpublished.extend(moved(&other.unpublished));
        self.sensitive.extend(moved(&other.sensitive));
        self.settled.extend(moved(&other.settled));
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
    /// member of each sum `cell` is in ([`Margins::cheapest`]), cheapest first. Where none of
    /// those sums has a member that may be hidden (all hidden, zero, or settled by an earlier
    /// run), or only a headline cell, the sums one step further along (those of the sums'
    /// members), and so on; a headline cell only where no step has another.
    pub(super) fn covers(&self, cell: usize, raw: &[f64], hidden: &[bool]) -> Vec<usize> {
        let mut reached = BTreeSet::from([cell]);
        let mut frontier = vec![cell];
        let mut headline = None;
        for _ in 0..COVER_STEPS {
            let sums: Vec<&Vec<usize>> =
                self.relations.iter().filter(|m| m.iter().any(|i| frontier.contains(i))).collect();
            let mut candidates: Vec<usize> = sums
                .iter()
                .filter_map(|members| {
                    let rest: Vec<usize> = members.iter().copied().filter(|m| !reached.contains(m)).collect();
                    self.cheapest(&rest, raw, hidden)
                })
                .collect();
            candidates.sort_by(|&a, &b| self.cost_order(a, b, raw));
            candidates.dedup();
            // A headline row is the last resort: the sums one step further along first.
            match candidates.first().map(|&c| self.importance(c)) {
                Some(Importance::Headline) => headline.get_or_insert(candidates),
                Some(_) => return candidates,
                None => &mut Vec::new(),
            };
            frontier = sums.iter().flat_map(|m| m.iter().copied()).filter(|m| reached.insert(*m)).collect();
            if frontier.is_empty() {
                break;
            }
        }
        headline.unwrap_or_default()
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
            .filter(|&i| !hidden[i] && raw[i] > 0.0 && self.is_published(i) && !self.settled.contains(&i))
            .min_by(|&a, &b| self.cost_order(a, b, raw))
    }
}
