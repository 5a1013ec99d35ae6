//! The target tables as published: `targets.csv`, one row per target neighbourhood with what an anchor lead acts on (where it is, the jobs within reach, who lives there, why), and `targets_by_msoa.csv`, the targets grouped by the neighbourhoods people know.

use std::collections::BTreeMap;

use crate::analysis::targets::{reason, Target, Why};
use crate::analysis::AreaFacts;
use crate::input::vacancies::Vacancy;
use crate::output::disclosure::Cell;
use crate::output::schema::{targets as t, targets_by_msoa as m};
use crate::output::table::{fixed, Table};
use crate::reference::area_names::Msoa;
use crate::reference::census::Residents;

/// Job titles listed per target before "and N more".
const TITLES_SHOWN: usize = 5;

/// What the target rows are made from.
pub struct TargetRows<'a> {
    pub facts: &'a [AreaFacts],
    pub msoas: &'a [Msoa],
    /// Staff by area as published.
    pub cells: &'a [Option<Cell>],
    /// Published staff per 1,000 in the community.
    pub rate: f64,
    /// The vacancies the targets' `in_reach` indices point into.
    pub vacancies: &'a [&'a Vacancy],
    /// By area row.
    pub residents: &'a [Residents],
}

impl TargetRows<'_> {
    /// `targets.csv`: the targets in rank order.
    pub fn table(&self, found: &[Target]) -> Table {
        let mut table = Table::new(&t::HEADERS);
        for (rank, target) in found.iter().enumerate() {
            table.push(self.row(rank + 1, target));
        }
        table
    }

    /// A row of [`t::HEADERS`] for an area that is no target: its names, decile and population only.
    pub fn untargeted(&self, area: usize) -> Vec<String> {
        let facts = &self.facts[area];
        let mut row = vec![String::new(), facts.code.clone(), facts.name.clone()];
        row.extend(crate::output::names::cells(facts, self.msoas));
        row.extend([facts.decile.map_or(String::new(), |d| d.to_string()), fixed(facts.population, 0)]);
        row.resize(t::HEADERS.len(), String::new());
        row
    }

    fn row(&self, rank: usize, target: &Target) -> Vec<String> {
        let area = &self.facts[target.area];
        let residents = self.residents.get(target.area).copied().unwrap_or_default();
        let why = Why {
            decile: area.decile.unwrap_or(0),
            shortfall: target.shortfall,
            jobs: target.vacancies_within_radius,
            nearest_site_name: &target.nearest_site_name,
            distance_km: target.distance_m / 1000.0,
            residents,
        };
        let jobs: Vec<&Vacancy> = target.in_reach.iter().map(|i| self.vacancies[*i]).collect();
        let mut row = vec![rank.to_string(), area.code.clone(), area.name.clone()];
        row.extend(crate::output::names::cells(area, self.msoas));
        row.extend([
            area.decile.map_or(String::new(), |d| d.to_string()),
            fixed(area.population, 0),
            self.cells[target.area].map_or(String::new(), |c| c.to_string()),
            fixed(area.population.map(|p| p * self.rate / 1000.0), 1),
            fixed(Some(target.shortfall), 1),
            target.nearest_site.clone(),
            target.nearest_site_name.clone(),
            fixed(Some(target.distance_m / 1000.0), 2),
            target.vacancies_within_radius.to_string(),
            titles(&jobs),
            jobs.iter().filter_map(|v| v.closing_date).min().map_or(String::new(), |d| d.to_string()),
            fixed(residents.out_of_work, 0),
            fixed(residents.without_car_share, 4),
            fixed(Some(target.access), 3),
            fixed(Some(target.score), 2),
            reason(&why),
        ]);
        row
    }

    /// `targets_by_msoa.csv`: the targets grouped by MSOA, most short first ("Warndon West: 3
    /// target areas, 35 short").
    pub fn by_msoa(&self, found: &[Target]) -> Table {
        let mut groups: BTreeMap<usize, Vec<(usize, &Target)>> = BTreeMap::new();
        for (rank, target) in found.iter().enumerate() {
            if let Some(msoa) = self.facts[target.area].msoa {
                groups.entry(msoa).or_default().push((rank + 1, target));
            }
        }
        let mut rows: Vec<(f64, Vec<String>)> =
            groups.into_iter().map(|(msoa, members)| self.msoa_row(&self.msoas[msoa], &members)).collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
        let mut table = Table::new(&m::HEADERS);
        rows.into_iter().for_each(|(_, row)| table.push(row));
        table
    }

    fn msoa_row(&self, msoa: &Msoa, members: &[(usize, &Target)]) -> (f64, Vec<String>) {
        let shortfall: f64 = members.iter().map(|(_, t)| t.shortfall).sum();
        let mut jobs: Vec<usize> = members.iter().flat_map(|(_, t)| t.in_reach.iter().copied()).collect();
        jobs.sort_unstable();
        jobs.dedup();
        let out_of_work: Option<f64> =
            members.iter().map(|(_, t)| self.residents.get(t.area).and_then(|r| r.out_of_work)).sum();
        let areas = members.len();
        let summary =
            format!("{}: {areas} target area{}, {:.0} short", msoa.name, if areas == 1 { "" } else { "s" }, shortfall);
        let row = vec![
            msoa.code.clone(),
            msoa.name.clone(),
            areas.to_string(),
            fixed(Some(shortfall), 1),
            jobs.len().to_string(),
            fixed(out_of_work, 0),
            members.iter().map(|(rank, _)| *rank).min().unwrap_or_default().to_string(),
            summary,
        ];
        (shortfall, row)
    }
}

/// The titles of the jobs, nearest first, each once with how many there are:
/// "Healthcare Assistant (3); Domestic Assistant; and 2 more".
fn titles(jobs: &[&Vacancy]) -> String {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for job in jobs.iter().filter(|v| !v.title.is_empty()) {
        match counted.iter_mut().find(|(title, _)| *title == job.title) {
            Some((_, n)) => *n += 1,
            None => counted.push((&job.title, 1)),
        }
    }
    let mut shown: Vec<String> = counted
        .iter()
        .take(TITLES_SHOWN)
        .map(|(title, n)| if *n == 1 { title.to_string() } else { format!("{title} ({n})") })
        .collect();
    if counted.len() > TITLES_SHOWN {
        shown.push(format!("and {} more", counted.len() - TITLES_SHOWN));
    }
    shown.join("; ")
}
