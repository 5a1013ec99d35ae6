//! Applications as published by `funnel`: every table, the WRES counts and the published summary hidden consistently as one system of sums.
//!
//! Each group's funnel is five counts: applied, shortlisted, appointed, and the two a subtraction
//! gives (applied but not shortlisted; shortlisted but not appointed), so that a published pair
//! never reveals a small difference. A table's groups add up to all applications (deciles to
//! quintiles, quintiles and Core20 to the total, BME to its four groups and with White and not
//! stated to the total); the match counts add up to all applications. All are protected at once
//! ([`Disclosure::protect`]), hiding "not stated" and "none" rows before the rows the relative
//! likelihoods are computed from ([`Importance`]). The relative likelihoods themselves are
//! computed from the published counts ([`published_likelihood`]).

use std::collections::BTreeMap;

use crate::funnel::tally::{
    base_groups, nations_of_dimension, relative_likelihood, Funnel, FunnelTableSpec, FunnelTally, RelativeLikelihood,
    NO_DECILE, NO_OWN_DECILE,
};
use crate::geocoder::{MatchCounts, MatchStatus};
use crate::output::disclosure::{Cell, Disclosure, DisclosureAudit, Importance, Margins};

/// One group's funnel as published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelCells {
    pub applied: Cell,
    pub shortlisted: Cell,
    pub appointed: Cell,
}

/// A table's rows as published, in the order of its spec.
#[derive(Debug, Clone)]
pub struct PublishedFunnelTable {
    pub spec: FunnelTableSpec,
    pub rows: Vec<FunnelCells>,
}

impl PublishedFunnelTable {
    pub fn get(&self, label: &str) -> Option<FunnelCells> {
        self.spec.row(label).map(|i| self.rows[i])
    }
}

/// Applications as published by a `funnel` run.
#[derive(Debug, Clone)]
pub struct PublishedFunnel {
    pub tables: Vec<PublishedFunnelTable>,
    pub all: FunnelCells,
    pub matches: Vec<(MatchStatus, Cell)>,
    /// What an attacker gets from the sums of all of it.
    pub audit: DisclosureAudit,
}

/// The cells of one funnel: applied, shortlisted, appointed, not shortlisted, not appointed.
type Block = [usize; 5];

#[derive(Default)]
struct System {
    raw: Vec<f64>,
    margins: Margins,
    /// Blocks already made, by dimension and members (a quintile-1 row is the Core20 row).
    made: BTreeMap<(String, Vec<String>), Block>,
}

impl System {
    fn push(&mut self, count: f64) -> usize {
        self.raw.push(count);
        self.raw.len() - 1
    }

    /// A funnel's five cells, with applied = shortlisted + not shortlisted and shortlisted =
    /// appointed + not appointed.
    fn block(&mut self, f: Funnel, importance: Importance) -> Block {
        let cells =
            [f.applied, f.shortlisted, f.appointed, f.not_shortlisted(), f.not_appointed()].map(|c| self.push(c));
        cells.iter().for_each(|c| self.margins.rank(*c, importance));
        cells[3..].iter().for_each(|c| self.margins.unpublished(*c));
        self.margins.add([cells[1], cells[3]], cells[0]);
        self.margins.add([cells[2], cells[4]], cells[1]);
        cells
    }

    /// `whole` is the sum of `parts`, stage by stage.
    fn tie(&mut self, whole: Block, parts: &[Block]) {
        for k in 0..5 {
            self.margins.add(parts.iter().map(|b| b[k]).collect::<Vec<_>>(), whole[k]);
        }
    }

