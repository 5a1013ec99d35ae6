//! The report's inclusive-recruitment sections: "Does our workforce reflect who lives here?" (staff by ethnic group, sex and age against the community) and "Who applies, who is shortlisted, who is appointed" (the funnel and its relative likelihoods in plain words).

use std::path::Path;

use serde::Serialize;

use super::{published, Csv, Figure, Format, HtmlTable};
use crate::analysis::demography::BME;
use crate::output::run_summary::{self, DemographySummary, FunnelSummary, GapsSummary, Wres1Summary};

/// "Does our workforce reflect who lives here?": a part per dimension, and WRES indicator 1.
#[derive(Serialize)]
pub(super) struct DemographySection {
    parts: Vec<DemographyPart>,
    wres1: Option<HtmlTable>,
    pub(super) wres1_sentence: Option<String>,
}

/// One dimension (ethnic group, sex, age) against the community.
#[derive(Serialize)]
struct DemographyPart {
    title: String,
    sentence: Option<String>,
    table: HtmlTable,
    note: String,
}

/// "Who applies, who is shortlisted, who is appointed": counts, the likelihoods in words, tables.
#[derive(Serialize)]
pub(super) struct FunnelSection {
    figures: Vec<Figure>,
    pub(super) sentences: Vec<String>,
    tables: Vec<HtmlTable>,
}

/// The demography section from a gaps run, when it was broken down by ethnic group, sex or age.
pub(super) fn demography_section(dir: &Path) -> anyhow::Result<Option<DemographySection>> {
    let summary: GapsSummary = run_summary::read(&dir.join(crate::gaps::SUMMARY))?;
    if summary.demography.is_empty() {
        return Ok(None);
    }
    let rule = summary.disclosure;
    let parts = summary
        .demography
        .iter()
        .map(|d| DemographyPart {
            // Across nations each nation's staff against its own part of the community.
            title: match &d.nation {
                Some(nation) => format!("{}: {nation}", dimension_title(&d.dimension)),
                None => dimension_title(&d.dimension).to_string(),
            },
            sentence: demography_sentence(d),
            table: demography_table(d, &|c| published(&rule, c)),
            note: match (&d.nation, &d.population_file, &d.note) {
                // A nation without a census in the reference data (Scotland): why there is no comparison.
                (Some(_), None, Some(note)) => note.clone(),
                _ => format!("Community: {}; {}.", d.population_of, d.areas),
            },
        })
        .collect();
    Ok(Some(DemographySection {
        parts,
        wres1: summary.wres_indicator_1.as_ref().map(|w| wres1_table(w, &|c| published(&rule, c))),
        wres1_sentence: summary.wres_indicator_1.as_ref().and_then(wres1_sentence),
    }))
}

fn dimension_title(dimension: &str) -> &'static str {
    match dimension {
        "ethnic_group" => "Ethnic group",
        "sex" => "Sex",
        _ => "Age",
    }
}

/// The comparison in one sentence: BME staff for ethnic group, women for sex, the least
/// represented band for age.
fn demography_sentence(d: &DemographySummary) -> Option<String> {
    let find = |label: &str| d.groups.iter().find(|g| g.group == label);
    let (group, who) = match d.dimension.as_str() {
        "ethnic_group" => (find(BME)?, "Black and minority ethnic (BME) staff".to_string()),
        "sex" => (find("Female")?, "Women".to_string()),
        _ => {
            let g =
                d.groups.iter().filter(|g| g.representation_ratio.is_some() && !g.group.starts_with("All")).min_by(
                    |a, b| a.representation_ratio.unwrap_or(0.0).total_cmp(&b.representation_ratio.unwrap_or(0.0)),
                )?;
            (g, format!("Staff aged {}", g.group))
        }
    };
    let (staff, population, ratio) = (group.staff_share?, group.population_share?, group.representation_ratio?);
    let compared = if ratio < 0.9 {
        "fewer than their share of the community"
    } else if ratio > 1.1 {
        "more than their share of the community"
    } else {
        "about their share of the community"
    };
    Some(format!(
        "{who} are {:.1}% of staff who stated it, against {:.1}% of the people living in the community: {compared} \
         (representation ratio {ratio:.2}; 1 would mean the same share).",
        staff * 100.0,
        population * 100.0
    ))
}

fn demography_table(d: &DemographySummary, count: &dyn Fn(Option<f64>) -> String) -> HtmlTable {
    let percent = |v: Option<f64>| v.map_or(String::new(), |v| Format::Percent.apply(&v.to_string()));
    HtmlTable {
        caption: format!(
            "Staff living in the community by {}, against its residents",
            dimension_title(&d.dimension).to_lowercase()
        ),
        headers: ["Group", "Staff", "Share of staff", "95% CI", "Share of residents", "Representation ratio"]
            .map(String::from)
            .to_vec(),
        rows: d
            .groups
            .iter()
            .map(|g| {
                vec![
                    g.group.clone(),
                    count(g.staff),
                    percent(g.staff_share),
                    g.staff_share_ci.map_or(String::new(), |[low, high]| {
                        format!("{} to {}", percent(Some(low)), percent(Some(high)))
                    }),
                    percent(g.population_share),
                    g.representation_ratio.map_or(String::new(), |r| format!("{r:.2}")),
                ]
            })
            .collect(),
        expand: None,
    }
}

