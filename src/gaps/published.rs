//! Staff counts as published by `gaps`: every table, the headline and the published summary hidden consistently as one system of sums.
//!
//! An area's staff add up to its decile, two deciles to a quintile, deciles and quintiles to the
//! total; each breakdown (band, staff group, starter) adds up across its groups to the all-staff
//! decile and total; the summary's match counts add up to the rows read. An attacker holding
//! every published file can subtract along any of these, so all of them are protected at once
//! ([`Disclosure::protect`]): no sum narrows a hidden count below what a `*` says, and the cells
//! hidden to make sure of it are chosen from "not stated" and "not recorded" rows before the rows
//! a board reads first ([`Importance`]).

use std::collections::BTreeMap;

use crate::analysis::community::Community;
use crate::analysis::demography::combined_of;
use crate::analysis::gaps::{class_counts, Classes, StaffTally};
use crate::analysis::{AreaFacts, OwnDecile};
use crate::geocoder::{MatchCounts, MatchStatus};
use crate::input::band::BandGroup;
use crate::input::demography::{EthnicGroup, WresGroup};
use crate::output::disclosure::joint::Protection;
use crate::output::disclosure::runs::{read_run, RunFolder, RunTables};
use crate::output::disclosure::{Cell, Disclosure, DisclosureAudit, Importance, Margins};
use crate::reference::Country;

/// One group's class table as published: deciles 1–10, quintiles 1–5, and the total.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassCells {
    pub deciles: Vec<Cell>,
    pub quintiles: Vec<Cell>,
    pub total: Cell,
}

impl ClassCells {
    pub fn of(&self, classes: Classes) -> &[Cell] {
        match classes {
            Classes::Decile => &self.deciles,
            Classes::Quintile => &self.quintiles,
        }
    }
}

/// Staff as published by a `gaps` run.
#[derive(Debug, Clone)]
pub struct PublishedStaff {
    /// By area row: `Some` for community areas, `None` elsewhere.
    pub areas: Vec<Option<Cell>>,
    /// By MSOA (the run's `Areas::msoas`): the community's areas in it added up; `None` for an MSOA
    /// with no community area.
    pub msoas: Vec<Option<Cell>>,
    /// All staff living in the community, by class: in a run across nations, those in its English
    /// areas, on England's IMD.
    pub all: ClassCells,
    /// In a run across nations (`--wimd`, `--simd`): the staff living in the community's areas of
    /// each other nation, by class of that nation's own index (Wales, then Scotland); empty otherwise.
    pub nations: Vec<(Country, ClassCells)>,
    /// Breakdown dimension → (group, its class table), in the tally's order: in a run across
    /// nations, the staff of the community's English areas.
    pub groups: BTreeMap<&'static str, Vec<(String, ClassCells)>>,
    /// In a run across nations: breakdown dimension → each other nation's groups (as `groups`),
    /// on its own index; empty otherwise.
    pub nation_groups: BTreeMap<&'static str, Vec<(Country, Vec<(String, ClassCells)>)>>,
    /// Staff rows by match status, each as published.
    pub matches: Vec<(MatchStatus, Cell)>,
    /// Rows read, as published.
    pub rows: Cell,
    /// Staff placed outside the community, as published.
    pub outside_community: Cell,
    /// WRES indicator 1, with band and ethnic group: every staff row by band group.
    pub wres1: Option<Wres1Cells>,
    /// Every staff row, wherever they live, by band group, sex and starter (those asked for),
    /// each by ethnic group: the all-staff tables.
    pub all_staff: Vec<AllStaffCells>,
    /// What an attacker gets from the sums of all of it.
    pub audit: DisclosureAudit,
}

/// The columns of an all-staff table: the census ethnic groups, not stated, and all staff.
pub const ALL_STAFF_ETHNIC: [EthnicGroup; 6] = [
    EthnicGroup::Asian,
    EthnicGroup::Black,
    EthnicGroup::Mixed,
    EthnicGroup::White,
    EthnicGroup::Other,
    EthnicGroup::NotStated,
];

/// One all-staff table as published: each group of a breakdown by [`ALL_STAFF_ETHNIC`], then all.
#[derive(Debug, Clone, PartialEq)]
pub struct AllStaffCells {
    pub dimension: &'static str,
    pub groups: Vec<(String, [Cell; 7])>,
    /// Every staff row by ethnic group; its last cell is the rows read.
    pub total: [Cell; 7],
}

/// Where one all-staff table's cells are in the system.
struct AllStaffBlock {
    dimension: &'static str,
    groups: Vec<(String, [usize; 7])>,
    total: [usize; 7],
}

/// Staff by band group as White, BME, not stated and all ([`WresGroup::ALL`], then the total).
#[derive(Debug, Clone, PartialEq)]
pub struct Wres1Cells {
    pub bands: Vec<(BandGroup, [Cell; 4])>,
    /// All bands together; its last cell is the rows read.
    pub total: [Cell; 4],
}