    /// The block of a set of groups of `dimension`: a group's own, or the sum of several, tied to
    /// its members and, with the other groups, to all applications.
    fn group(&mut self, tally: &FunnelTally, dimension: &str, members: &[String], all: Block) -> Block {
        let key = (dimension.to_string(), members.to_vec());
        if let Some(block) = self.made.get(&key) {
            return *block;
        }
        let importance = importance_of(dimension, members);
        let block = if let [only] = members {
            self.block(tally.get(dimension, only), importance)
        } else {
            let funnel = members.iter().fold(Funnel::default(), |f, m| f.plus(tally.get(dimension, m)));
            let block = self.block(funnel, importance);
            let parts: Vec<Block> =
                members.iter().map(|m| self.group(tally, dimension, std::slice::from_ref(m), all)).collect();
            self.tie(block, &parts);
            let others: Vec<Block> = base_groups(dimension)
                .iter()
                .filter(|g| !members.contains(g))
                .map(|g| self.group(tally, dimension, std::slice::from_ref(g), all))
                .collect();
            self.tie(all, &[vec![block], others].concat());
            block
        };
        self.made.insert(key, block);
        block
    }

    /// Every dimension's groups tied to all applications, then each table's rows (a partition's
    /// tied too).
    fn tables(
        &mut self,
        tally: &FunnelTally,
        specs: &[FunnelTableSpec],
        all: Block,
    ) -> Vec<(FunnelTableSpec, Vec<Block>)> {
        let mut dimensions: Vec<&str> = specs.iter().map(|s| s.dimension).collect();
        dimensions.dedup();
        for dimension in dimensions {
            let base: Vec<Block> = base_groups(dimension)
                .iter()
                .map(|g| self.group(tally, dimension, std::slice::from_ref(g), all))
                .collect();
            self.tie(all, &base);
        }
        specs
            .iter()
            .map(|spec| {
                let rows: Vec<Block> =
                    spec.rows.iter().map(|(_, m)| self.group(tally, spec.dimension, m, all)).collect();
                if spec.is_partition() {
                    self.tie(all, &rows);
                }
                (spec.clone(), rows)
            })
            .collect()
    }

    /// The applications by match status, summing to all applied; the unplaced ones with those
    /// placed without a decile are the decile tables' last row.
    fn statuses(&mut self, matches: &MatchCounts, all: Block, placed_without_decile: f64) -> Vec<(MatchStatus, usize)> {
        let statuses: Vec<(MatchStatus, usize)> =
            MatchStatus::ALL.iter().map(|s| (*s, self.push(matches.get(*s) as f64))).collect();
        self.margins.add(statuses.iter().map(|(_, i)| *i).collect::<Vec<_>>(), all[0]);
        for (status, cell) in &statuses {
            self.margins
                .rank(*cell, if *status == MatchStatus::ALL[0] { Importance::Detail } else { Importance::Residual });
        }
        let nation_none = |(dimension, members): &(String, Vec<String>)| {
            nations_of_dimension(dimension).is_some() && members.as_slice() == [NO_OWN_DECILE]
        };
        let none = self.made.get(&("imd_decile".to_string(), vec![NO_DECILE.to_string()])).copied();
        let none = none.or_else(|| self.made.iter().find(|(key, _)| nation_none(key)).map(|(_, b)| *b));
        if let Some(none) = none {
            let without = self.push(placed_without_decile);
            self.margins.rank(without, Importance::Residual);
            self.margins.unpublished(without);
            let unplaced = statuses.iter().filter(|(s, _)| !s.is_placed()).map(|(_, i)| *i);
            self.margins.add(unplaced.chain([without]).collect::<Vec<_>>(), none[0]);
        }
        statuses
    }
}

impl PublishedFunnel {
    /// `placed_without_decile`: applications placed in an area without an English decile (with
    /// the unplaced ones, the decile tables' last row).
    pub fn new(
        tally: &FunnelTally,
        specs: &[FunnelTableSpec],
        matches: &MatchCounts,
        placed_without_decile: f64,
        rule: &Disclosure,
    ) -> PublishedFunnel {
        let system = FunnelSystem::build(tally, specs, matches, placed_without_decile);
        let what = "applications: every funnel table and the summary";
        let (raw, margins) = (system.raw(), system.margins());
        let (hidden, audit) = rule.protect_and_audit(what, raw, &rule.primary(raw), margins);
        let published: Vec<Cell> =
            raw.iter().zip(&hidden).map(|(c, h)| if *h { Cell::Suppressed } else { rule.cell(*c) }).collect();
        system.published(&published, audit)
    }

    pub fn table(&self, column: &str) -> Option<&PublishedFunnelTable> {
        self.tables.iter().find(|t| t.spec.column == column)
    }
}

