//! `anchormap funnel` on a hand-made NHS Jobs-style export: WRES indicator 2 against a hand calculation, the funnel by deprivation, disclosure.

use std::path::{Path, PathBuf};

use anchormap::output::run_summary::FunnelSummary;

use crate::util::*;

/// (postcode, ethnicity as NHS Jobs writes it, sex, status, vacancy, how many).
/// XX1 1AA is in decile 1, XX1 1AE decile 2 (Core20), XX1 1AD decile 4, XX1 1AF decile 10.
const ROWS: [(&str, &str, &str, &str, &str, usize); 14] = [
    // White: 60 applied, 30 shortlisted, 12 appointed.
    ("XX1 1AF", "White - English, Welsh, Scottish, Northern Irish or British", "Female", "Offer accepted", "V1", 10),
    ("XX1 1AD", "White - Irish", "Male", "Conditional offer", "V3", 2),
    (
        "XX1 1AF",
        "White - English, Welsh, Scottish, Northern Irish or British",
        "Male",
        "Interviewed - not appointed",
        "V3",
        8,
    ),
    ("XX1 1AA", "White - Any other White background", "Female", "Interviewed - not appointed", "V1", 10),
    ("XX1 1AD", "White - English, Welsh, Scottish, Northern Irish or British", "Female", "Not shortlisted", "V2", 30),
    // BME: 50 applied, 25 shortlisted, 5 appointed.
    ("XX1 1AA", "Asian or Asian British - Indian", "Female", "Offer accepted", "V1", 3),
    ("XX1 1AE", "Black, Black British, Caribbean or African - African", "Male", "Appointed", "V2", 1),
    ("XX1 1AE", "Chinese", "Female", "Appointed", "V3", 1),
    (
        "XX1 1AA",
        "Black, Black British, Caribbean or African - Caribbean",
        "Female",
        "Unsuccessful at interview",
        "V1",
        12,
    ),
    ("XX1 1AE", "Mixed or multiple ethnic groups - White and Asian", "Male", "Interviewed - not appointed", "V2", 8),
    ("XX1 1AA", "Other ethnic group - Arab", "Female", "Rejected at shortlisting", "V3", 25),
    // Not stated: outside WRES 2; an applicant without a postcode point is still counted.
    ("XX1 1AF", "Prefer not to say", "Prefer not to say", "Shortlisted", "V1", 4),
    ("ZZ99 3VZ", "Prefer not to say", "Female", "Application submitted", "V2", 3),
    ("XX1 1AQ", "White - Irish", "Female", "Application submitted", "V2", 2),
];

fn write_applications(dir: &Path) -> PathBuf {
    let mut text =
        String::from("Application ID,Vacancy Reference,Applicant Postcode,Ethnicity,Sex,Application Status\n");
    let mut id = 0;
    for (postcode, ethnicity, sex, status, vacancy, n) in ROWS {
        for _ in 0..n {
            id += 1;
            text.push_str(&format!("APP{id:04},{vacancy},{postcode},\"{ethnicity}\",{sex},{status}\n"));
        }
    }
    let path = dir.join("nhs_jobs_applications.csv");
    std::fs::write(&path, text).unwrap();
    path
}

pub(crate) fn funnel_args(applications: &Path, out: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let line = Line::new("funnel").arg("--applications", applications).out(out).fixtures(&FIXTURE_PLACEMENT);
    let community = [("--population", "population.csv"), ("--community-codes", "community_codes.txt")];
    line.fixtures(&community).fixtures(&[("--vacancies", "vacancies.csv")]).args(extra).into()
}

fn summary(out: &Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join(name)).unwrap()).unwrap()
}