/// Collects counts and the sums between them, then publishes all of them under one rule.
///
/// A count that no file publishes but that a sum of published ones gives (staff in community
/// areas without a decile) is a member like any other: small, it is protected like a published one.
#[derive(Default)]
struct System {
    raw: Vec<f64>,
    margins: Margins,
}

impl System {
    fn push(&mut self, count: f64) -> usize {
        self.raw.push(count);
        self.raw.len() - 1
    }

    /// Every cell of a class table ranked `importance`, its total and Core20 cells (deciles 1-2,
    /// quintile 1) at least `headline`.
    fn rank_block(&mut self, block: &ClassBlock, importance: Importance, headline: Importance) {
        let cells = (0..10).map(|d| block.first_decile + d).chain((0..5).map(|q| block.first_quintile + q));
        cells.chain([block.total]).for_each(|c| self.margins.rank(c, importance));
        for c in [block.first_decile, block.first_decile + 1, block.first_quintile, block.total] {
            self.margins.rank(c, headline);
        }
    }

    /// A class table: ten deciles, five quintiles, a total; the sums among them.
    fn class_block(&mut self, deciles: &[f64]) -> ClassBlock {
        let first_decile = self.raw.len();
        deciles.iter().for_each(|c| {
            self.push(*c);
        });
        let first_quintile = self.raw.len();
        for q in 0..5 {
            self.push(deciles[2 * q] + deciles[2 * q + 1]);
        }
        let total = self.push(deciles.iter().sum());
        for q in 0..5 {
            self.margins.add([first_decile + 2 * q, first_decile + 2 * q + 1], first_quintile + q);
        }
        self.margins.add(first_decile..first_decile + 10, total);
        self.margins.add(first_quintile..first_quintile + 5, total);
        ClassBlock { first_decile, first_quintile, total }
    }
}

impl System {
    /// A group made of others (BME, all stated): its class table, and the sums that tie it to
    /// them and to every other group it contains or is contained in (`blocks`, with `all`).
    fn combined_block(
        &mut self,
        members: &[&str],
        list: &[(String, ClassBlock)],
        nested: &[(Vec<String>, ClassBlock)],
    ) -> ClassBlock {
        let parts: Vec<ClassBlock> =
            list.iter().filter(|(l, _)| members.contains(&l.as_str())).map(|(_, b)| *b).collect();
        let deciles: Vec<f64> = (0..10).map(|d| parts.iter().map(|b| self.raw[b.first_decile + d]).sum()).collect();
        let block = self.class_block(&deciles);
        let mine: Vec<String> = members.iter().map(|m| m.to_string()).collect();
        self.tie(&block, &parts);
        // A group inside this one, or this one inside a bigger one: the bigger is the smaller plus the rest.
        for (others, other) in nested {
            let (small, big, small_members, big_members) = if others.iter().all(|m| mine.contains(m)) {
                (other, &block, others, &mine)
            } else if mine.iter().all(|m| others.contains(m)) {
                (&block, other, &mine, others)
            } else {
                continue;
            };
            let rest =
                list.iter().filter(|(l, _)| big_members.contains(l) && !small_members.contains(l)).map(|(_, b)| *b);
            let parts: Vec<ClassBlock> = std::iter::once(*small).chain(rest).collect();
            self.tie(big, &parts);
        }
        block
    }

    /// `whole` is the sum of `parts`, decile by decile, quintile by quintile, and in total.
    fn tie(&mut self, whole: &ClassBlock, parts: &[ClassBlock]) {
        for d in 0..10 {
            self.margins.add(parts.iter().map(|b| b.first_decile + d).collect::<Vec<_>>(), whole.first_decile + d);
        }
        for q in 0..5 {
            self.margins.add(parts.iter().map(|b| b.first_quintile + q).collect::<Vec<_>>(), whole.first_quintile + q);
        }
        self.margins.add(parts.iter().map(|b| b.total).collect::<Vec<_>>(), whole.total);
    }

    /// WRES indicator 1: by band group, White, BME, not stated and their sum; each column adds up
    /// over the bands, and the total of all to `rows` (every staff row is in one band).
    fn wres1_block(&mut self, counts: &BTreeMap<(BandGroup, WresGroup), f64>, rows: usize) -> Vec<[usize; 4]> {
        let mut block: Vec<[usize; 4]> = Vec::new();
        for band in BandGroup::ALL {
            let groups = WresGroup::ALL.map(|g| counts.get(&(band, g)).copied().unwrap_or(0.0));
            let cells = groups.map(|n| self.push(n));
            let all = self.push(groups.iter().sum());
            self.margins.add(cells, all);
            let importance = if band == BandGroup::Unknown { Importance::Residual } else { Importance::Headline };
            for (cell, group) in cells.iter().zip(WresGroup::ALL) {
                self.margins.rank(*cell, if group == WresGroup::NotStated { Importance::Residual } else { importance });
            }
            self.margins.rank(all, importance);
            block.push([cells[0], cells[1], cells[2], all]);
        }
        let totals: Vec<usize> = (0..3)
            .map(|g| {
                let cell = self.push(block.iter().map(|b| self.raw[b[g]]).sum());
                self.margins.rank(cell, if g == 2 { Importance::Residual } else { Importance::Headline });
                self.margins.add(block.iter().map(|b| b[g]).collect::<Vec<_>>(), cell);
                cell
            })
            .collect();
        self.margins.add(totals.clone(), rows);
        self.margins.add(block.iter().map(|b| b[3]).collect::<Vec<_>>(), rows);
        block.push([totals[0], totals[1], totals[2], rows]);
        block
    }
}

