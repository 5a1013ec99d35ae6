//! The published commute tables: by home area (CSV and GeoJSON), MSOA, deprivation decile, band group, staff group and site, each row from the published figures.

use crate::analysis::{AreaFacts, Areas};
use crate::commute::distance::{DistanceTravelled, DISTANCE_BANDS};
use crate::commute::published::{PublishedCommute, PublishedMeasures};
use crate::commute::tally::CommuteTally;
use crate::input::band::BandGroup;
use crate::input::sites::Site;
use crate::output::disclosure::Cell;
use crate::output::geojson;
use crate::output::table::{fixed, Table};
use crate::run::RunContext;

/// The measure columns every table has.
pub const MEASURE_COLUMNS: [&str; 18] = [
    "staff",
    "wte",
    "trips",
    "km",
    "kgco2e",
    "kgco2e_low",
    "kgco2e_high",
    "cost_gbp",
    "hours",
    "kgco2e_per_staff",
    "km_per_trip",
    "minutes_per_trip",
    "hours_per_staff",
    "kgco2e_saved_modal_shift",
    "kgco2e_saved_extra_home_day",
    "kgco2e_saved_site_move",
    "km_saved_site_move",
    "hours_saved_site_move",
];

/// A published figure to `decimals` places; `*` where hidden, blank where it does not apply.
fn figure(cell: Option<Cell>, decimals: usize) -> String {
    match cell {
        Some(Cell::Count(v)) => fixed(Some(v), decimals),
        Some(Cell::Suppressed) => "*".to_string(),
        None => String::new(),
    }
}

/// One group's published measures, in the order of [`MEASURE_COLUMNS`]; ratios from the published figures.
pub(crate) fn measure_cells(p: &PublishedMeasures) -> Vec<String> {
    let per = PublishedMeasures::per;
    vec![
        figure(Some(p.staff), 0),
        figure(Some(p.wte), 1),
        figure(Some(p.trips), 0),
        figure(Some(p.km), 0),
        figure(Some(p.kgco2e), 1),
        figure(Some(p.kgco2e_low), 1),
        figure(Some(p.kgco2e_high), 1),
        figure(Some(p.cost_gbp), 0),
        figure(Some(p.hours), 0),
        figure(per(p.kgco2e, p.staff, 1.0), 1),
        figure(per(p.km, p.trips, 1.0), 2),
        figure(per(p.hours, p.trips, 60.0), 1),
        figure(per(p.hours, p.staff, 1.0), 1),
        figure(Some(p.shift_kgco2e_saved), 1),
        figure(Some(p.home_day_kgco2e_saved), 1),
        figure(Some(p.site_move_kgco2e_saved), 1),
        figure(Some(p.site_move_km_saved), 0),
        figure(Some(p.site_move_hours_saved), 0),
    ]
}

/// Writes every table (with Census 2021 TS058 beside the distances when given); returns the files
/// written, and a warning when staff live in areas TS058 lacks.
pub fn write(
    run: &RunContext,
    sites: &[Site],
    (tally, published): (&CommuteTally, &PublishedCommute),
    census: Option<&DistanceTravelled>,
) -> anyhow::Result<(Vec<String>, Option<String>)> {
    let areas = &run.areas;
    let names = run.names.is_some().then_some(areas.msoas.as_slice());
    let (table, features) = area_table(&areas.facts, names, tally, published);
    run.write_table("commute_by_area.csv", &table)?;
    run.write_areas(
        "commute_by_area.geojson",
        &table,
        features.into_iter().map(|(i, properties)| (areas.shape(i), properties)),
    )?;
    let mut written = vec!["commute_by_area.csv", "commute_by_area.geojson"];
    written.extend(msoa_tables(run, tally, published)?);
    let by_nation = published.by_nation.as_ref();
    let deciles = by_nation.map_or_else(|| decile_table(published), |n| n.decile_table(&published.total));
    run.write_table("commute_by_decile.csv", &deciles)?;
    run.write_table("commute_by_band.csv", &band_table(published))?;
    run.write_table("commute_by_staff_group.csv", &staff_group_table(published))?;
    run.write_table("commute_by_site.csv", &site_table(sites, published))?;
    let decile_band = by_nation.map_or_else(|| decile_band_table(published), |n| n.decile_band_table());
    run.write_table("commute_by_decile_band.csv", &decile_band)?;
    let (distances, warning) = distance_table(&areas.facts, published, census);
    run.write_table(DISTANCE_TABLE, &distances)?;
    written.extend([
        "commute_by_decile.csv",
        "commute_by_band.csv",
        "commute_by_staff_group.csv",
        "commute_by_site.csv",
        "commute_by_decile_band.csv",
        DISTANCE_TABLE,
    ]);
    Ok((written.into_iter().map(String::from).collect(), warning))
}

