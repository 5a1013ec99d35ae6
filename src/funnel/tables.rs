//! The tables of `funnel`: each group's applications at each stage, its rates, and (for deprivation, with a community) its share against the community's.

use crate::funnel::published::{FunnelCells, PublishedFunnelTable};
use crate::funnel::tally::{base_groups, rates};
use crate::output::disclosure::Cell;
use crate::output::table::{fixed, Table};

/// The community's population by national IMD decile (index 0 = decile 1).
pub struct CommunityShares {
    pub population_by_decile: Vec<f64>,
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