impl System {
    /// The all-staff tables: each group's ethnic groups add up to the group, each ethnic group's
    /// groups to its total (one total per ethnic group, shared by every table), and the groups and
    /// the totals to `rows`.
    fn all_staff_blocks(
        &mut self,
        tally: &BTreeMap<&'static str, BTreeMap<(String, EthnicGroup), f64>>,
        rows: usize,
    ) -> Vec<AllStaffBlock> {
        let mut blocks = Vec::new();
        let mut totals: Option<[usize; 7]> = None;
        for (dimension, counts) in tally {
            let groups: Vec<(String, [usize; 7])> = all_staff_groups(dimension, counts)
                .into_iter()
                .map(|label| self.all_staff_row(label, counts))
                .collect();
            let total = *totals.get_or_insert_with(|| {
                let mut total = [rows; 7];
                for (e, ethnic) in ALL_STAFF_ETHNIC.iter().enumerate() {
                    let n = counts.iter().filter(|((_, g), _)| g == ethnic).fold(0.0, |sum, (_, n)| sum + n);
                    total[e] = self.push(n);
                    let residual = *ethnic == EthnicGroup::NotStated;
                    self.margins.rank(total[e], if residual { Importance::Residual } else { Importance::Headline });
                }
                self.margins.add(total[..6].to_vec(), rows);
                total
            });
            for e in 0..6 {
                self.margins.add(groups.iter().map(|(_, cells)| cells[e]).collect::<Vec<_>>(), total[e]);
            }
            self.margins.add(groups.iter().map(|(_, cells)| cells[6]).collect::<Vec<_>>(), rows);
            blocks.push(AllStaffBlock { dimension, groups, total });
        }
        blocks
    }

    /// One group of an all-staff table: its count by each ethnic group, and their sum.
    fn all_staff_row(&mut self, label: String, counts: &BTreeMap<(String, EthnicGroup), f64>) -> (String, [usize; 7]) {
        let residual_row = is_residual(&label);
        let mut cells = [0; 7];
        for (e, ethnic) in ALL_STAFF_ETHNIC.iter().enumerate() {
            cells[e] = self.push(counts.get(&(label.clone(), *ethnic)).copied().unwrap_or(0.0));
            let residual = residual_row || *ethnic == EthnicGroup::NotStated;
            self.margins.rank(cells[e], if residual { Importance::Residual } else { Importance::Detail });
        }
        let all: f64 = cells[..6].iter().map(|c| self.raw[*c]).sum();
        cells[6] = self.push(all);
        self.margins.add(cells[..6].to_vec(), cells[6]);
        self.margins.rank(cells[6], if residual_row { Importance::Residual } else { Importance::Headline });
        (label, cells)
    }

    /// WRES indicator 1 is the all-staff band table coarsened: White, BME (the other stated
    /// groups), not stated and all, band by band and in total. The sums that say so.
    fn tie_wres1(&mut self, wres1: &[[usize; 4]], all_staff: &[AllStaffBlock]) {
        let Some(bands) = all_staff.iter().find(|b| b.dimension == "band") else { return };
        let rows = BandGroup::ALL.iter().map(|b| b.to_string()).map(Some).chain([None]);
        for (label, wres) in rows.zip(wres1) {
            let cells = match &label {
                Some(label) => bands.groups.iter().find(|(l, _)| l == label).map(|(_, c)| *c),
                None => Some(bands.total),
            };
            let Some(cells) = cells else { continue };
            let bme: Vec<usize> = ALL_STAFF_ETHNIC
                .iter()
                .zip(cells)
                .filter(|(g, _)| g.wres() == WresGroup::Bme)
                .map(|(_, c)| c)
                .collect();
            self.margins.add([cells[3]], wres[0]);
            self.margins.add(bme, wres[1]);
            self.margins.add([cells[5]], wres[2]);
            if cells[6] != wres[3] {
                self.margins.add([cells[6]], wres[3]);
            }
        }
    }
}

/// The groups of an all-staff table, in the order it shows them: every band group (none
/// left out, so that WRES indicator 1's bands are all there), else those counted.
fn all_staff_groups(dimension: &str, counts: &BTreeMap<(String, EthnicGroup), f64>) -> Vec<String> {
    if dimension == "band" {
        return BandGroup::ALL.iter().map(|b| b.to_string()).collect();
    }
    let mut labels: Vec<String> = counts.keys().map(|(label, _)| label.clone()).collect();
    labels.dedup();
    labels
}

/// A group of people whose value was not stated or not recorded: hidden first.
fn is_residual(label: &str) -> bool {
    let label = label.to_ascii_lowercase();
    ["not stated", "not recorded", "unknown", "other or not"].iter().any(|w| label.contains(w))
}