/// Every CSV table of [`write`] with exact figures (`exact`: the tally published under
/// [`crate::output::disclosure::Disclosure::NONE`]), in `dir` (a run's `not-for-publication/`),
/// never read into the workbook: the files written. Each is the published table's exact twin
/// (across nations, each nation's rows; the MSOAs where the run has them), the area table with its
/// MSOA's code where the run has MSOAs (the public lookup an attacker holds, for `anchormap audit`).
pub fn write_exact(
    dir: &std::path::Path,
    (areas, sites): (&Areas, &[Site]),
    (tally, exact): (&CommuteTally, &PublishedCommute),
) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
    let facts = &areas.facts;
    let msoas = (!areas.msoas.is_empty()).then_some(areas.msoas.as_slice());
    let by_nation = exact.by_nation.as_ref();
    let mut tables = vec![
        ("commute_by_area.csv", area_table(facts, msoas, tally, exact).0),
        ("commute_by_decile.csv", by_nation.map_or_else(|| decile_table(exact), |n| n.decile_table(&exact.total))),
        ("commute_by_band.csv", band_table(exact)),
        ("commute_by_staff_group.csv", staff_group_table(exact)),
        ("commute_by_site.csv", site_table(sites, exact)),
        ("commute_by_decile_band.csv", by_nation.map_or_else(|| decile_band_table(exact), |n| n.decile_band_table())),
        (DISTANCE_TABLE, distance_table(facts, exact, None).0),
    ];
    if let Some((table, _)) = msoa_table(areas, tally, exact) {
        tables.push(("commute_by_msoa.csv", table));
    }
    let mut written = Vec::new();
    for (name, table) in tables {
        table.write_csv(&dir.join(name))?;
        written.push(name.to_string());
    }
    Ok(written)
}

/// Staff by straight-line distance from home to site, in Census 2021 TS058's bands.
pub const DISTANCE_TABLE: &str = "commute_by_distance.csv";

/// Staff by distance band, each band's share of staff and, with TS058, the census's share for
/// workers living where staff live (weighted by the published area counts); a warning naming how
/// many of those areas TS058 lacks.
fn distance_table(
    facts: &[AreaFacts],
    published: &PublishedCommute,
    census: Option<&DistanceTravelled>,
) -> (Table, Option<String>) {
    let mut headers = vec!["distance_band"];
    headers.extend(MEASURE_COLUMNS);
    headers.push("staff_share");
    let areas = facts.iter().zip(&published.areas).map(|(a, p)| (a.code.as_str(), p.staff));
    let (shares, missing) = census.map_or((None, 0), |c| c.shares_where_staff_live(areas));
    if census.is_some() {
        headers.push("census_workers_share");
    }
    let mut table = Table::new(&headers);
    for (band, p) in published.distances.iter().enumerate() {
        let mut row = vec![DISTANCE_BANDS[band].0.to_string()];
        row.extend(measure_cells(p));
        row.push(share(p.staff, published.total.staff));
        if census.is_some() {
            row.push(fixed(shares.map(|s| s[band]), 4));
        }
        table.push(row);
    }
    let mut row = vec!["total".to_string()];
    row.extend(measure_cells(&published.total));
    row.push(share(published.total.staff, published.total.staff));
    if census.is_some() {
        row.push(fixed(shares.map(|s| s.iter().sum()), 4));
    }
    table.push(row);
    let warning = (missing > 0).then(|| {
        format!(
            "{missing} areas where staff live are not in {} (Census 2021 TS058): left out of census_workers_share",
            census.map_or("", |c| c.file.as_str())
        )
    });
    (table, warning)
}

