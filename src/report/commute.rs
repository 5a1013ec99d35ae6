//! The report's "How our staff get to work" section, from a commute run's published summary and tables (a network's: its pool's, every partner's staff together).

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use super::{Csv, Figure, Format, HtmlTable};
use crate::io::format::{mass, thousands};

/// Whose staff a commute section tells of: one employer's, or an anchor network's pool (every
/// partner's staff together, as the network published them).
#[derive(Clone, Copy)]
pub(super) enum Whose {
    Employer,
    /// A network's pool, of this many partners.
    Network(usize),
}

impl Whose {
    /// The possessive before "staff": "our" or "the network's".
    fn our(self) -> &'static str {
        match self {
            Whose::Employer => "our",
            Whose::Network(_) => "the network's",
        }
    }

    /// Who would make a change: "we" or "the network".
    fn we(self) -> &'static str {
        match self {
            Whose::Employer => "we",
            Whose::Network(_) => "the network",
        }
    }

    /// A table's caption, said of the pool when it is a network's.
    fn caption(self, caption: &str) -> String {
        match self {
            Whose::Employer => caption.to_string(),
            Whose::Network(_) => {
                let mut chars = caption.chars();
                let first = chars.next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
                format!("All employers, pooled: {first}{}", chars.as_str())
            }
        }
    }
}

/// "How our staff get to work": the headline, figures and the tables by decile and band group.
#[derive(Serialize)]
pub(super) struct CommuteSection {
    /// The section's heading ("How our staff get to work", or the network's pooled staff's).
    title: String,
    /// For a network, whose staff these are, under the heading.
    intro: Option<String>,
    /// The headings of the reach and the scenarios, in the section's voice.
    reach_title: String,
    change_title: String,
    pub(super) headline: Option<String>,
    figures: Vec<Figure>,
    deciles: HtmlTable,
    bands: HtmlTable,
    /// The equity lens in plain English (Bands 1–4 living in deciles 1–2).
    lens: Vec<String>,
    /// Each scenario asked for, in plain English.
    scenarios: Vec<String>,
    /// Which target neighbourhoods reach each site without a car, in plain English.
    reach: Vec<String>,
}

/// The columns both tables show after their first.
const COLUMNS: [(&str, &str, Format); 6] = [
    ("staff", "Staff", Format::Count),
    ("trips", "Return trips a year", Format::Count),
    ("km", "km a year", Format::Count),
    ("kgco2e", "t CO2e a year", Format::Tonnes),
    ("kgco2e_per_staff", "kg CO2e per person", Format::Fixed(0)),
    ("hours_per_staff", "Hours per person", Format::Fixed(0)),
];

/// The section from the run folder `dir` (`whose` staff); its assumptions join the report's.
pub(super) fn commute_section(
    dir: &Path,
    whose: Whose,
    assumptions: &mut Vec<String>,
) -> anyhow::Result<CommuteSection> {
    let path = dir.join(crate::commute::summary::SUMMARY);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let summary: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let number = |key: &str| summary[key].as_f64();
    let figure = |value: Option<f64>, label: &str| Figure {
        value: value.map_or("*".to_string(), |v| thousands(v.round() as u64)),
        label: label.to_string(),
    };
    let figures = vec![
        figure(number("staff_placed"), " staff whose journey to work is counted"),
        figure(number("trips_total"), " return trips a year"),
        figure(number("km_total"), " km a year"),
        figure(number("hours_total"), " hours a year travelling"),
    ];
    let deciles = deciles_table(dir, whose)?;
    let bands = Csv::read(&dir.join("commute_by_band.csv"))?;
    let mut columns = vec![("band_group", "Band group", Format::Text)];
    columns.extend(COLUMNS);
    let rows: Vec<&Vec<String>> = bands.rows.iter().filter(|r| !empty_residual(r)).collect();
    let bands = bands.table(&whose.caption("Staff travel to work by band group"), &columns, &rows)?;
    let modes = summary["assumptions"]["modes"].as_str().unwrap_or_default();
    let trips = summary["assumptions"]["trips"].as_str().unwrap_or_default();
    assumptions.push(format!("How staff travel to work: {modes}; how often: {trips}."));
    let (mut lens, scenarios) = (lens(&summary["equity_lens"], whose), scenarios(&summary["scenarios"], whose));
    if let Some(nations) = summary["by_nation"].as_array().filter(|n| !n.is_empty()) {
        // Each nation's staff on its own index, in a line each, and why they are not pooled.
        lens = nations.iter().filter_map(|n| n["headline"].as_str()).map(|h| format!("{h}.")).collect();
        lens.extend(summary["nations_not_pooled"].as_str().map(str::to_string));
    }
    let reach = reach(&summary["target_reach"], whose);
    let (title, intro) = title(whose);
    let (reach_title, change_title) = (
        format!("Can {} target neighbourhoods get here without a car?", whose.our()),
        format!("What {} could change", whose.we()),
    );
    let headline = headline(&summary, whose);
    Ok(CommuteSection {
        title,
        intro,
        reach_title,
        change_title,
        headline,
        figures,
        deciles,
        bands,
        lens,
        scenarios,
        reach,
    })
}