fn wres1_table(w: &Wres1Summary, count: &dyn Fn(Option<f64>) -> String) -> HtmlTable {
    let percent = |v: Option<f64>| v.map_or(String::new(), |v| format!("{:.1}%", v * 100.0));
    HtmlTable {
        caption: "BME share of staff by pay band group (WRES indicator 1), all staff wherever they live".to_string(),
        headers: ["Band group", "White", "BME", "Not stated", "All staff", "BME share", "95% CI"]
            .map(String::from)
            .to_vec(),
        rows: w
            .bands
            .iter()
            .map(|b| {
                vec![
                    b.band.clone(),
                    count(b.white),
                    count(b.bme),
                    count(b.not_stated),
                    count(b.all_staff),
                    percent(b.bme_share),
                    b.bme_share_ci
                        .map_or(String::new(), |[l, h]| format!("{} to {}", percent(Some(l)), percent(Some(h)))),
                ]
            })
            .collect(),
        expand: None,
    }
}

fn wres1_sentence(w: &Wres1Summary) -> Option<String> {
    let entry = w.bands.iter().find(|b| b.band == "Bands 1-4")?.bme_share?;
    let senior = w.bands.iter().find(|b| b.band == "Bands 8a-9")?.bme_share?;
    Some(format!(
        "BME staff are {:.1}% of staff in bands 1-4 and {:.1}% in bands 8a-9{}.",
        entry * 100.0,
        senior * 100.0,
        w.community_bme_share.map_or(String::new(), |c| format!(", against {:.1}% of the community", c * 100.0))
    ))
}

/// The funnel section from a funnel run.
pub(super) fn funnel_section(dir: &Path, assumptions: &mut Vec<String>) -> anyhow::Result<FunnelSection> {
    let summary: FunnelSummary = run_summary::read(&dir.join(crate::funnel::SUMMARY))?;
    assumptions.push(format!("Recruitment funnel: {}.", summary.stages));
    let rule = summary.disclosure;
    let count = |c: Option<f64>| published(&rule, c);
    let tables = [
        ("funnel_by_core20.csv", "By deprivation of the applicant's neighbourhood"),
        ("funnel_by_ethnic_group.csv", "By ethnic group"),
    ]
    .iter()
    .map(|(file, caption)| funnel_table(&dir.join(file), caption))
    .collect::<anyhow::Result<Vec<_>>>()?;
    let figure = |value: Option<f64>, label: &str| Figure { value: count(value), label: label.to_string() };
    Ok(FunnelSection {
        figures: vec![
            figure(summary.applications.applied, " applications"),
            figure(summary.applications.shortlisted, " shortlisted"),
            figure(summary.applications.appointed, " appointed"),
        ],
        sentences: likelihood_sentences(&summary),
        tables,
    })
}

/// A funnel table; for deprivation with a community, the applicants' share beside the community's.
fn funnel_table(path: &Path, caption: &str) -> anyhow::Result<HtmlTable> {
    let csv = Csv::read(path)?;
    let rows: Vec<&Vec<String>> = csv.rows.iter().collect();
    let first = csv.headers.first().cloned().unwrap_or_default();
    // Across nations each nation's rows on its own index, side by side (its group the third column).
    let across = first == "nation";
    let group = if across { csv.headers.get(2).cloned().unwrap_or_default() } else { first.clone() };
    let mut columns = if across {
        vec![("nation", "Nation", Format::Text), ("deprivation_index", "Index", Format::Text)]
    } else {
        Vec::new()
    };
    let caption = match across {
        true => format!("{caption}, each nation on its own index (shares within each nation)"),
        false => caption.to_string(),
    };
    columns.extend([
        (group.as_str(), "Group", Format::Text),
        ("applied", "Applied", Format::Count),
        ("shortlisted", "Shortlisted", Format::Count),
        ("appointed", "Appointed", Format::Count),
        ("shortlisting_rate", "Shortlisted of those who applied", Format::Percent),
        ("appointment_rate_from_shortlisting", "Appointed of those shortlisted", Format::Percent),
    ]);
    if csv.headers.iter().any(|h| h == "community_population_share") {
        columns.push(("applied_share", "Share of applications", Format::Percent));
        columns.push(("community_population_share", "Share of the community", Format::Percent));
    }
    csv.table(&caption, &columns, &rows)
}

/// The relative likelihoods in plain words, or why they are not shown.
fn likelihood_sentences(summary: &FunnelSummary) -> Vec<String> {
    let w = &summary.wres_indicator_2;
    let d = &summary.deprivation_relative_likelihood;
    let pairs = [
        (
            "White applicants",
            "BME applicants",
            w.relative_likelihood,
            w.ci_low,
            w.ci_high,
            &w.reason,
            " This is WRES indicator 2.",
        ),
        (
            "Applicants from the least deprived fifth of neighbourhoods",
            "Core20 applicants, from the most deprived fifth",
            d.relative_likelihood,
            d.ci_low,
            d.ci_high,
            &d.reason,
            "",
        ),
    ];
    // Across nations, each nation's least deprived fifth against its own deciles 1-2 instead of a pooled one.
    let pairs = if summary.by_nation.is_empty() { &pairs[..] } else { &pairs[..1] };
    let mut sentences: Vec<String> = pairs
        .iter()
        .map(|(a, b, ratio, low, high, reason, suffix)| match (ratio, low, high) {
            (Some(r), Some(low), Some(high)) => format!(
                "{a} who were shortlisted were {r:.2} times as likely to be appointed as {b} (1 would mean equally likely). {}{suffix}",
                if *low > 1.0 || *high < 1.0 {
                    format!("The 95% interval, {low:.2} to {high:.2}, does not include 1: a gap this size is unlikely to be chance alone.")
                } else {
                    format!("The 95% interval, {low:.2} to {high:.2}, includes 1: these numbers cannot rule out no difference.")
                },
            ),
            _ => format!(
                "{a} compared with {b}: not shown ({}).",
                reason.as_deref().unwrap_or("not enough applications")
            ),
        })
        .collect();
    sentences.extend(summary.by_nation.iter().map(|n| format!("{}.", n.headline)));
    sentences.extend(summary.nations_not_pooled.clone());
    sentences
}