#[derive(Clone, Copy)]
struct ClassBlock {
    first_decile: usize,
    first_quintile: usize,
    total: usize,
}

impl ClassBlock {
    fn cells(&self, published: &[Cell]) -> ClassCells {
        ClassCells {
            deciles: published[self.first_decile..self.first_decile + 10].to_vec(),
            quintiles: published[self.first_quintile..self.first_quintile + 5].to_vec(),
            total: published[self.total],
        }
    }
}

impl PublishedStaff {
    pub fn new(
        facts: &[AreaFacts],
        community: &Community,
        tally: &StaffTally,
        matches: &MatchCounts,
        outside_community: u64,
        protection: Protection,
    ) -> PublishedStaff {
        let system = StaffSystem::build(facts, community, tally, (matches, outside_community), Some(protection.rule));
        let (published, audit) = system.system.publish(protection, &system.area_of);
        system.published(&published, audit)
    }
}

/// A gaps run's counts as one system of sums before any is hidden, with where each table's cells
/// are in it: what [`PublishedStaff::new`] protects alone, and a network protects with its
/// partners' (`anchormap network`).
pub struct StaffSystem {
    system: System,
    areas: AreaCells,
    blocks: BTreeMap<&'static str, Vec<(String, ClassBlock)>>,
    nation_blocks: BTreeMap<&'static str, Vec<(Country, Vec<(String, ClassBlock)>)>>,
    counts: SummaryCells,
    wres1: Option<Vec<[usize; 4]>>,
    all_staff: Vec<AllStaffBlock>,
    msoas: Vec<Option<usize>>,
    /// Each community area's cell, with its area code.
    pub area_of: BTreeMap<usize, String>,
}

impl StaffSystem {
    /// The system of `tally`'s counts; `merge_rare` (the rule) merges rare staff groups, `None`
    /// keeps the groups as they are (a network merges them once, by the pool).
    pub fn build(
        facts: &[AreaFacts],
        community: &Community,
        tally: &StaffTally,
        (matches, outside_community): (&MatchCounts, u64),
        merge_rare: Option<&Disclosure>,
    ) -> StaffSystem {
        let mut system = System::default();
        let deciles = |staff: &[f64]| class_counts(facts, community, staff, Classes::Decile).staff;
        let areas = system.areas(facts, community, tally, &deciles(&tally.by_area));
        let blocks: BTreeMap<&'static str, Vec<(String, ClassBlock)>> = tally
            .groups
            .iter()
            .map(|(dimension, groups)| {
                let groups = match merge_rare {
                    Some(rule) => free_text_merged(dimension, groups, rule),
                    None => groups.clone(),
                };
                (*dimension, system.breakdown(dimension, &groups, &areas.all, deciles))
            })
            .collect();
        // In a run across nations, each nation's groups on its own index, adding up to its table.
        let mut nation_blocks: BTreeMap<&'static str, Vec<(Country, Vec<(String, ClassBlock)>)>> = BTreeMap::new();
        for (dimension, groups) in tally.groups.iter().filter(|_| !areas.nations.is_empty()) {
            let groups = match merge_rare {
                Some(rule) => free_text_merged(dimension, groups, rule),
                None => groups.clone(),
            };
            for (nation, block) in &areas.nations {
                let deciles = |staff: &[f64]| own_deciles(facts, community, staff, *nation);
                let list = system.breakdown(dimension, &groups, block, deciles);
                nation_blocks.entry(dimension).or_default().push((*nation, list));
            }
        }
        let counts = system.summary_counts(matches, outside_community, &areas);
        let wres1 = tally.band_by_wres.as_ref().map(|by_band| system.wres1_block(by_band, counts.rows));
        let all_staff = system.all_staff_blocks(&tally.all_staff, counts.rows);
        if let Some(wres1) = &wres1 {
            system.tie_wres1(wres1, &all_staff);
        }
        let msoas = system.msoas(facts, tally, &areas);
        let area_of = area_codes(&areas.cells, facts);
        StaffSystem { system, areas, blocks, nation_blocks, counts, wres1, all_staff, msoas, area_of }
    }

    /// Each count, exact.
    pub fn raw(&self) -> &[f64] {
        &self.system.raw
    }

    /// The sums among the counts, and how much each matters.
    pub fn margins(&self) -> &Margins {
        &self.system.margins
    }

