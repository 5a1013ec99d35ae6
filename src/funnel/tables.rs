//! The tables of `funnel`: each group's applications at each stage, its rates, and (for deprivation, with a community) its share against the community's.

use crate::funnel::published::{FunnelCells, PublishedFunnelTable};
use crate::funnel::tally::{base_groups, rates};
use crate::output::disclosure::Cell;
use crate::output::table::{fixed, Table};

/// The community's population by national IMD decile (index 0 = decile 1).
pub struct CommunityShares {
    pub population_by_decile: Vec<f64>,
    /// In a run across nations, by group of each nation's own index (`Wales: 3`, see
    /// [`crate::funnel::tally::nation_group`]); empty otherwise.
    pub population_by_nation_group: std::collections::BTreeMap<String, f64>,
}

impl CommunityShares {
    /// The share of the nation's community (in areas with a decile of its own index) living in these
    /// groups of the nation (`Wales: 1`, `Wales: 2`).
    pub fn nation_share(&self, nation: &str, members: &[String]) -> Option<f64> {
        let of_nation = |g: &String| g.split_once(": ").is_some_and(|(n, _)| n == nation);
        let total: f64 = self.population_by_nation_group.iter().filter(|(g, _)| of_nation(g)).map(|(_, p)| p).sum();
        let population: f64 = members.iter().filter_map(|m| self.population_by_nation_group.get(m)).sum();
        (total > 0.0 && members.iter().all(of_nation)).then(|| population / total)
    }
}

impl CommunityShares {
    /// The share of the community's population (in areas with a decile) living in these deciles.
    fn share(&self, members: &[String]) -> Option<f64> {
        let total: f64 = self.population_by_decile.iter().sum();
        let deciles: Vec<usize> = members.iter().map(|m| m.parse::<usize>().ok()).collect::<Option<_>>()?;
        let population: f64 = deciles.iter().filter_map(|d| self.population_by_decile.get(d - 1)).sum();
        (total > 0.0).then(|| population / total)
    }
}

/// `funnel_by_{column}.csv`: a row per group and one for all applications, rates from published
/// counts; `applied_share` of the applications whose group is known; for deprivation tables with a
/// community, the community's population share and the ratio of the two (who we reach at all).
pub fn funnel_table(table: &PublishedFunnelTable, all: &FunnelCells, community: Option<&CommunityShares>) -> Table {
    let spec = &table.spec;
    let deprivation = spec.dimension == "imd_decile";
    let mut headers = vec![spec.column, "applied", "shortlisted", "appointed", "shortlisting_rate"];
    headers.extend(["appointment_rate_from_shortlisting", "appointment_rate", "applied_share"]);
    let community = community.filter(|_| deprivation);
    if community.is_some() {
        headers.extend(["community_population_share", "reach_ratio"]);
    }
    let unknown = base_groups(spec.dimension).last().cloned().unwrap_or_default();
    let known_total = all.applied.value().zip(table.get(&unknown).and_then(|c| c.applied.value())).map(|(a, u)| a - u);
    let mut out = Table::new(&headers);
    let rows =
        spec.rows.iter().zip(&table.rows).map(|((label, members), cells)| (label.as_str(), Some(members), cells));
    for (label, members, cells) in rows.chain([("All applications", None, all)]) {
        let r = rates(cells.applied.value(), cells.shortlisted.value(), cells.appointed.value());
        let known = members.is_some() && label != unknown;
        let applied_share =
            cells.applied.value().zip(known_total.filter(|t| *t > 0.0)).filter(|_| known).map(|(a, t)| a / t);
        let mut row = vec![label.to_string(), count(cells.applied), count(cells.shortlisted), count(cells.appointed)];
        row.extend(
            [r.shortlisting_rate, r.appointment_rate_from_shortlisting, r.appointment_rate, applied_share]
                .map(|v| fixed(v, 4)),
        );
        if let Some(community) = community {
            let population_share = members.filter(|_| known).and_then(|m| community.share(m));
            let reach = applied_share.zip(population_share.filter(|p| *p > 0.0)).map(|(a, p)| a / p);
            row.extend([fixed(population_share, 4), fixed(reach, 3)]);
        }
        out.push(row);
    }
    out
}

fn count(cell: Cell) -> String {
    cell.to_string()
}

/// `funnel_by_{column}.csv` in a run across nations (a deprivation table by each nation's own
/// index): `nation`, `deprivation_index` and the nation's group, rates from published counts,
/// `applied_share` within the nation (of its applications with a decile of its own index) and,
/// with a community, the nation's part of the community in the same groups; then the applications
/// without a decile and all applications. `indices`: each nation's index (`Wales`, `WIMD 2025`).
pub fn funnel_table_by_nation(
    table: &PublishedFunnelTable,
    all: &FunnelCells,
    community: Option<&CommunityShares>,
    indices: &[(String, String)],
) -> Table {
    let spec = &table.spec;
    let class = match spec.column {
        "imd_decile" => "deprivation_decile",
        "imd_quintile" => "deprivation_quintile",
        _ => "deprivation_group",
    };
    let mut headers = vec!["nation", "deprivation_index", class, "applied", "shortlisted", "appointed"];
    headers.extend(["shortlisting_rate", "appointment_rate_from_shortlisting", "appointment_rate", "applied_share"]);
    if community.is_some() {
        headers.extend(["community_population_share", "reach_ratio"]);
    }
    let mut out = Table::new(&headers);
    let index_of = |nation: &str| indices.iter().find(|(n, _)| n == nation).map(|(_, i)| i.clone()).unwrap_or_default();
    let rows =
        spec.rows.iter().zip(&table.rows).map(|((label, members), cells)| (label.as_str(), Some(members), cells));
    for (label, members, cells) in rows.chain([("All applications", None, all)]) {
        let (nation, group) = label.split_once(": ").unwrap_or(("", label));
        let total = (!nation.is_empty()).then(|| table.get(&format!("{nation}: total"))).flatten();
        let within = group != "total" && total.is_some();
        let r = rates(cells.applied.value(), cells.shortlisted.value(), cells.appointed.value());
        let nation_applied = total.and_then(|t| t.applied.value()).filter(|t| *t > 0.0);
        let applied_share = cells.applied.value().zip(nation_applied).filter(|_| within).map(|(a, t)| a / t);
        let index = if nation.is_empty() { String::new() } else { index_of(nation) };
        let mut row = vec![nation.to_string(), index, group.to_string()];
        row.extend([count(cells.applied), count(cells.shortlisted), count(cells.appointed)]);
        row.extend(
            [r.shortlisting_rate, r.appointment_rate_from_shortlisting, r.appointment_rate, applied_share]
                .map(|v| fixed(v, 4)),
        );
        if let Some(community) = community {
            let population_share = members.filter(|_| within).and_then(|m| community.nation_share(nation, m));
            let reach = applied_share.zip(population_share.filter(|p| *p > 0.0)).map(|(a, p)| a / p);
            row.extend([fixed(population_share, 4), fixed(reach, 3)]);
        }
        out.push(row);
    }
    out
}