/// Areas where staff live, then homes outside every area; the GeoJSON gets the areas.
fn area_table(
    facts: &[AreaFacts],
    names: Option<&[crate::reference::area_names::Msoa]>,
    tally: &CommuteTally,
    published: &PublishedCommute,
) -> (Table, Vec<(usize, ::geojson::JsonObject)>) {
    let mut headers = vec!["area_code", "area_name"];
    if names.is_some() {
        headers.extend(crate::output::names::HEADERS);
    }
    headers.push("imd_decile");
    let nations = published.by_nation.as_ref();
    if nations.is_some() {
        headers.extend(["nation", "deprivation_index", "deprivation_decile"]);
    }
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    let mut features = Vec::new();
    for (i, area) in facts.iter().enumerate().filter(|(i, _)| tally.by_area[*i].staff > 0.0) {
        let mut row = vec![area.code.clone(), area.name.clone()];
        if let Some(msoas) = names {
            row.extend(crate::output::names::cells(area, msoas));
        }
        row.push(fixed(area.decile.map(f64::from), 0));
        if let Some(nations) = nations {
            row.extend(nations.area_cells(i));
        }
        row.extend(measure_cells(&published.areas[i]));
        features.push((i, geojson::properties(&table, &row)));
        table.push(row);
    }
    if tally.outside_areas.staff > 0.0 {
        let mut row = vec![String::new(), "Outside the boundaries".to_string()];
        row.resize(headers.len() - MEASURE_COLUMNS.len(), String::new());
        row.extend(measure_cells(&published.outside_areas));
        table.push(row);
    }
    (table, features)
}

/// The by-MSOA table and GeoJSON (MSOAs dissolved from their areas), when the run has an LSOA → MSOA lookup.
fn msoa_tables(
    run: &RunContext,
    tally: &CommuteTally,
    published: &PublishedCommute,
) -> anyhow::Result<Vec<&'static str>> {
    let areas = &run.areas;
    let Some((table, order)) = msoa_table(areas, tally, published) else { return Ok(Vec::new()) };
    run.write_table("commute_by_msoa.csv", &table)?;
    let rows: Vec<(usize, usize)> = order.iter().copied().zip(0..).collect();
    crate::output::msoa::write_geojson((run.out(), "commute_by_msoa.geojson"), &run.formats, areas, &table, &rows)?;
    Ok(vec!["commute_by_msoa.csv", "commute_by_msoa.geojson"])
}

/// The MSOAs where staff live, by code, and their rows' MSOAs in order; `None` without an LSOA →
/// MSOA lookup.
fn msoa_table(areas: &Areas, tally: &CommuteTally, published: &PublishedCommute) -> Option<(Table, Vec<usize>)> {
    if areas.msoas.is_empty() {
        return None;
    }
    let mut staff = vec![0.0; areas.msoas.len()];
    for (area, m) in areas.facts.iter().zip(&tally.by_area) {
        if let Some(msoa) = area.msoa {
            staff[msoa] += m.staff;
        }
    }
    let mut order: Vec<usize> = (0..areas.msoas.len()).filter(|m| staff[*m] > 0.0).collect();
    order.sort_by(|a, b| areas.msoas[*a].code.cmp(&areas.msoas[*b].code));
    let mut headers = crate::output::msoa::HEADERS.to_vec();
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    for &m in &order {
        let mut row = crate::output::msoa::cells(areas, m).to_vec();
        row.extend(measure_cells(&published.msoas[m]));
        table.push(row);
    }
    Some((table, order))
}

/// A published share of a published total; hidden with either.
pub(crate) fn share(part: Cell, whole: Cell) -> String {
    figure(PublishedMeasures::per(part, whole, 1.0), 4)
}

fn decile_table(published: &PublishedCommute) -> Table {
    let mut headers = vec!["imd_decile"];
    headers.extend(MEASURE_COLUMNS);
    headers.push("share_of_kgco2e");
    let mut table = Table::new(&headers);
    let total = &published.total;
    for (i, p) in published.deciles.iter().enumerate() {
        let mut row = vec![if i < 10 { (i + 1).to_string() } else { "none".to_string() }];
        row.extend(measure_cells(p));
        row.push(share(p.kgco2e, total.kgco2e));
        table.push(row);
    }
    let mut row = vec!["total".to_string()];
    row.extend(measure_cells(total));
    row.push(share(total.kgco2e, total.kgco2e));
    table.push(row);
    table
}

