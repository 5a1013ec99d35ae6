//! `report --previous`: each headline figure beside an earlier run's and the change, refused in one line when the two runs are not comparable (another geography, deprivation edition or community).

use std::path::{Path, PathBuf};

use anyhow::bail;
use serde::Serialize;

use super::HtmlTable;
use crate::io::format::{quantity, thousands};
use crate::output::run_summary::{self, EmissionsSummary, FunnelSummary, GapsSummary};

/// The change since the earlier run: what was compared, and a table of figures.
#[derive(Serialize)]
pub(super) struct Changes {
    compared: String,
    table: HtmlTable,
}

/// One run's published headline figures (each `None` where the run did not publish it).
#[derive(Default)]
struct Headline {
    /// What must match for a comparison: geography, deprivation edition, community.
    basis: Option<Basis>,
    staff_in_community: Option<f64>,
    core20_staff_share: Option<f64>,
    core20_population_share: Option<f64>,
    wres2: Option<f64>,
    appointments: Option<f64>,
    patient_kgco2e: Option<f64>,
    commute_kgco2e: Option<f64>,
}

/// What two runs must share to be compared.
#[derive(PartialEq)]
struct Basis {
    geography: String,
    deprivation: String,
    community: String,
}

/// How a figure and its change are written.
#[derive(Clone, Copy)]
enum Unit {
    Count,
    Share,
    Ratio,
    Tonnes,
}

/// The changes from the runs in `previous` to those in `now`; `None` without `--previous`.
pub(super) fn changes(now: &[PathBuf], previous: &[PathBuf]) -> anyhow::Result<Option<Changes>> {
    if previous.is_empty() {
        return Ok(None);
    }
    let (before, after) = (Headline::read(previous)?, Headline::read(now)?);
    let basis = match (&before.basis, &after.basis) {
        (Some(b), Some(a)) if b != a => bail!("report --previous: the runs cannot be compared: {}", b.differs(a)),
        (_, Some(a)) => format!("{}; {}; {}", a.community, a.deprivation, a.geography),
        _ => "the same reference data".to_string(),
    };
    let rows: Vec<Vec<String>> = after
        .figures()
        .into_iter()
        .zip(before.figures())
        .filter_map(|((label, unit, now), (_, _, then))| Some(row(label, unit, then?, now?)))
        .collect();
    if rows.is_empty() {
        bail!("report --previous: the earlier run publishes none of this run's headline figures");
    }
    Ok(Some(Changes {
        compared: format!(
            "Compared with the run in {}: {basis}. Each change is the difference of two published figures.",
            previous.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
        table: HtmlTable {
            caption: "Headline figures, then and now".to_string(),
            headers: ["Figure", "Previous run", "This run", "Change"].map(String::from).to_vec(),
            rows,
            expand: None,
        },
    }))
}

fn row(label: &str, unit: Unit, then: f64, now: f64) -> Vec<String> {
    let change = now - then;
    let sign = if change > 0.0 {
        "+"
    } else if change < 0.0 {
        "−"
    } else {
        ""
    };
    let magnitude = change.abs();
    let change = match unit {
        Unit::Count => format!("{sign}{}", thousands(magnitude.round() as u64)),
        Unit::Share => format!("{sign}{:.1} percentage points", magnitude * 100.0),
        Unit::Ratio => format!("{sign}{magnitude:.2}"),
        Unit::Tonnes => format!("{sign}{} t", quantity(magnitude / 1000.0)),
    };
    vec![label.to_string(), show(unit, then), show(unit, now), change]
}

fn show(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Count => thousands(v.round() as u64),
        Unit::Share => format!("{:.1}%", v * 100.0),
        Unit::Ratio => format!("{v:.2}"),
        Unit::Tonnes => format!("{} t", quantity(v / 1000.0)),
    }
}

impl Headline {
    /// The published summaries of the runs in `dirs` (any of gaps, funnel, emissions, commute).
    fn read(dirs: &[PathBuf]) -> anyhow::Result<Headline> {
        let find = |file: &str| dirs.iter().map(|d| d.join(file)).find(|p| p.is_file());
        let mut h = Headline::default();
        if let Some(path) = find(crate::gaps::SUMMARY) {
            let gaps: GapsSummary = run_summary::read(&path)?;
            h.basis = Some(Basis {
                geography: gaps.reference.boundaries.geography.to_string(),
                deprivation: gaps.deprivation.as_ref().map_or("no deprivation file".into(), |d| d.edition.clone()),
                community: format!("{}, {} areas", gaps.community.definition, gaps.community.areas),
            });
            h.staff_in_community = gaps.staff.placed_in_community;
            h.core20_staff_share = gaps.core20_staff_share;
            h.core20_population_share = gaps.core20_population_share;
        }
        if let Some(path) = find(crate::funnel::SUMMARY) {
            h.wres2 = run_summary::read::<FunnelSummary>(&path)?.wres_indicator_2.relative_likelihood;
        }
        if let Some(path) = find(crate::emissions::SUMMARY) {
            let emissions: EmissionsSummary = run_summary::read(&path)?;
            h.appointments = emissions.appointments_placed;
            h.patient_kgco2e = emissions.kgco2e_total;
            h.basis.get_or_insert(Basis {
                geography: emissions.reference.boundaries.geography.to_string(),
                deprivation: emissions.vintages.deprivation.clone().unwrap_or_default(),
                community: "patients wherever they live".into(),
            });
        }
        if let Some(path) = find(crate::commute::summary::SUMMARY) {
            h.commute_kgco2e = commute_total(&path)?;
        }
        Ok(h)
    }

    /// (label, unit, value) of each headline figure, in the order the table shows them.
    fn figures(&self) -> Vec<(&'static str, Unit, Option<f64>)> {
        let ratio = self.core20_staff_share.zip(self.core20_population_share).map(|(s, p)| s / p);
        vec![
            ("Staff living in the community", Unit::Count, self.staff_in_community),
            ("Staff living in the most deprived fifth (Core20)", Unit::Share, self.core20_staff_share),
            ("Working-age residents in the most deprived fifth", Unit::Share, self.core20_population_share),
            ("Representation ratio, most deprived fifth", Unit::Ratio, ratio),
            ("WRES indicator 2 (relative likelihood)", Unit::Ratio, self.wres2),
            ("Outpatient appointments placed", Unit::Count, self.appointments),
            ("Patient travel emissions", Unit::Tonnes, self.patient_kgco2e),
            ("Staff commuting emissions (a year)", Unit::Tonnes, self.commute_kgco2e),
        ]
    }
}

/// The commute summary's published total (kg CO2e a year).
fn commute_total(path: &Path) -> anyhow::Result<Option<f64>> {
    let text = std::fs::read_to_string(path)?;
    let summary: serde_json::Value = serde_json::from_str(&text)?;
    Ok(summary["kgco2e_total"].as_f64())
}

impl Basis {
    /// The first thing that differs, in words.
    fn differs(&self, other: &Basis) -> String {
        let pairs = [
            ("areas", &self.geography, &other.geography),
            ("deprivation edition", &self.deprivation, &other.deprivation),
            ("community", &self.community, &other.community),
        ];
        let (what, then, now) = pairs.into_iter().find(|(_, a, b)| a != b).unwrap_or(pairs[0]);
        format!("the earlier run's {what} is {then}, this run's is {now}")
    }
}