/// The section's heading, and for a network whose staff it counts.
fn title(whose: Whose) -> (String, Option<String>) {
    match whose {
        Whose::Employer => ("How our staff get to work".to_string(), None),
        Whose::Network(partners) => (
            "How the network's staff get to work: all partners' staff pooled".to_string(),
            Some(format!(
                "All employers: the staff of all {} partners together. Every figure is the pool's published count, \
                 protected together with each partner's own tables; each partner's own travel to work is in the \
                 network's table above.",
                thousands(partners as u64)
            )),
        ),
    }
}

/// The total a year with its range, in one sentence (the executive summary's).
fn headline(summary: &serde_json::Value, whose: Whose) -> Option<String> {
    let range = &summary["kgco2e_range"];
    let (kg, low, high) = (summary["kgco2e_total"].as_f64()?, range["low"].as_f64()?, range["high"].as_f64()?);
    let whose = match whose {
        Whose::Employer => "Our staff's journeys to work come".to_string(),
        Whose::Network(partners) => format!(
            "Journeys to work by the network's staff (all {} partners' staff pooled) come",
            thousands(partners as u64)
        ),
    };
    Some(format!(
        "{whose} to {} CO2e a year (somewhere between {} and {}, given how uncertain road distances and ways of travelling are).",
        mass(kg),
        mass(low),
        mass(high)
    ))
}

/// Staff travel by decile of home: the national IMD's, or across nations each nation's rows on
/// its own index, side by side (never pooled).
fn deciles_table(dir: &Path, whose: Whose) -> anyhow::Result<HtmlTable> {
    let deciles = Csv::read(&dir.join("commute_by_decile.csv"))?;
    // Across nations each nation's rows on its own index, side by side (never pooled).
    let across = deciles.headers.first().is_some_and(|h| h == "nation");
    let mut columns = match across {
        false => vec![("imd_decile", "IMD decile of home", Format::Text)],
        true => vec![
            ("nation", "Nation", Format::Text),
            ("deprivation_index", "Index", Format::Text),
            ("deprivation_decile", "Decile of home in the nation's own index", Format::Text),
        ],
    };
    columns.extend(COLUMNS);
    let residual = |r: &Vec<String>| match across {
        false => empty_residual(r),
        true => r.get(2).is_some_and(|d| d == "none") && r.get(3).is_some_and(|s| s == "0"),
    };
    let rows: Vec<&Vec<String>> = deciles.rows.iter().filter(|r| !residual(r)).collect();
    let caption = match across {
        false => "Staff travel to work by national IMD decile of their home",
        true => "Staff travel to work by decile of their home in each nation's own index (shares within each nation)",
    };
    deciles.table(&whose.caption(caption), &columns, &rows)
}