    /// The tables as published, from each count's published cell (`published`, as [`StaffSystem::raw`]).
    pub fn published(&self, published: &[Cell], audit: DisclosureAudit) -> PublishedStaff {
        let cells = |b: &[usize; 4]| b.map(|i| published[i]);
        PublishedStaff {
            areas: self.areas.cells.iter().map(|c| c.map(|i| published[i])).collect(),
            msoas: self.msoas.iter().map(|c| c.map(|i| published[i])).collect(),
            all: self.areas.all.cells(published),
            nations: self.areas.nations.iter().map(|(n, b)| (*n, b.cells(published))).collect(),
            groups: self
                .blocks
                .iter()
                .map(|(d, list)| (*d, list.iter().map(|(label, b)| (label.clone(), b.cells(published))).collect()))
                .collect(),
            nation_groups: self
                .nation_blocks
                .iter()
                .map(|(d, nations)| {
                    let cells = |list: &Vec<(String, ClassBlock)>| {
                        list.iter().map(|(label, b)| (label.clone(), b.cells(published))).collect()
                    };
                    (*d, nations.iter().map(|(n, list)| (*n, cells(list))).collect())
                })
                .collect(),
            matches: self.counts.statuses.iter().map(|(s, i)| (*s, published[*i])).collect(),
            rows: published[self.counts.rows],
            outside_community: published[self.counts.outside],
            wres1: self.wres1.as_ref().map(|block| Wres1Cells {
                bands: BandGroup::ALL.iter().zip(block).map(|(b, c)| (*b, cells(c))).collect(),
                total: cells(&block[block.len() - 1]),
            }),
            all_staff: self.all_staff.iter().map(|b| all_staff_cells(b, published)).collect(),
            audit,
        }
    }
}

/// One all-staff table's cells as published.
fn all_staff_cells(block: &AllStaffBlock, published: &[Cell]) -> AllStaffCells {
    AllStaffCells {
        dimension: block.dimension,
        groups: block.groups.iter().map(|(label, cells)| (label.clone(), cells.map(|i| published[i]))).collect(),
        total: block.total.map(|i| published[i]),
    }
}

/// Where the community's areas and the all-staff class table are in the system.
struct AreaCells {
    /// By area row: the cell of a community area.
    cells: Vec<Option<usize>>,
    all: ClassBlock,
    /// Staff in community areas without an English decile: in the area table, not in the classes.
    without_decile: usize,
    /// Each other nation's class table on its own index, in a run across nations.
    nations: Vec<(Country, ClassBlock)>,
}

/// Where the summary's counts are in the system.
struct SummaryCells {
    statuses: Vec<(MatchStatus, usize)>,
    rows: usize,
    outside: usize,
}

impl System {
    /// The community's areas and the all-staff class table they add up to, decile by decile.
    fn areas(&mut self, facts: &[AreaFacts], community: &Community, tally: &StaffTally, deciles: &[f64]) -> AreaCells {
        let cells: Vec<Option<usize>> =
            (0..facts.len()).map(|i| community.contains(i).then(|| self.push(tally.by_area[i]))).collect();
        let all = self.class_block(deciles);
        self.rank_block(&all, Importance::Headline, Importance::Headline);
        let in_decile = |decile: Option<u8>| -> Vec<usize> {
            cells.iter().zip(facts).filter(|(_, a)| a.decile == decile).filter_map(|(cell, _)| *cell).collect()
        };
        for d in 0..10u8 {
            self.margins.add(in_decile(Some(d + 1)), all.first_decile + d as usize);
        }
        let without_decile =
            self.push(class_counts(facts, community, &tally.by_area, Classes::Decile).staff_without_decile);
        self.margins.rank(without_decile, Importance::Residual);
        self.margins.unpublished(without_decile);
        self.margins.add(in_decile(None), without_decile);
        let nations = self.nation_blocks(facts, &cells, without_decile);
        AreaCells { cells, all, without_decile, nations }
    }

    /// In a run across nations: each other nation's class table, its deciles the community's areas
    /// of that nation in each decile of its own index, added up like England's; their totals and
    /// the staff in areas no index ranks add up to the staff without an English decile, so that the
    /// nations' totals and England's add up to everyone living in the community.
    fn nation_blocks(
        &mut self,
        facts: &[AreaFacts],
        cells: &[Option<usize>],
        without_decile: usize,
    ) -> Vec<(Country, ClassBlock)> {
        let nations = other_nations(facts, |i| cells[i].is_some());
        if nations.is_empty() {
            return Vec::new();
        }
        let mut blocks = Vec::new();
        for nation in nations {
            let in_class = |decile: u8| -> Vec<usize> {
                let own = Some(OwnDecile { nation, decile });
                cells
                    .iter()
                    .zip(facts)
                    .filter(|(_, a)| a.decile.is_none() && a.own == own)
                    .filter_map(|(c, _)| *c)
                    .collect()
            };
            let deciles: Vec<f64> = (1..=10).map(|d| in_class(d).iter().map(|c| self.raw[*c]).sum()).collect();
            let block = self.class_block(&deciles);
            self.rank_block(&block, Importance::Headline, Importance::Headline);
            for d in 0..10u8 {
                self.margins.add(in_class(d + 1), block.first_decile + d as usize);
            }
            blocks.push((nation, block));
        }
        let ranked = |a: &AreaFacts| blocks.iter().any(|(n, _)| a.own.is_some_and(|o| o.nation == *n));
        let rest: Vec<usize> =
            cells.iter().zip(facts).filter(|(_, a)| a.decile.is_none() && !ranked(a)).filter_map(|(c, _)| *c).collect();
        let unranked = self.push(rest.iter().map(|c| self.raw[*c]).sum());
        self.margins.rank(unranked, Importance::Residual);
        self.margins.unpublished(unranked);
        self.margins.add(rest, unranked);
        self.margins.add(blocks.iter().map(|(_, b)| b.total).chain([unranked]).collect::<Vec<_>>(), without_decile);
        blocks
    }

