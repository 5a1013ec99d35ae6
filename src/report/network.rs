//! The report's network section: the pool's headline, each partner's row named beside it, and where the partners differ most.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value as Json;

use super::HtmlTable;
use crate::output::disclosure::joint::NETWORK_SUMMARY;

/// "The anchor network": every partner's Core20 shares beside the pool's.
#[derive(Serialize)]
pub(super) struct NetworkSection {
    pub partners_count: usize,
    pub headline: Option<String>,
    pub partners: HtmlTable,
    pub widest: Option<String>,
    pub notes: Vec<String>,
}

impl NetworkSection {
    /// Whose figures the executive summary's sentences are: the pool's, unless a partner is named.
    pub(super) fn summary_note(&self) -> String {
        format!(
            "The figures are the network's, all {} partners' staff pooled (All employers), unless a partner is named.",
            crate::io::format::thousands(self.partners_count as u64)
        )
    }
}

/// A partner's WRES indicator 2 in a cell: the relative likelihood with its interval, `*` where
/// it is not published, or why there is none (no applications file, or only within the pool).
fn wres2(p: &Json) -> String {
    let w = &p["funnel"]["wres_indicator_2"];
    match (w["relative_likelihood"].as_f64(), w["ci_low"].as_f64(), w["ci_high"].as_f64()) {
        (Some(r), Some(low), Some(high)) => format!("{r:.2} ({low:.2}-{high:.2})"),
        _ if w.is_object() => "*".to_string(),
        _ if p["folder"].is_null() => "Only within the pool".to_string(),
        _ => "No applications file".to_string(),
    }
}

/// A partner's staff travel to work in three cells: staff travelling, tonnes CO2e a year, the share
/// from deciles 1-2 (`*` where not published; blank when published only within the pool).
fn travel(p: &Json) -> [String; 3] {
    let c = &p["commute"];
    if !c.is_object() {
        return Default::default();
    }
    let number = |v: &Json, f: fn(f64) -> String| v.as_f64().map_or("*".to_string(), f);
    [
        number(&c["staff_travelling"], |n| crate::io::format::thousands(n.round() as u64)),
        number(&c["tco2e"], |t| crate::io::format::thousands(t.round() as u64)),
        number(&c["share_of_kgco2e_from_deciles_1_2"], |s| format!("{:.1}%", s * 100.0)),
    ]
}

/// A network run folder among `from`: the folder and its pool's run folder (read as the gaps run).
pub(super) fn network_folders(from: &[PathBuf]) -> Option<(PathBuf, PathBuf)> {
    let dir = from.iter().find(|d| d.join(NETWORK_SUMMARY).is_file())?;
    let summary = read(dir).ok()?;
    Some((dir.clone(), dir.join(summary["pool"]["folder"].as_str()?)))
}

fn read(dir: &Path) -> anyhow::Result<Json> {
    let path = dir.join(NETWORK_SUMMARY);
    let text = std::fs::read_to_string(&path).map_err(|e| crate::Error::io(&path, e))?;
    Ok(serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
}

/// The section, from the network's published summary.
pub(super) fn network_section(dir: &Path) -> anyhow::Result<NetworkSection> {
    let summary = read(dir)?;
    let partners = summary["partners"].as_array().cloned().unwrap_or_default();
    let funnel = summary["pool"]["funnel"].is_object();
    let commute = summary["pool"]["commute"].is_object();
    let across = summary["pool"]["by_nation"].as_array().is_some_and(|n| !n.is_empty());
    let rows = partner_rows(&summary, &partners, funnel, commute);
    let mut headers =
        vec!["Employer", "Staff in Core20 areas", "Community in Core20 areas", "Representation ratio", "Published"];
    if across {
        // Each nation on its own index: its deciles 1-2 (England's are Core20), never pooled.
        headers.splice(1..3, ["Nation (index)", "Staff in deciles 1-2", "Community in deciles 1-2"]);
    }
    if funnel {
        headers.insert(4, "WRES indicator 2 (95% CI)");
    }
    if commute {
        let at = headers.len() - 1;
        headers.splice(at..at, ["Staff travelling", "Travel to work, tCO2e a year", "Of it, from deciles 1-2"]);
    }
    let text = |v: &Json| v.as_str().map(str::to_string);
    Ok(NetworkSection {
        partners_count: partners.len(),
        headline: text(&summary["pool"]["headline"]).map(|h| format!("Across the network, {h}")),
        partners: HtmlTable {
            caption: format!(
                "Each partner beside the pool (All employers): staff living in the community's most deprived areas{}{}{}",
                if across {
                    " (each nation's staff against its part of the community on its own index, never pooled)"
                } else {
                    ""
                },
                if funnel {
                    "; WRES indicator 2, how many times as likely White applicants were as BME applicants to be \
                     appointed from shortlisting (1 is parity)"
                } else {
                    ""
                },
                if commute {
                    "; staff travel to work (staff placed at a site, tonnes CO2e a year, and the share of it from \
                     staff living in deciles 1-2)"
                } else {
                    ""
                }
            ),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
            expand: None,
        },
        widest: text(&summary["widest_difference"]),
        notes: summary["notes"].as_array().into_iter().flatten().filter_map(text).collect(),
    })
}

/// The pool's row, then each partner's: representation, WRES indicator 2 (with applications),
/// staff travel (with `--commute`), and whether it has tables of its own. Across nations, a row
/// per nation of each (its deciles 1-2 on its own index), the other cells on its first.
fn partner_rows(summary: &Json, partners: &[Json], funnel: bool, commute: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for p in std::iter::once(&summary["pool"]).chain(partners) {
        let employer = p["employer"].as_str().unwrap_or_default().to_string();
        let mut others = Vec::new();
        if funnel {
            others.push(wres2(p));
        }
        if commute {
            others.extend(travel(p));
        }
        others.push(if p["folder"].is_null() { "Only within the pool".to_string() } else { "Own tables".to_string() });
        let nations = p["by_nation"].as_array().cloned().unwrap_or_default();
        if nations.is_empty() && summary["pool"]["by_nation"].as_array().is_some_and(|n| !n.is_empty()) {
            // Across nations, a partner published only within the pool: its name and why.
            let blank = vec![String::new(); 4];
            rows.push([vec![employer], blank, others].concat());
            continue;
        }
        if nations.is_empty() {
            let shares = (&p["core20_staff_share"], &p["core20_population_share"]);
            rows.push([vec![employer], representation(shares).to_vec(), others].concat());
            continue;
        }
        for (k, n) in nations.iter().enumerate() {
            let nation =
                format!("{} ({})", n["nation"].as_str().unwrap_or_default(), n["index"].as_str().unwrap_or_default());
            let shares = representation((&n["deciles_1_2_staff_share"], &n["deciles_1_2_population_share"]));
            let rest = if k == 0 { others.clone() } else { vec![String::new(); others.len()] };
            rows.push([vec![employer.clone(), nation], shares.to_vec(), rest].concat());
        }
    }
    rows
}

/// A staff share and a community share as percentages, and their ratio (`*` where not published).
fn representation((staff, community): (&Json, &Json)) -> [String; 3] {
    let share = |v: &Json| v.as_f64().map_or("*".to_string(), |s| format!("{:.1}%", s * 100.0));
    let ratio = match (staff.as_f64(), community.as_f64()) {
        (Some(s), Some(c)) if c > 0.0 => format!("{:.2}", s / c),
        _ => "*".to_string(),
    };
    [share(staff), share(community), ratio]
}