/// A funnel run's counts as one system of sums before any is hidden, with where each table's
/// cells are in it: what [`PublishedFunnel::new`] protects alone, and a network protects with its
/// partners' and its staff tables (`anchormap network`). Its layout depends on the table specs
/// only: every tally of the same specs has its cells in the same places.
pub struct FunnelSystem {
    system: System,
    all: Block,
    tables: Vec<(FunnelTableSpec, Vec<Block>)>,
    statuses: Vec<(MatchStatus, usize)>,
}

impl FunnelSystem {
    /// The system of `tally`'s counts in the tables of `specs`, and its match counts.
    pub fn build(
        tally: &FunnelTally,
        specs: &[FunnelTableSpec],
        matches: &MatchCounts,
        placed_without_decile: f64,
    ) -> FunnelSystem {
        let mut system = System::default();
        let all = system.block(tally.all, Importance::Headline);
        let tables = system.tables(tally, specs, all);
        let statuses = system.statuses(matches, all, placed_without_decile);
        FunnelSystem { system, all, tables, statuses }
    }

    /// Each count, exact.
    pub fn raw(&self) -> &[f64] {
        &self.system.raw
    }

    /// The sums among the counts, and how much each matters.
    pub fn margins(&self) -> &Margins {
        &self.system.margins
    }

    /// The tables as published, from each count's published cell (`published`, as [`FunnelSystem::raw`]).
    pub fn published(&self, published: &[Cell], audit: DisclosureAudit) -> PublishedFunnel {
        let cells = |b: Block| FunnelCells {
            applied: published[b[0]],
            shortlisted: published[b[1]],
            appointed: published[b[2]],
        };
        PublishedFunnel {
            tables: self
                .tables
                .iter()
                .map(|(spec, rows)| PublishedFunnelTable {
                    spec: spec.clone(),
                    rows: rows.iter().copied().map(cells).collect(),
                })
                .collect(),
            all: cells(self.all),
            matches: self.statuses.iter().map(|(s, i)| (*s, published[*i])).collect(),
            audit,
        }
    }
}

/// How much a group's cells matter when a complementary cell must be chosen: the groups of the
/// relative likelihoods (White, BME, Core20 and deciles 1-2, the least deprived fifth) last,
/// "not stated", "none" and "other" rows first.
fn importance_of(dimension: &str, members: &[String]) -> Importance {
    use crate::input::band::BandGroup;
    use crate::input::demography::{EthnicGroup, Sex};
    let is = |labels: &[&str]| members.len() == labels.len() && members.iter().zip(labels).all(|(m, l)| m == l);
    let residual = [NO_DECILE, EthnicGroup::NotStated.label(), EthnicGroup::Other.label(), Sex::NotStated.label()];
    let unknown_band = BandGroup::Unknown.to_string();
    if nations_of_dimension(dimension).is_some() {
        // Each nation's deciles 1-2, 9-10 and total: the per-nation likelihoods and headlines.
        let decile = |m: &String| m.rsplit_once(": ").and_then(|(_, d)| d.parse::<u8>().ok());
        let deciles: Vec<Option<u8>> = members.iter().map(decile).collect();
        let low = deciles.iter().all(|d| matches!(d, Some(1 | 2)));
        let high = deciles.iter().all(|d| matches!(d, Some(9 | 10)));
        return match () {
            _ if is(&[NO_OWN_DECILE]) => Importance::Residual,
            _ if low || high || members.len() == 10 => Importance::Headline,
            _ => Importance::Detail,
        };
    }
    match dimension {
        "imd_decile" if members.iter().all(|m| m == "1" || m == "2") || is(&["9", "10"]) => Importance::Headline,
        "ethnic_group" if is(&["White"]) || members.len() == 4 => Importance::Headline,
        _ if is(&[unknown_band.as_str()]) || residual.iter().any(|r| is(&[r])) => Importance::Residual,
        _ => Importance::Detail,
    }
}