fn band_table(published: &PublishedCommute) -> Table {
    let mut headers = vec!["band_group"];
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    for (band, p) in BandGroup::ALL.iter().zip(&published.bands) {
        let mut row = vec![band.to_string()];
        row.extend(measure_cells(p));
        table.push(row);
    }
    let mut row = vec!["total".to_string()];
    row.extend(measure_cells(&published.total));
    table.push(row);
    table
}

fn staff_group_table(published: &PublishedCommute) -> Table {
    let mut headers = vec!["staff_group"];
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    for (group, p) in &published.staff_groups {
        let mut row = vec![group.clone()];
        row.extend(measure_cells(p));
        table.push(row);
    }
    let mut row = vec!["total".to_string()];
    row.extend(measure_cells(&published.total));
    table.push(row);
    table
}

fn site_table(sites: &[Site], published: &PublishedCommute) -> Table {
    let mut headers = vec!["site_code", "site_name"];
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    // Sites where no one works (a national sites file) are left out.
    for (site, p) in sites.iter().zip(&published.sites).filter(|(_, p)| p.staff.value() != Some(0.0)) {
        let mut row = vec![site.label.clone(), site.name.clone()];
        row.extend(measure_cells(p));
        table.push(row);
    }
    let mut row = vec!["total".to_string(), String::new()];
    row.extend(measure_cells(&published.total));
    table.push(row);
    table
}

/// Agenda for Change basic pay 2025/26 (England), by band: entry, intermediate and top pay points, with source.
const AFC_PAY: &str = include_str!("../../data/afc_pay_2025_26.csv");

/// The full-time pay a band group's commute cost is compared with: the entry pay point of its
/// lowest band (`data/afc_pay_2025_26.csv`); none for medical staff (not on Agenda for Change) and
/// band not recorded.
///
/// ```
/// use anchormap::commute::tables::entry_pay;
/// use anchormap::input::band::BandGroup;
/// assert_eq!(entry_pay(BandGroup::Bands1To4), Some(24465.0));
/// assert_eq!(entry_pay(BandGroup::Medical), None);
/// ```
pub fn entry_pay(group: BandGroup) -> Option<f64> {
    let band = match group {
        BandGroup::Bands1To4 => "2",
        BandGroup::Bands5To7 => "5",
        BandGroup::Bands8To9 => "8a",
        BandGroup::Medical | BandGroup::Unknown => return None,
    };
    AFC_PAY.lines().skip(1).find_map(|line| {
        let mut fields = line.split(',');
        (fields.next() == Some(band)).then(|| fields.next()?.parse().ok()).flatten()
    })
}

/// The equity lens: by home decile and band group, time and cost per person and the year's
/// commute cost per whole-time equivalent as a share of the band group's entry pay, from the
/// published figures.
fn decile_band_table(published: &PublishedCommute) -> Table {
    let mut headers = vec!["imd_decile", "band_group"];
    headers.extend(MEASURE_COLUMNS);
    headers.extend(["entry_pay_gbp", "cost_share_of_pay"]);
    let mut table = Table::new(&headers);
    for (i, p) in published.decile_band.iter().enumerate() {
        let (slot, band) = (i / 5, BandGroup::ALL[i % 5]);
        let mut row = vec![if slot < 10 { (slot + 1).to_string() } else { "none".to_string() }, band.to_string()];
        row.extend(measure_cells(p));
        let pay = entry_pay(band);
        row.push(fixed(pay, 0));
        let per_wte = PublishedMeasures::per(p.cost_gbp, p.wte, 1.0);
        row.push(match (per_wte, pay) {
            (Some(Cell::Count(cost)), Some(pay)) => fixed(Some(cost / pay), 4),
            (Some(Cell::Suppressed), Some(_)) => "*".to_string(),
            _ => String::new(),
        });
        table.push(row);
    }
    table
}
