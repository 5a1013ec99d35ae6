//! What an attacker holding every published file can work out of each count: its range along the sums.

use super::linear::{self, Depth, LinearRanges, Target};
use super::{Cell, Disclosure, Margins};

/// What an attacker knows of one cell: the range of counts it can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The least count the attacker cannot rule out.
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
    pub(super) fn known(&self, raw: &[f64], hidden: &[bool], margins: &Margins, i: usize) -> Bounds {
        self.bounds(raw[i], hidden[i] || !margins.is_published(i))
    }

    /// Every cell's range as an attacker with a solver gets it: narrowed along the sums, then by
    /// linear programs over all of them for each cell with a [`Disclosure::need`] (to check it
    /// holds at least that many values).
    pub(super) fn attack(&self, raw: &[f64], hidden: &[bool], margins: &Margins, depth: Depth) -> LinearRanges {
        self.attack_cells(raw, hidden, margins, depth, |_| true)
    }

    /// [`Disclosure::attack`] for the cells `wanted` picks only (the others keep their range
    /// along the sums): protection's later rounds, for the cells no earlier round showed wide.
    pub(super) fn attack_cells(
        &self,
        raw: &[f64],
        hidden: &[bool],
        margins: &Margins,
        depth: Depth,
        wanted: impl Fn(usize) -> bool,
    ) -> LinearRanges {
        let start = self.attacker_ranges(raw, hidden, margins);
        let need = |i: usize| self.need(raw, hidden, margins, i);
        // A cell the sums already narrow too far needs no program to say so.
        let targets: Vec<Target> = (0..raw.len())
            .filter(|&i| wanted(i))
            .filter_map(|i| need(i).filter(|&n| start[i].values() >= n).map(|values| Target { cell: i, values }))
            .collect();
        linear::narrow(&start, raw, margins.relations(), &targets, depth)
    }

    /// Every cell's range as an attacker narrows it along the sums (at most 100 rounds).
    pub(super) fn attacker_ranges(&self, raw: &[f64], hidden: &[bool], margins: &Margins) -> Vec<Bounds> {
        let mut ranges: Vec<Bounds> = (0..raw.len()).map(|i| self.known(raw, hidden, margins, i)).collect();
        for _ in 0..100 {
            let mut changed = false;
            for members in margins.relations() {
                let bounds: Vec<Bounds> = members.iter().map(|&i| ranges[i]).collect();
                let sums = RelationSums::of(&bounds);
                for (k, &i) in members.iter().enumerate() {
                    let from_sum = sums.member(&bounds, k);
                    let (low, high) =
                        (ranges[i].low.max(from_sum.low.ceil()), ranges[i].high.min(from_sum.high.floor()));
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
pub(super) struct RelationSums {
    low: f64,
    /// The sum of the finite upper bounds, and how many parts have none.
    finite_high: f64,
    unbounded: usize,
}

impl RelationSums {
    pub(super) fn of(bounds: &[Bounds]) -> RelationSums {
        let parts = &bounds[..bounds.len() - 1];
        RelationSums {
            low: parts.iter().map(|b| b.low).sum(),
            finite_high: parts.iter().filter(|b| b.high.is_finite()).map(|b| b.high).sum(),
            unbounded: parts.iter().filter(|b| !b.high.is_finite()).count(),
        }
    }

    /// Member `k`'s range from the others: the whole from its parts, a part from the whole less the rest.
    pub(super) fn member(&self, bounds: &[Bounds], k: usize) -> Bounds {
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