/// A relative likelihood of appointment from shortlisting as published: its four counts as
/// published (A shortlisted, A appointed, B shortlisted, B appointed), and the ratio and interval
/// computed from those published (rounded) counts only, as NHS Digital computes percentages from
/// the rounded numerator and denominator, to 2 decimal places; or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedLikelihood {
    pub ratio: Option<RelativeLikelihood>,
    pub counts: [Option<f64>; 4],
    /// Why `ratio` is missing, with `{A}` and `{B}` for the groups' names.
    pub reason: Option<String>,
}

/// A (`a`) against B (`b`), from their published cells only.
///
/// ```
/// use anchormap::output::disclosure::Cell;
/// use anchormap::funnel::published::{published_likelihood, FunnelCells};
/// let cells = |s: f64, a: f64| FunnelCells { applied: Cell::Count(100.0), shortlisted: Cell::Count(s), appointed: Cell::Count(a) };
/// // 60 and 25 against 30 and 10: (25/60) / (10/30) = 1.25, whatever the exact counts behind them.
/// let p = published_likelihood(Some(cells(60.0, 25.0)), Some(cells(30.0, 10.0)));
/// assert_eq!(p.ratio.unwrap().ratio, 1.25);
/// let hidden = FunnelCells { appointed: Cell::Suppressed, ..cells(30.0, 10.0) };
/// assert!(published_likelihood(Some(cells(60.0, 25.0)), Some(hidden)).ratio.is_none());
/// ```
pub fn published_likelihood(a: Option<FunnelCells>, b: Option<FunnelCells>) -> PublishedLikelihood {
    let value = |c: Option<FunnelCells>, stage: fn(FunnelCells) -> Cell| c.map(stage).and_then(Cell::value);
    let counts = [
        value(a, |c| c.shortlisted),
        value(a, |c| c.appointed),
        value(b, |c| c.shortlisted),
        value(b, |c| c.appointed),
    ];
    let [Some(a_shortlisted), Some(a_appointed), Some(b_shortlisted), Some(b_appointed)] = counts else {
        let reason =
            "not published: a count it comes from is suppressed under the disclosure rule (exact figures in the \
                      not-for-publication summary)";
        return PublishedLikelihood { ratio: None, counts, reason: Some(reason.to_string()) };
    };
    let round = |v: f64| (v * 100.0).round() / 100.0;
    match relative_likelihood(a_appointed, a_shortlisted, b_appointed, b_shortlisted) {
        Some(r) => PublishedLikelihood {
            ratio: Some(RelativeLikelihood {
                ratio: round(r.ratio),
                ci_low: round(r.ci_low),
                ci_high: round(r.ci_high),
            }),
            counts,
            reason: None,
        },
        None => PublishedLikelihood {
            ratio: None,
            counts,
            reason: Some(
                "no ratio: {A} or {B} applicants have none shortlisted or none appointed (as published)".to_string(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funnel::tally::funnel_tables;
    use crate::input::applications::Stage;

    #[test]
    fn a_small_difference_between_stages_is_never_given_away() {
        // 40 White applications, 20 shortlisted, 17 appointed: "3 not appointed" is small.
        let mut tally = FunnelTally::default();
        let stages = (0..40).map(|i| match i {
            0..=16 => Stage::Appointed,
            17..=19 => Stage::Shortlisted,
            _ => Stage::Applied,
        });
        for stage in stages {
            tally.add(
                stage,
                &[
                    ("ethnic_group", "White".to_string()),
                    ("imd_decile", "1".to_string()),
                    ("sex", "Female".to_string()),
                ],
            );
        }
        let matches = MatchCounts { within: 40, ..Default::default() };
        let rule = Disclosure { min_count: 8, round_to: 1 };
        let p = PublishedFunnel::new(&tally, &funnel_tables(false), &matches, 0.0, &rule);
        let white = p.table("ethnic_group").unwrap().get("White").unwrap();
        assert_eq!(white.applied, Cell::Count(40.0));
        assert!(white.shortlisted == Cell::Suppressed || white.appointed == Cell::Suppressed, "{white:?}");
        assert_eq!(p.table("core20").unwrap().get("Core20 (deciles 1-2)").unwrap().applied, Cell::Count(40.0));
    }
}