/// Which of the target neighbourhoods can reach each site without a car, with how the times were made.
fn reach(reach: &serde_json::Value, whose: Whose) -> Vec<String> {
    let (Some(targets), Some(minutes)) = (reach["targets"].as_u64(), reach["reach_minutes"].as_f64()) else {
        return Vec::new();
    };
    let mut sites: Vec<(u64, String)> = reach["by_site"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (s["targets_within_reach"].as_u64().unwrap_or(0), s["site_name"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    sites.sort_by(|a, b| b.0.cmp(&a.0));
    let Some(((first, first_site), rest)) = sites.split_first().filter(|_| targets > 0) else { return Vec::new() };
    let rest: Vec<String> = rest.iter().map(|(n, site)| format!("{} of {site}", thousands(*n))).collect();
    let rest = match rest.split_last() {
        None => String::new(),
        Some((last, [])) => format!(" and {last}"),
        Some((last, others)) => format!(", {} and {last}", others.join(", ")),
    };
    let source = if reach["pairs_from_time_matrix"].as_u64().unwrap_or(0) == 0 {
        "modelled from distance, not from timetables: a public-transport time matrix would replace the estimate"
    } else {
        "from the public-transport time matrix given, modelled where it has no time"
    };
    vec![
        format!(
            "Without a car, {} of {} {} target neighbourhoods are within {minutes:.0} minutes of {first_site} by public transport or on foot{rest}.",
            thousands(*first),
            whose.our(),
            thousands(targets)
        ),
        format!("Journey times are {source}; commute_target_reach.csv gives each neighbourhood's time to each site."),
    ]
}

/// The equity lens's sentences, each only where its figures are published.
fn lens(lens: &serde_json::Value, whose: Whose) -> Vec<String> {
    let number = |key: &str| lens[key].as_f64();
    let percent = |v: f64| format!("{:.0}%", v * 100.0);
    let Some(staff) = number("bands_1_4_deciles_1_2_staff").filter(|s| *s > 0.0) else { return Vec::new() };
    let mut lines = vec![format!(
        "{} of {} staff in Bands 1 to 4 live in the most deprived fifth of neighbourhoods in England (national deprivation deciles 1 and 2).",
        thousands(staff.round() as u64),
        whose.our()
    )];
    if let Some(share) = number("households_without_car_share_modelled") {
        lines.push(format!(
            "In the most deprived fifth of neighbourhoods where {our} staff live, {} of households have no car or van (Census 2021). This is an estimate from where staff live, not a count of {our} staff without a car.",
            percent(share),
            our = whose.our()
        ));
    }
    if let (Some(hours), Some(share)) = (number("hours_per_wte"), number("hours_share_of_paid_hours")) {
        lines.push(format!(
            "Getting to work and back takes them about {} hours a year for each full-time post: time equal to {} of their paid hours.",
            thousands(hours.round() as u64),
            percent(share)
        ));
    }
    if let (Some(cost), Some(share)) = (number("cost_gbp_per_wte"), number("cost_share_of_entry_pay")) {
        lines.push(format!(
            "Their car journeys come to about £{} a year for each full-time post at the mileage rate, averaged over all of them whether they drive or not: {} of a Band 2 starting salary (bus and train fares are not estimated).",
            thousands(cost.round() as u64),
            percent(share)
        ));
    }
    lines
}

/// The scenarios asked for, each with what it saves and how much of the saving is in deciles 1–2.
fn scenarios(s: &serde_json::Value, whose: Whose) -> Vec<String> {
    let saving = |kg: Option<f64>, core20: Option<f64>| {
        let share =
            core20.map_or(String::new(), |c| format!(", {:.0}% of it by staff living in deciles 1 and 2", c * 100.0));
        kg.map(|kg| format!("would save {} CO2e a year{share}", mass(kg)))
    };
    let mut lines = Vec::new();
    if let Some(saves) = saving(s["modal_shift_kgco2e_saved"].as_f64(), s["modal_shift_share_to_deciles_1_2"].as_f64())
    {
        let (fraction, km) =
            (s["shift_short_car_trips"].as_f64().unwrap_or(0.0), s["short_trip_km"].as_f64().unwrap_or(0.0));
        lines.push(format!(
            "If {:.0}% of car journeys under {km} km were walked or cycled instead, {} {saves}.",
            fraction * 100.0,
            whose.we()
        ));
    }
    if let Some(saves) =
        saving(s["extra_home_day_kgco2e_saved"].as_f64(), s["extra_home_day_share_to_deciles_1_2"].as_f64())
    {
        lines.push(format!("One more day a week working from home for staff in non-clinical roles {saves}."));
    }
    if let Some(kg) = s["site_move_kgco2e_saved"].as_f64() {
        let site = s["site_move"].as_str().unwrap_or("the site");
        let hours = s["site_move_hours_saved"].as_f64().unwrap_or(0.0);
        let (change, what) = if kg >= 0.0 { ("save", "fewer") } else { ("add", "more") };
        let core20 = s["site_move_share_to_deciles_1_2"].as_f64().map_or(String::new(), |c| {
            format!(" ({:.0}% of the change for staff living in deciles 1 and 2)", c * 100.0)
        });
        lines.push(format!(
            "Moving {site} would {change} {} CO2e a year{core20}, with {} {what} hours travelling.",
            mass(kg.abs()),
            thousands(hours.abs().round() as u64)
        ));
    }
    lines
}

/// A row of no one outside the groups a reader looks for (no decile, band not recorded): left out.
fn empty_residual(row: &[String]) -> bool {
    let residual = row.first().is_some_and(|label| label == "none" || label.to_lowercase().contains("not recorded"));
    residual && row.get(1).is_some_and(|staff| staff == "0")
}