    /// One breakdown: each group's class table; the groups add up to the all-staff table. Groups
    /// made of groups (BME, all stated) are tied to their members, to each other and to all staff.
    fn breakdown(
        &mut self,
        dimension: &str,
        groups: &BTreeMap<String, Vec<f64>>,
        all: &ClassBlock,
        deciles: impl Fn(&[f64]) -> Vec<f64>,
    ) -> Vec<(String, ClassBlock)> {
        let mut list: Vec<(String, ClassBlock)> =
            groups.iter().map(|(label, staff)| (label.clone(), self.class_block(&deciles(staff)))).collect();
        for (label, block) in &list {
            self.rank_block(block, group_importance(label), group_headline(label));
        }
        for d in 0..10 {
            self.margins.add(list.iter().map(|(_, b)| b.first_decile + d).collect::<Vec<_>>(), all.first_decile + d);
        }
        self.margins.add(list.iter().map(|(_, b)| b.total).collect::<Vec<_>>(), all.total);
        let mut everyone: Vec<String> = groups.keys().cloned().collect();
        everyone.extend(combined_of(dimension).into_iter().flat_map(|(_, m)| m).map(str::to_string));
        let mut nested: Vec<(Vec<String>, ClassBlock)> = vec![(everyone, *all)];
        let base = list.clone();
        for (label, members) in combined_of(dimension) {
            let block = self.combined_block(&members, &base, &nested);
            self.rank_block(&block, Importance::Detail, group_headline(label));
            nested.push((members.iter().map(|m| m.to_string()).collect(), block));
            list.push((label.to_string(), block));
        }
        list
    }

    /// The summary: rows by match status; the placed ones (within, nearest, directory) = community + elsewhere,
    /// where the community is the class total plus the staff without a decile.
    fn summary_counts(&mut self, matches: &MatchCounts, outside_community: u64, areas: &AreaCells) -> SummaryCells {
        let statuses: Vec<(MatchStatus, usize)> =
            MatchStatus::ALL.iter().map(|s| (*s, self.push(matches.get(*s) as f64))).collect();
        let rows = self.push(matches.total() as f64);
        self.margins.add(statuses.iter().map(|(_, i)| *i).collect::<Vec<_>>(), rows);
        self.margins.rank(rows, Importance::Headline);
        for (status, cell) in &statuses {
            self.margins
                .rank(*cell, if *status == MatchStatus::Within { Importance::Detail } else { Importance::Residual });
        }
        let outside = self.push(outside_community as f64);
        // Staff placed: no file publishes it, but the placed statuses add up to it, and it is the
        // community (class total and without a decile) plus elsewhere. Both sums are of counts, so
        // that an attacker's range for each member follows from the others' ([`Disclosure::protect`]).
        let placed: Vec<usize> = statuses.iter().filter(|(s, _)| s.is_placed()).map(|(_, i)| *i).collect();
        let all_placed = self.push(placed.iter().map(|i| self.raw[*i]).sum());
        self.margins.unpublished(all_placed);
        self.margins.add(placed, all_placed);
        self.margins.add([areas.all.total, areas.without_decile, outside], all_placed);
        SummaryCells { statuses, rows, outside }
    }

    /// The MSOAs: each the sum of the community's areas in it; the MSOAs and the community's areas
    /// without one add up to everyone living in the community (the class total plus the staff
    /// without a decile), so none is recoverable by subtraction from the total either.
    fn msoas(&mut self, facts: &[AreaFacts], tally: &StaffTally, areas: &AreaCells) -> Vec<Option<usize>> {
        let count = facts.iter().filter_map(|a| a.msoa).max().map_or(0, |m| m + 1);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut staff = vec![0.0; count];
        let mut loose = Vec::new();
        for ((area, cell), n) in facts.iter().zip(&areas.cells).zip(&tally.by_area) {
            match (cell, area.msoa) {
                (Some(c), Some(m)) => {
                    members[m].push(*c);
                    staff[m] += n;
                }
                (Some(c), None) => loose.push(*c),
                (None, _) => {}
            }
        }
        if count == 0 {
            return Vec::new();
        }
        let cells: Vec<Option<usize>> =
            members.iter().zip(&staff).map(|(m, s)| (!m.is_empty()).then(|| self.push(*s))).collect();
        for (parts, cell) in members.into_iter().zip(&cells) {
            if let Some(whole) = cell {
                self.margins.add(parts, *whole);
            }
        }
        let everyone = self.push(self.raw[areas.all.total] + self.raw[areas.without_decile]);
        self.margins.unpublished(everyone);
        self.margins.add([areas.all.total, areas.without_decile], everyone);
        self.margins.add(cells.iter().flatten().copied().chain(loose), everyone);
        cells
    }