fn row<'a>(rows: &'a [Vec<String>], key: &str) -> &'a [String] {
    rows.iter().find(|r| r[0] == key).unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn wres_indicator_2_equals_a_hand_calculation() {
    let dir = temp_dir();
    let applications = write_applications(dir.path());
    let exact = dir.path().join("exact");
    anchormap_ok(funnel_args(&applications, &exact, &["--min-count", "0", "--round-to", "1"]));
    // By hand: White 12 appointed of 30 shortlisted, BME 5 of 25: (12/30) / (5/25) = 2.
    // 95% CI by the log method: exp(ln 2 ± 1.96 √(1/12 − 1/30 + 1/5 − 1/25)) = exp(ln 2 ± 1.96 √0.21).
    let rr: f64 = (12.0 / 30.0) / (5.0 / 25.0);
    let se = (1.0_f64 / 12.0 - 1.0 / 30.0 + 1.0 / 5.0 - 1.0 / 25.0).sqrt();
    let (low, high) = ((rr.ln() - 1.959964 * se).exp(), (rr.ln() + 1.959964 * se).exp());
    let s: FunnelSummary = read_summary(&exact.join("funnel_summary.json"));
    let w = &s.wres_indicator_2;
    assert_eq!(
        [w.white_shortlisted, w.white_appointed, w.bme_shortlisted, w.bme_appointed],
        [30.0, 12.0, 25.0, 5.0].map(Some)
    );
    assert_eq!(w.relative_likelihood, Some(2.0));
    assert_eq!((w.ci_low, w.ci_high), (Some(0.81), Some(4.91)), "published to 2 places");
    assert!((low - 0.8147).abs() < 1e-3 && (high - 4.910).abs() < 1e-3, "{low} {high}");
    let e = summary(&exact, "not-for-publication/funnel_summary_exact.json");
    let x = &e["wres_indicator_2"];
    assert!((x["relative_likelihood"].as_f64().unwrap() - rr).abs() < 1e-12);
    assert!((x["ci_low"].as_f64().unwrap() - low).abs() < 1e-5 && (x["ci_high"].as_f64().unwrap() - high).abs() < 1e-5);
    assert!(low < rr && rr < high, "the interval contains the ratio");
    let headline = s.headline.unwrap_or_default();
    assert!(headline.contains("White applicants were 2.00 times as likely as BME applicants"), "{headline}");

    // The funnel by deprivation: Core20 (deciles 1-2) = XX1 1AA and XX1 1AE.
    let (headers, rows) = read_csv(&exact.join("funnel_by_core20.csv"));
    assert_eq!(headers[..4], ["core20", "applied", "shortlisted", "appointed"]);
    // 1AA: 10 + 3 + 12 + 25 = 50 applied, 25 shortlisted, 3 appointed; 1AE: 1 + 1 + 8 = 10, 10, 2.
    assert_eq!(row(&rows, "Core20 (deciles 1-2)")[1..4], ["60", "35", "5"]);
    assert_eq!(
        row(&rows, "Not placed or no English decile")[1..4],
        ["5", "0", "0"],
        "ZZ99 and the area without a decile"
    );
    assert_eq!(row(&rows, "All applications")[1..4], ["119", "59", "17"]);
    let (_, deciles) = read_csv(&exact.join("funnel_by_imd_decile.csv"));
    assert_eq!(row(&deciles, "10")[1..4], ["22", "22", "10"], "1AF: 10 + 8 + 4");
    // Least deprived fifth (decile 10: 10 of 22) against Core20 (5 of 35).
    let by_hand: f64 = (10.0 / 22.0) / (5.0 / 35.0);
    let published = s.deprivation_relative_likelihood.relative_likelihood;
    assert_eq!(published, Some((by_hand * 100.0).round() / 100.0));
    // Bands from the vacancy file: V1 and V2 bands 1-4, V3 band 6.
    let (_, bands) = read_csv(&exact.join("funnel_by_band_group.csv"));
    assert_eq!(
        row(&bands, "Bands 5-7")[1..4],
        ["36", "11", "3"],
        "V3: 2 + 8 + 1 + 25 applied; 2 + 8 + 1 shortlisted; 2 + 1 appointed"
    );
    // The community: 5 areas, population share of Core20 = (1000 + 500) / 5000 (areas with a decile).
    assert_eq!(row(&rows, "Core20 (deciles 1-2)")[8], "0.3000");
}

