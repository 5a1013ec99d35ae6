//! Applications as published by `funnel`: every table, the WRES counts and the published summary hidden consistently as one system of sums.
//!
//! Each group's funnel is five counts: applied, shortlisted, appointed, and the two a subtraction
//! gives (applied but not shortlisted; shortlisted but not appointed), so that a published pair
//! never reveals a small difference. A table's groups add up to all applications (deciles to
//! quintiles, quintiles and Core20 to the total, BME to its four groups and with White and not
//! stated to the total); the match counts add up to all applications. All are protected at once
//! ([`Disclosure::protect`]).

use std::collections::BTreeMap;

use crate::funnel::tally::{base_groups, Funnel, FunnelTableSpec, FunnelTally, NO_DECILE};
use crate::geocoder::{MatchCounts, MatchStatus};
use crate::output::disclosure::{Cell, Disclosure, Margins};

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
    fn block(&mut self, f: Funnel) -> Block {
        let cells = [f.applied, f.shortlisted, f.appointed, f.not_shortlisted(), f.not_appointed()].map(|c| self.push(c));
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
        let block = if let [only] = members {
            self.block(tally.get(dimension, only))
        } else {
            let funnel = members.iter().fold(Funnel::default(), |f, m| f.plus(tally.get(dimension, m)));
            let block = self.block(funnel);
            let parts: Vec<Block> = members.iter().map(|m| self.group(tally, dimension, std::slice::from_ref(m), all)).collect();
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
        let mut system = System::default();
        let all = system.block(tally.all);
        let mut dimensions: Vec<&str> = specs.iter().map(|s| s.dimension).collect();
        dimensions.dedup();
        for dimension in dimensions {
            let base: Vec<Block> =
                base_groups(dimension).iter().map(|g| system.group(tally, dimension, std::slice::from_ref(g), all)).collect();
            system.tie(all, &base);
        }
        let tables: Vec<(FunnelTableSpec, Vec<Block>)> = specs
            .iter()
            .map(|spec| {
                let rows: Vec<Block> = spec.rows.iter().map(|(_, m)| system.group(tally, spec.dimension, m, all)).collect();
                if spec.is_partition() {
                    system.tie(all, &rows);
                }
                (spec.clone(), rows)
            })
            .collect();
        let statuses: Vec<(MatchStatus, usize)> =
            MatchStatus::ALL.iter().map(|s| (*s, system.push(matches.get(*s) as f64))).collect();
        system.margins.add(statuses.iter().map(|(_, i)| *i).collect::<Vec<_>>(), all[0]);
        if let Some(none) = system.made.get(&("imd_decile".to_string(), vec![NO_DECILE.to_string()])).copied() {
            let without = system.push(placed_without_decile);
            let unplaced = statuses.iter().filter(|(s, _)| !s.is_placed()).map(|(_, i)| *i);
            system.margins.add(unplaced.chain([without]).collect::<Vec<_>>(), none[0]);
        }
        let published = rule.cells(&system.raw, &system.margins);
        let cells = |b: Block| FunnelCells { applied: published[b[0]], shortlisted: published[b[1]], appointed: published[b[2]] };
        PublishedFunnel {
            tables: tables
                .into_iter()
                .map(|(spec, rows)| PublishedFunnelTable { spec, rows: rows.into_iter().map(cells).collect() })
                .collect(),
            all: cells(all),
            matches: statuses.iter().map(|(s, i)| (*s, published[*i])).collect(),
        }
    }

    pub fn table(&self, column: &str) -> Option<&PublishedFunnelTable> {
        self.tables.iter().find(|t| t.spec.column == column)
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
            tally.add(stage, &[("ethnic_group", "White".to_string()), ("imd_decile", "1".to_string()), ("sex", "Female".to_string())]);
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
