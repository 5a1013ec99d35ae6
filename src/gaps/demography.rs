//! The demography tables of `gaps` (staff by ethnic group, sex and age band against the community; WRES indicator 1 by band), laid out from published counts.

use crate::analysis::demography::{DemographyRow, Dimension};
use crate::analysis::gaps::wilson_interval;
use crate::gaps::published::{AllStaffCells, Wres1Cells, ALL_STAFF_ETHNIC};
use crate::output::disclosure::Cell;
use crate::output::run_summary::{DemographyGroup, Wres1Band};
use crate::output::table::{fixed, Table};

/// The columns of a comparison of staff with the community after the group's own (a demography
/// table's, and a class table's by decile or quintile).
pub const COMPARISON_COLUMNS: [&str; 8] = [
    "staff",
    "staff_share",
    "staff_share_ci_low",
    "staff_share_ci_high",
    "population",
    "population_share",
    "representation_ratio",
    "gap_pp",
];

/// `gaps_by_ethnic_group.csv` and its siblings: one row per group, shares of the stated total.
pub fn demography_table(dimension: Dimension, rows: &[DemographyRow]) -> Table {
    let mut headers = vec![dimension.key()];
    headers.extend(COMPARISON_COLUMNS);
    let mut table = Table::new(&headers);
    for row in rows {
        table.push(vec![
            row.label.clone(),
            row.staff.map_or("*".to_string(), |s| Cell::Count(s).to_string()),
            fixed(row.staff_share, 4),
            fixed(row.staff_share_ci.map(|c| c.0), 4),
            fixed(row.staff_share_ci.map(|c| c.1), 4),
            fixed(row.population, 0),
            fixed(row.population_share, 4),
            fixed(row.representation_ratio, 3),
            fixed(row.gap_pp, 2),
        ]);
    }
    table
}

/// `gaps_by_ethnic_group.csv` and its siblings in a run across nations: each nation's rows (its
/// staff against its own part of the community, shares within the nation), a `nation` column to
/// filter on; a nation without a census (Scotland) has its staff and no population.
pub fn demography_table_by_nation(dimension: Dimension, nations: &[(String, Vec<DemographyRow>)]) -> Table {
    let one = demography_table(dimension, &[]);
    let mut headers = vec!["nation"];
    headers.extend(one.headers.iter().map(String::as_str));
    let mut table = Table::new(&headers);
    for (nation, rows) in nations {
        for row in demography_table(dimension, rows).rows {
            table.push(std::iter::once(nation.clone()).chain(row).collect());
        }
    }
    table
}

/// The rows as the summary gives them.
pub fn demography_groups(rows: &[DemographyRow]) -> Vec<DemographyGroup> {
    rows.iter()
        .map(|r| DemographyGroup {
            group: r.label.clone(),
            staff: r.staff,
            staff_share: r.staff_share,
            staff_share_ci: r.staff_share_ci.map(|(low, high)| [low, high]),
            population: r.population,
            population_share: r.population_share,
            representation_ratio: r.representation_ratio,
        })
        .collect()
}

/// WRES indicator 1 by band group: White, BME, not stated and all staff as published, and the
/// BME share of those stated (from published counts, with its 95% Wilson interval).
pub fn wres1_rows(cells: &Wres1Cells) -> Vec<Wres1Band> {
    let row = |band: String, c: &[Cell; 4]| {
        let (white, bme) = (c[0].value(), c[1].value());
        let stated = white.zip(bme).map(|(w, b)| (b, w + b)).filter(|(_, n)| *n > 0.0);
        Wres1Band {
            band,
            white,
            bme,
            not_stated: c[2].value(),
            all_staff: c[3].value(),
            bme_share: stated.map(|(b, n)| b / n),
            bme_share_ci: stated.map(|(b, n)| {
                let (low, high) = wilson_interval(b, n);
                [low, high]
            }),
        }
    };
    let mut rows: Vec<Wres1Band> = cells.bands.iter().map(|(band, c)| row(band.to_string(), c)).collect();
    rows.push(row("All staff".to_string(), &cells.total));
    rows
}

/// The columns of an all-staff table after its group's: one per ethnic group, and all staff.
pub const ALL_STAFF_COLUMNS: [&str; 7] = ["asian", "black", "mixed", "white", "other", "not_stated", "all_staff"];

/// `staff_all_by_band_group.csv` and its siblings: every staff row, wherever they live, by the
/// breakdown's group (rows, then "All staff") and ethnic group (columns, then all).
pub fn all_staff_table(cells: &AllStaffCells) -> Table {
    debug_assert_eq!(ALL_STAFF_ETHNIC.len() + 1, ALL_STAFF_COLUMNS.len());
    let mut headers = vec![all_staff_group_column(cells.dimension)];
    headers.extend(ALL_STAFF_COLUMNS);
    let mut table = Table::new(&headers);
    let rows = cells.groups.iter().map(|(label, c)| (label.as_str(), c)).chain([("All staff", &cells.total)]);
    for (label, counts) in rows {
        let mut row = vec![label.to_string()];
        row.extend(counts.iter().map(|c| c.to_string()));
        table.push(row);
    }
    table
}

/// The first column of an all-staff table (`band_group`, `sex`, `starter`), and its file's name part.
pub fn all_staff_group_column(dimension: &str) -> &'static str {
    match dimension {
        "band" => "band_group",
        "sex" => "sex",
        _ => "starter",
    }
}

/// `wres_indicator_1.csv`: the rows, with the community's BME share beside each for reference.
pub fn wres1_table(rows: &[Wres1Band], community_bme_share: Option<f64>) -> Table {
    let mut table = Table::new(&[
        "band_group",
        "white",
        "bme",
        "not_stated",
        "all_staff",
        "bme_share",
        "bme_share_ci_low",
        "bme_share_ci_high",
        "community_bme_share",
    ]);
    let count = |v: Option<f64>| v.map_or("*".to_string(), |v| Cell::Count(v).to_string());
    for r in rows {
        table.push(vec![
            r.band.clone(),
            count(r.white),
            count(r.bme),
            count(r.not_stated),
            count(r.all_staff),
            fixed(r.bme_share, 4),
            fixed(r.bme_share_ci.map(|c| c[0]), 4),
            fixed(r.bme_share_ci.map(|c| c[1]), 4),
            fixed(community_bme_share, 4),
        ]);
    }
    table
}