#[test]
fn published_wres_counts_follow_the_rule_and_no_postcode_is_published() {
    let dir = temp_dir();
    let applications = write_applications(dir.path());
    let out = dir.path().join("published");
    anchormap_ok(funnel_args(&applications, &out, &[]));
    let s = summary(&out, "funnel_summary.json");
    let w = &s["wres_indicator_2"];
    // BME appointed (5) is under 8: hidden, and so the ratio is not published.
    assert_eq!(w["bme_appointed"], serde_json::Value::Null);
    assert_eq!(w["relative_likelihood"], serde_json::Value::Null);
    assert!(w["reason"].as_str().unwrap().contains("suppressed"), "{w}");
    assert_eq!(w["white_shortlisted"].as_f64(), Some(30.0));
    for file in published_files(&out) {
        let text = std::fs::read_to_string(&file).unwrap();
        for postcode in ["XX1 1AA", "XX11AA", "ZZ99", "APP0"] {
            assert!(!text.contains(postcode), "{} holds {postcode}", file.display());
        }
        if file.extension().is_some_and(|e| e == "csv") {
            let (_, rows) = read_csv(&file);
            for cell in rows.iter().flat_map(|r| r[1..4].iter()) {
                let v: Option<f64> = cell.parse().ok();
                assert!(
                    cell == "*" || v.is_some_and(|v| v == 0.0 || (v >= 8.0 && v % 5.0 == 0.0)),
                    "{}: {cell}",
                    file.display()
                );
            }
        }
    }
}

/// Rows of an applications export: (postcode, ethnicity, sex, status, vacancy, how many).
type Rows<'a> = [(&'a str, &'a str, &'a str, &'a str, &'a str, usize)];

