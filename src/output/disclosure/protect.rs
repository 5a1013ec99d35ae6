//! Secondary suppression: which more cells to hide so that no sum gives a hidden count back.

use rayon::prelude::*;

use super::attacker::RelationSums;
use super::linear::{Depth, LinearRanges};
use super::{Bounds, Disclosure, DisclosureAudit, Importance, Margins};

/// Rounds of linear programs [`Disclosure::protect`] runs before it stops adding protection.
const LINEAR_ROUNDS: usize = 200;

/// Cells [`Disclosure::protect`] tries before it hides one more.
const COVER_CANDIDATES: usize = 24;

impl Disclosure {
    /// Which cells to hide: those given as `primary` (the rule's small counts, or cells hidden
    /// for a reason of the caller's, marked [`Margins::sensitive`] when they need a small count's
    /// protection), then, repeatedly, a member of any relation that narrows one of its hidden
    /// members to fewer values than it needs ([`Disclosure::need`]: a small count the protection
    /// width, [`Disclosure::protection_width`]) from the published (rounded) counts of the others,
    /// choosing the least important, then smallest, non-zero member ([`Importance`](super::Importance)), until no
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
        self.protect_with_attack(raw, primary, margins).0
    }

    /// [`Disclosure::protect`], and its [`Disclosure::audit`] under `cells_of`. Where protection
    /// ends with no cell exposed, its own attacks are the audit: each cell's range is the widest
    /// its whole-count tables showed in any round, which more hidden cells only widen. Otherwise
    /// the system is attacked again, as the audit does.
    pub fn protect_and_audit(
        &self,
        cells_of: &str,
        raw: &[f64],
        primary: &[bool],
        margins: &Margins,
    ) -> (Vec<bool>, DisclosureAudit) {
        let (hidden, attack) = self.protect_with_attack(raw, primary, margins);
        let audit = match attack {
            Some(attack) => self.audit_of(cells_of, raw, &hidden, margins, attack).0,
            None => self.audit(cells_of, raw, &hidden, margins),
        };
        (hidden, audit)
    }

    /// The hidden cells, and the attacks of the rounds as one when the last left no cell exposed.
    fn protect_with_attack(
        &self,
        raw: &[f64],
        primary: &[bool],
        margins: &Margins,
    ) -> (Vec<bool>, Option<LinearRanges>) {
        let mut hidden = self.protect_along_sums(raw, primary, margins);
        // The range each cell was shown to hold: hiding more only widens every range (each
        // table of counts the attacker could not rule out stays one), so a cell shown wide enough
        // in one round is not attacked again unless it needs more.
        let mut shown: Vec<Option<Bounds>> = vec![None; raw.len()];
        let mut programs = (0, 0);
        // An attacker's solver uses every sum at once: while its ranges leave a hidden count too
        // narrow or pin a rounded one, hide one more cell (one at a time: one more hidden cell in a
        // sum often gives every cell of it room), and solve again.
        for _ in 0..LINEAR_ROUNDS {
            let need: Vec<f64> = (0..raw.len()).map(|i| self.need(raw, &hidden, margins, i).unwrap_or(0.0)).collect();
            let open: Vec<bool> = (0..raw.len()).map(|i| shown[i].map_or(0.0, Bounds::values) < need[i]).collect();
            let mut attack = self.attack_cells(raw, &hidden, margins, Depth::Protect, |i| open[i]);
            programs = (programs.0 + attack.programs, programs.1 + attack.integer_programs);
            let mut exposed = Vec::new();
            for i in (0..raw.len()).filter(|&i| open[i]) {
                match attack.ranges[i].values() >= need[i] {
                    true => shown[i] = Some(attack.ranges[i]),
                    false => exposed.push(i),
                }
            }
            if exposed.is_empty() && attack.unsolved == 0 {
                for (range, shown) in attack.ranges.iter_mut().zip(&shown) {
                    *range = shown.unwrap_or(*range);
                }
                (attack.programs, attack.integer_programs) = programs;
                return (hidden, Some(attack));
            }
            let Some(cover) = self.cover(&exposed, raw, &hidden, margins) else { break };
            hidden[cover] = true;
            hidden = self.protect_along_sums(raw, &hidden, margins);
        }
        (hidden, None)
    }

    /// The cell to hide next for the `exposed` ones. Candidates are the cheapest other member of
    /// each sum an exposed cell is in ([`Margins::covers`]); a headline cell only when no other
    /// is a candidate; then the one that leaves fewest cells exposed along the sums wins, the
    /// cheapest among equals, preferring one after which the attacker's programs no longer expose
    /// the first exposed cell.
    fn cover(&self, exposed: &[usize], raw: &[f64], hidden: &[bool], margins: &Margins) -> Option<usize> {
        let first = *exposed.first()?;
        let mut candidates: Vec<usize> = exposed.iter().take(8).flat_map(|&e| margins.covers(e, raw, hidden)).collect();
        candidates.sort_by(|&a, &b| margins.cost_order(a, b, raw));
        candidates.dedup();
        candidates.truncate(COVER_CANDIDATES);
        let with = |candidate: usize| {
            let mut trial = hidden.to_vec();
            trial[candidate] = true;
            trial
        };
        let left_exposed = |candidate: usize| {
            let trial = with(candidate);
            self.exposed(raw, &trial, margins, &self.attacker_ranges(raw, &trial, margins)).len()
        };
        // A row a board reads first is hidden only when no other candidate is left.
        let headline = |c: usize| margins.importance(c) == Importance::Headline;
        let scored: Vec<((bool, usize), usize)> =
            candidates.par_iter().map(|&c| ((headline(c), left_exposed(c)), c)).collect();
        let fewest = scored.iter().map(|(n, _)| *n).min()?;
        let best: Vec<usize> = scored.iter().filter(|(n, _)| *n == fewest).map(|(_, c)| *c).collect();
        let frees_first = |candidate: usize| {
            let trial = with(candidate);
            let attack = self.attack_cells(raw, &trial, margins, Depth::Protect, |i| i == first);
            !self.exposed(raw, &trial, margins, &attack.ranges).contains(&first)
        };
        // The first in order that frees it, whichever core finds it first.
        best.par_iter().copied().find_first(|&c| frees_first(c)).or(best.first().copied())
    }

    /// The cells an attacker's `ranges` expose: those narrower than their [`Disclosure::need`].
    pub(super) fn exposed(&self, raw: &[f64], hidden: &[bool], margins: &Margins, ranges: &[Bounds]) -> Vec<usize> {
        (0..raw.len()).filter(|&i| self.need(raw, hidden, margins, i).is_some_and(|n| ranges[i].values() < n)).collect()
    }

    /// The fewest values an attacker's range for cell `i` must hold: for a small count the rule
    /// hides (or one marked [`Margins::sensitive`]), the protection width ([`Disclosure::protection_width`]); for a count hidden only to
    /// protect another, and for a rounded count, two (not worked back to the exact count: a hidden
    /// count of 8 or more is no more sensitive than one published rounded); `None` for the rest.
    pub fn need(&self, raw: &[f64], hidden: &[bool], margins: &Margins, i: usize) -> Option<f64> {
        if hidden[i] && (self.is_small(raw[i]) || margins.is_sensitive(i)) {
            Some(self.protection_width())
        } else if hidden[i] {
            Some(2.0)
        } else {
            self.is_rounded(raw, hidden, margins, i).then_some(2.0)
        }
    }

    /// Whether the rule hides `count` for itself (1 to `min_count - 1`): a small count.
    pub fn is_small(&self, count: f64) -> bool {
        self.cell(count) == super::Cell::Suppressed
    }

    /// Whether cell `i` is published as a rounded count (not zero, not hidden, in a file, rounded).
    pub(super) fn is_rounded(&self, raw: &[f64], hidden: &[bool], margins: &Margins, i: usize) -> bool {
        !hidden[i] && margins.is_published(i) && raw[i] > 0.0 && self.round_to > 1
    }

    /// Protection sum by sum, then along chains of sums as bound propagation follows them: while
    /// the attacker's ranges leave a hidden count too narrow, hide the cheapest member of a sum it
    /// is in, and protect sum by sum again.
    fn protect_along_sums(&self, raw: &[f64], primary: &[bool], margins: &Margins) -> Vec<bool> {
        let mut hidden = self.protect_sum_by_sum(raw, primary, margins);
        for _ in 0..raw.len() {
            let ranges = self.attacker_ranges(raw, &hidden, margins);
            let too_narrow =
                |i: usize| hidden[i] && self.need(raw, &hidden, margins, i).is_some_and(|n| ranges[i].values() < n);
            let Some(narrow) = (0..raw.len()).find(|&i| too_narrow(i)) else { break };
            let Some(&next) = margins.covers(narrow, raw, &hidden).first() else { break };
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
            for members in margins.relations() {
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

    /// Whether the relation `members` (parts, then the whole) narrows one of its hidden members
    /// below its [`Disclosure::need`], given what the attacker knows of the others.
    fn exposes(&self, members: &[usize], raw: &[f64], hidden: &[bool], margins: &Margins) -> bool {
        if !members.iter().any(|&i| hidden[i]) {
            return false;
        }
        let bounds: Vec<Bounds> = members.iter().map(|&i| self.known(raw, hidden, margins, i)).collect();
        let sums = RelationSums::of(&bounds);
        let need = |i: usize| self.need(raw, hidden, margins, i).unwrap_or(0.0);
        members.iter().enumerate().filter(|(_, &i)| hidden[i]).any(|(k, &i)| sums.member(&bounds, k).values() < need(i))
    }
}