    /// Every cell under the rule, with the secondary suppression the sums (and those of the runs
    /// published before, `area_of` naming the area rows' cells) call for.
    fn publish(&self, protection: Protection, area_of: &BTreeMap<usize, String>) -> (Vec<Cell>, DisclosureAudit) {
        let cells_of = "staff: every table of the run and the summary";
        let (hidden, audit) = protection.protect(cells_of, &self.raw, &self.margins, area_of);
        let rule = protection.rule;
        (self.raw.iter().zip(&hidden).map(|(c, h)| if *h { Cell::Suppressed } else { rule.cell(*c) }).collect(), audit)
    }
}

/// Staff (from `staff`, by area) in the community's areas of `nation`, by decile of its own index.
fn own_deciles(facts: &[AreaFacts], community: &Community, staff: &[f64], nation: Country) -> Vec<f64> {
    let mut deciles = vec![0.0; 10];
    for (i, area) in facts.iter().enumerate().filter(|(i, a)| community.contains(*i) && a.decile.is_none()) {
        if let Some(own) = area.own.filter(|o| o.nation == nation) {
            deciles[own.decile as usize - 1] += staff[i];
        }
    }
    deciles
}

/// The nations other than England whose own index ranks some of the community's areas (`member`
/// says whether an area row is in it), Wales before Scotland: empty unless the run reads `--wimd` or `--simd`.
pub fn other_nations(facts: &[AreaFacts], member: impl Fn(usize) -> bool) -> Vec<Country> {
    let ranked = |nation: Country| {
        facts
            .iter()
            .enumerate()
            .any(|(i, a)| member(i) && a.decile.is_none() && a.own.is_some_and(|o| o.nation == nation))
    };
    [Country::Wales, Country::Scotland].into_iter().filter(|n| ranked(*n)).collect()
}

/// Each community area's cell in the system, with its area code (how earlier runs name it).
fn area_codes(cells: &[Option<usize>], facts: &[AreaFacts]) -> BTreeMap<usize, String> {
    cells.iter().zip(facts).filter_map(|(c, a)| Some(((*c)?, a.code.clone()))).collect()
}

/// A run published with `--protect-with` that cannot be protected together with the earlier
/// runs stops: nothing is published that the runs together would expose.
pub fn check_linked(published: &PublishedStaff, earlier: &[RunTables]) -> anyhow::Result<()> {
    if !earlier.is_empty() && !published.audit.protected {
        anyhow::bail!(
            "--protect-with: this run cannot be protected together with the runs published before it ({}); publish it \
             under the default rule, or with a community or breakdowns that differ more from theirs",
            published.audit.cells_of
        );
    }
    Ok(())
}

/// The gaps runs published before this one from the same people (`--protect-with`), read back
/// with their exact twins; each must be a gaps run published under the same rule.
pub fn published_before(folders: &[std::path::PathBuf], rule: &Disclosure) -> anyhow::Result<Vec<RunTables>> {
    let mut runs = Vec::new();
    for folder in folders {
        let run = match read_run(folder)? {
            RunFolder::Gaps(run) => run,
            RunFolder::NotAudited(note) => {
                anyhow::bail!(crate::Error::usage(format!("--protect-with takes gaps runs only: {note}")))
            }
            RunFolder::Commute(_) => anyhow::bail!(crate::Error::usage(format!(
                "--protect-with takes gaps runs only: {} is a commute run",
                folder.display()
            ))),
        };
        if run.rule != *rule {
            anyhow::bail!(crate::Error::usage(format!(
                "--protect-with {}: published with --min-count {} --round-to {}, this run with --min-count {} --round-to {}: \
                 use the same rule",
                folder.display(),
                run.rule.min_count,
                run.rule.round_to,
                rule.min_count,
                rule.round_to
            )));
        }
        runs.push(run);
    }
    Ok(runs)
}

/// The row of staff groups held by fewer than `min_count` staff each (a staff group is the
/// input's own text: a rare one is published neither word for word nor as a row of `*`).
pub const RARE_STAFF_GROUPS: &str = "Other staff groups (each fewer than the minimum count)";

/// A breakdown's groups as published: for the staff group (free text), the rare ones merged.
fn free_text_merged(
    dimension: &str,
    groups: &BTreeMap<String, Vec<f64>>,
    rule: &Disclosure,
) -> BTreeMap<String, Vec<f64>> {
    if dimension != "staff_group" {
        return groups.clone();
    }
    let add = |a: &mut Vec<f64>, b: &Vec<f64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    rule.merge_rare(groups, |staff| staff.iter().sum(), add, RARE_STAFF_GROUPS)
}

/// A breakdown group's cells: "not stated", "not recorded" and "other" rows are hidden first.
fn group_importance(label: &str) -> Importance {
    use crate::input::demography::{EthnicGroup, Sex};
    let residual = [EthnicGroup::NotStated.label(), EthnicGroup::Other.label(), Sex::NotStated.label()];
    let lower = label.to_lowercase();
    if residual.contains(&label)
        || lower.contains("not recorded")
        || lower.contains("unknown")
        || lower.starts_with("other ")
    {
        Importance::Residual
    } else {
        Importance::Detail
    }
}