fn write_rows(dir: &Path, rows: &Rows) -> PathBuf {
    let mut text =
        String::from("Application ID,Vacancy Reference,Applicant Postcode,Ethnicity,Sex,Application Status\n");
    let mut id = 0;
    for (postcode, ethnicity, sex, status, vacancy, n) in rows {
        for _ in 0..*n {
            id += 1;
            text.push_str(&format!("APP{id:04},{vacancy},{postcode},\"{ethnicity}\",{sex},{status}\n"));
        }
    }
    let path = dir.join("applications.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// A small trust's funnel: White applicants from decile 10 (100 applied, 62 shortlisted, 23
/// appointed), BME from decile 1 (50, 31, 9): published under the default rule as 60/25 and 30/10.
const SMALL_TRUST: [(&str, &str, &str, &str, &str, usize); 6] = [
    ("XX1 1AF", "White - English, Welsh, Scottish, Northern Irish or British", "Female", "Offer accepted", "V1", 23),
    (
        "XX1 1AF",
        "White - English, Welsh, Scottish, Northern Irish or British",
        "Female",
        "Interviewed - not appointed",
        "V1",
        39,
    ),
    ("XX1 1AF", "White - English, Welsh, Scottish, Northern Irish or British", "Female", "Not shortlisted", "V1", 38),
    ("XX1 1AA", "Asian or Asian British - Indian", "Female", "Offer accepted", "V1", 9),
    ("XX1 1AA", "Asian or Asian British - Indian", "Female", "Interviewed - not appointed", "V1", 22),
    ("XX1 1AA", "Asian or Asian British - Indian", "Female", "Not shortlisted", "V1", 19),
];

/// The relative likelihood and its log-method interval, to 2 decimal places as published.
fn likelihood_to_2dp(a_shortlisted: f64, a_appointed: f64, b_shortlisted: f64, b_appointed: f64) -> Option<[f64; 3]> {
    if [a_shortlisted, a_appointed, b_shortlisted, b_appointed].iter().any(|v| *v <= 0.0) {
        return None;
    }
    let rr = (a_appointed / a_shortlisted) / (b_appointed / b_shortlisted);
    let se = (1.0 / a_appointed - 1.0 / a_shortlisted + 1.0 / b_appointed - 1.0 / b_shortlisted).max(0.0).sqrt();
    let z = 1.959_963_984_540_054_f64;
    Some([rr, (rr.ln() - z * se).exp(), (rr.ln() + z * se).exp()].map(|v| (v * 100.0).round() / 100.0))
}

/// The attacker: every exact (A shortlisted, A appointed, B shortlisted, B appointed) consistent
/// with the published counts (a count published as r is r-2..=r+2; a hidden one 0..=7) and with
/// the published ratio and interval, whether those were computed from the exact counts or from the
/// published ones.
fn exact_solutions(published: &serde_json::Value, keys: [&str; 4]) -> Vec<[u32; 4]> {
    let counts = keys.map(|k| published[k].as_f64());
    let range = |c: Option<f64>| match c {
        Some(r) => (r as u32).saturating_sub(2)..=r as u32 + 2,
        None => 0..=7,
    };
    let figures = ["relative_likelihood", "ci_low", "ci_high"].map(|k| published[k].as_f64());
    let from_published = counts.iter().all(Option::is_some)
        && likelihood_to_2dp(counts[0].unwrap(), counts[1].unwrap(), counts[2].unwrap(), counts[3].unwrap())
            .is_some_and(|f| figures.iter().zip(f).all(|(p, v)| p.is_some_and(|p| (p - v).abs() < 1e-9)));
    let mut solutions = Vec::new();
    for a_s in range(counts[0]) {
        for a_a in range(counts[1]).filter(|a| *a <= a_s) {
            for b_s in range(counts[2]) {
                for b_a in range(counts[3]).filter(|b| *b <= b_s) {
                    let exact = likelihood_to_2dp(a_s as f64, a_a as f64, b_s as f64, b_a as f64);
                    let matches_exact = match (exact, figures[0]) {
                        (Some(f), Some(_)) => {
                            figures.iter().zip(f).all(|(p, v)| p.is_some_and(|p| (p - v).abs() < 1e-9))
                        }
                        (_, None) => true,
                        (None, Some(_)) => false,
                    };
                    if matches_exact || from_published {
                        solutions.push([a_s, a_a, b_s, b_a]);
                    }
                }
            }
        }
    }
    solutions
}

/// Issue 25: a relative likelihood computed from exact counts and published beside counts rounded
/// to 5 (60/25/30/10 with 1.28 (0.67-2.42)) gave the four exact counts back (62/23/31/9). Computed
/// from the published counts, it narrows them no further than the rounding does.
#[test]
fn the_relative_likelihoods_give_back_no_exact_count() {
    let dir = temp_dir();
    let applications = write_rows(dir.path(), &SMALL_TRUST);
    let out = dir.path().join("published");
    anchormap_ok(funnel_args(&applications, &out, &[]));
    let s = summary(&out, "funnel_summary.json");
    let wres2 = &s["wres_indicator_2"];
    assert!(wres2["relative_likelihood"].is_f64(), "WRES indicator 2 is published: {wres2}");
    let solutions =
        exact_solutions(wres2, ["white_shortlisted", "white_appointed", "bme_shortlisted", "bme_appointed"]);
    eprintln!("WRES indicator 2 {wres2}: {} exact solutions", solutions.len());
    assert!(solutions.contains(&[62, 23, 31, 9]), "the truth is among them");
    assert!(solutions.len() > 1, "the published WRES indicator 2 gives back the exact counts: {solutions:?}");
    let deprivation = &s["deprivation_relative_likelihood"];
    assert!(deprivation["relative_likelihood"].is_f64(), "{deprivation}");
    let keys = ["least_deprived_shortlisted", "least_deprived_appointed", "core20_shortlisted", "core20_appointed"];
    let solutions = exact_solutions(deprivation, keys);
    assert!(solutions.len() > 1, "the deprivation relative likelihood gives back the exact counts: {solutions:?}");
    // The analyst still has the exact figures, from the exact counts.
    let exact = summary(&out, "not-for-publication/funnel_summary_exact.json");
    let rr = exact["wres_indicator_2"]["relative_likelihood"].as_f64().unwrap();
    assert!((rr - (23.0 / 62.0) / (9.0 / 31.0)).abs() < 1e-12, "{rr}");
}

/// Issue 25: 2 applicants with ethnic group not stated appointed (a small count) no longer hide
/// BME appointed: the rounding of White, BME and all appointed protects it, and WRES indicator 2 is
/// published, from the published counts.
#[test]
fn wres_indicator_2_is_published_when_only_a_not_stated_cell_is_small() {
    let dir = temp_dir();
    let mut rows = SMALL_TRUST.to_vec();
    rows.extend([
        ("XX1 1AF", "Prefer not to say", "Female", "Offer accepted", "V1", 2),
        ("XX1 1AF", "Prefer not to say", "Female", "Interviewed - not appointed", "V1", 8),
        ("XX1 1AF", "Prefer not to say", "Female", "Not shortlisted", "V1", 10),
    ]);
    let applications = write_rows(dir.path(), &rows);
    let out = dir.path().join("published");
    anchormap_ok(funnel_args(&applications, &out, &[]));
    let (_, ethnic) = read_csv(&out.join("funnel_by_ethnic_group.csv"));
    assert_eq!(row(&ethnic, "Not stated")[3], "*", "2 appointed is hidden");
    let w = &summary(&out, "funnel_summary.json")["wres_indicator_2"];
    let counts = ["white_shortlisted", "white_appointed", "bme_shortlisted", "bme_appointed"].map(|k| w[k].as_f64());
    assert!(counts.iter().all(Option::is_some), "all four counts are published: {w}");
    let [ws, wa, bs, ba] = counts.map(Option::unwrap);
    assert_eq!(row(&ethnic, "White")[2..4], [ws.to_string(), wa.to_string()]);
    let by_hand = likelihood_to_2dp(ws, wa, bs, ba).unwrap();
    let published = ["relative_likelihood", "ci_low", "ci_high"].map(|k| w[k].as_f64().unwrap());
    assert_eq!(published, by_hand, "from the published counts");
    // The run's own audit: the hidden cells, none narrowed below what a `*` says, no count in it.
    let audit = summary(&out, "disclosure_audit.json");
    let system = &audit["systems"][0];
    assert!(system["cells_hidden"].as_u64().unwrap() >= 1, "{audit}");
    assert!(
        system["narrowest_hidden_range"].as_u64().unwrap() >= system["protection_width"].as_u64().unwrap(),
        "{audit}"
    );
    assert_eq!(system["protected"], true, "{audit}");
    assert!(summary(&out, "funnel_summary.json")["outputs"].to_string().contains("disclosure_audit.json"));
}

/// Issue 25: an ethnic group that is not recognised is described in published files, never quoted.
#[test]
fn an_unrecognised_ethnic_group_is_not_published_word_for_word() {
    let dir = temp_dir();
    let mut rows = SMALL_TRUST.to_vec();
    rows.push(("XX1 1AF", "Jane Doe 07700 900123", "Female", "Not shortlisted", "V1", 9));
    let applications = write_rows(dir.path(), &rows);
    let out = dir.path().join("published");
    anchormap_ok(funnel_args(&applications, &out, &[]));
    for file in published_files(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(!text.contains("Jane Doe"), "{} quotes the value", file.display());
    }
    let decisions = summary(&out, "funnel_summary.json")["decisions"].to_string();
    assert!(decisions.contains("1 value that looks like free text"), "{decisions}");
    let exact = std::fs::read_to_string(out.join("not-for-publication/funnel_summary_exact.json")).unwrap();
    assert!(exact.contains("Jane Doe 07700 900123"), "the analyst's summary lists it");
}