/// The cells of a group's table a board reads first (its total and Core20 cells): White and BME.
fn group_headline(label: &str) -> Importance {
    if label == "White" || label == crate::analysis::demography::BME {
        Importance::Headline
    } else {
        group_importance(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quintile_never_gives_back_a_hidden_decile() {
        // The review's case: --round-to 1, decile 1 holds 3 staff; quintile 1 minus decile 2 gave it back.
        let facts: Vec<AreaFacts> =
            (1..=10u8).map(|d| AreaFacts { decile: Some(d), population: Some(1000.0), ..Default::default() }).collect();
        let community = Community { members: vec![true; 10], description: String::new() };
        let mut tally = StaffTally::new(10);
        for (area, n) in [(0, 3), (1, 30), (2, 40), (3, 50), (4, 20), (5, 20), (6, 20), (7, 20), (8, 20), (9, 20)] {
            for _ in 0..n {
                tally.add(area, &[]);
            }
        }
        let matches = MatchCounts { within: 243, ..Default::default() };
        let rule = Disclosure { min_count: 8, round_to: 1 };
        let p = PublishedStaff::new(&facts, &community, &tally, &matches, 0, Protection::alone(&rule));
        assert_eq!(p.all.deciles[0], Cell::Suppressed);
        // Decile 2 (30) is hidden with it, so quintile 1 (33) reveals neither.
        assert_eq!(p.all.deciles[1], Cell::Suppressed);
        assert_eq!(p.all.quintiles[0], Cell::Count(33.0));
        // The one-area-per-decile areas follow their deciles.
        assert_eq!(p.areas[0], Some(Cell::Suppressed));
        assert_eq!(p.areas[1], Some(Cell::Suppressed));
        assert_eq!(p.areas[2], Some(Cell::Count(40.0)));
    }

    #[test]
    fn issue_30_each_nations_class_table_is_in_the_system_of_sums() {
        let own = |nation, decile| Some(OwnDecile { nation, decile });
        let england = |d: u8| AreaFacts { decile: Some(d), own: own(Country::England, d), ..Default::default() };
        let wales = |d: u8| AreaFacts { own: own(Country::Wales, d), ..Default::default() };
        let facts = vec![england(1), england(2), wales(1), wales(1), wales(5), AreaFacts::default()];
        let community = Community { members: vec![true; 6], description: String::new() };
        let mut tally = StaffTally::new(6);
        for (area, n) in [(0, 40), (1, 50), (2, 3), (3, 20), (4, 30), (5, 10)] {
            (0..n).for_each(|_| tally.add(area, &[]));
        }
        let matches = MatchCounts { within: 153, ..Default::default() };
        let rule = Disclosure { min_count: 8, round_to: 1 };
        let p = PublishedStaff::new(&facts, &community, &tally, &matches, 0, Protection::alone(&rule));
        assert_eq!(p.all.total, Cell::Count(90.0), "England's table holds England's areas only");
        assert_eq!(p.nations.len(), 1);
        let (nation, cells) = &p.nations[0];
        assert_eq!(*nation, Country::Wales);
        assert_eq!(
            (cells.deciles[0], cells.deciles[4], cells.total),
            (Cell::Count(23.0), Cell::Count(30.0), Cell::Count(53.0))
        );
        assert_eq!(cells.quintiles[0], Cell::Count(23.0));
        // Wales's decile 1 minus its other area would give the area of 3: both are hidden.
        assert_eq!(p.areas[2..4], [Some(Cell::Suppressed), Some(Cell::Suppressed)]);
        assert!(p.audit.protected);
        // Without the nations' indices, as before: no nation's table.
        let plain: Vec<AreaFacts> = facts.iter().cloned().map(|a| AreaFacts { own: None, ..a }).collect();
        let p = PublishedStaff::new(&plain, &community, &tally, &matches, 0, Protection::alone(&rule));
        assert!(p.nations.is_empty());
    }

    #[test]
    fn issue_15_an_msoa_is_the_sum_of_its_areas_and_hides_nothing_they_hide() {
        let facts: Vec<AreaFacts> = [(1, 0), (2, 0), (3, 1)]
            .map(|(d, m)| AreaFacts { decile: Some(d), population: Some(1000.0), msoa: Some(m), ..Default::default() })
            .to_vec();
        let community = Community { members: vec![true; 3], description: String::new() };
        let mut tally = StaffTally::new(3);
        for (area, n) in [(0, 3), (1, 40), (2, 50)] {
            (0..n).for_each(|_| tally.add(area, &[]));
        }
        let matches = MatchCounts { within: 93, ..Default::default() };
        let rule = Disclosure { min_count: 8, round_to: 1 };
        let p = PublishedStaff::new(&facts, &community, &tally, &matches, 0, Protection::alone(&rule));
        assert_eq!(
            p.areas[..2],
            [Some(Cell::Suppressed), Some(Cell::Suppressed)],
            "quintile 1 minus decile 2 would give area 1"
        );
        assert_eq!(p.msoas, vec![Some(Cell::Count(43.0)), Some(Cell::Count(50.0))]);
    }
}
