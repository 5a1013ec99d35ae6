//! `anchormap funnel` on a hand-made NHS Jobs-style export: WRES indicator 2 against a hand calculation, the funnel by deprivation, disclosure.

use std::path::{Path, PathBuf};

use crate::util::*;

/// (postcode, ethnicity as NHS Jobs writes it, sex, status, vacancy, how many).
/// XX1 1AA is in decile 1, XX1 1AE decile 2 (Core20), XX1 1AD decile 4, XX1 1AF decile 10.
const ROWS: [(&str, &str, &str, &str, &str, usize); 14] = [
    // White: 60 applied, 30 shortlisted, 12 appointed.
    ("XX1 1AF", "White - English, Welsh, Scottish, Northern Irish or British", "Female", "Offer accepted", "V1", 10),
    ("XX1 1AD", "White - Irish", "Male", "Conditional offer", "V3", 2),
    ("XX1 1AF", "White - English, Welsh, Scottish, Northern Irish or British", "Male", "Interviewed - not appointed", "V3", 8),
    ("XX1 1AA", "White - Any other White background", "Female", "Interviewed - not appointed", "V1", 10),
    ("XX1 1AD", "White - English, Welsh, Scottish, Northern Irish or British", "Female", "Not shortlisted", "V2", 30),
    // BME: 50 applied, 25 shortlisted, 5 appointed.
    ("XX1 1AA", "Asian or Asian British - Indian", "Female", "Offer accepted", "V1", 3),
    ("XX1 1AE", "Black, Black British, Caribbean or African - African", "Male", "Appointed", "V2", 1),
    ("XX1 1AE", "Chinese", "Female", "Appointed", "V3", 1),
    ("XX1 1AA", "Black, Black British, Caribbean or African - Caribbean", "Female", "Unsuccessful at interview", "V1", 12),
    ("XX1 1AE", "Mixed or multiple ethnic groups - White and Asian", "Male", "Interviewed - not appointed", "V2", 8),
    ("XX1 1AA", "Other ethnic group - Arab", "Female", "Rejected at shortlisting", "V3", 25),
    // Not stated: outside WRES 2; an applicant without a postcode point is still counted.
    ("XX1 1AF", "Prefer not to say", "Prefer not to say", "Shortlisted", "V1", 4),
    ("ZZ99 3VZ", "Prefer not to say", "Female", "Application submitted", "V2", 3),
    ("XX1 1AQ", "White - Irish", "Female", "Application submitted", "V2", 2),
];

fn write_applications(dir: &Path) -> PathBuf {
    let mut text = String::from("Application ID,Vacancy Reference,Applicant Postcode,Ethnicity,Sex,Application Status\n");
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
    let mut args: Vec<std::ffi::OsString> =
        vec!["funnel".into(), "--applications".into(), applications.into(), "--out".into(), out.into(), "-q".into()];
    for (flag, file) in [
        ("--postcodes", "postcodes.csv"),
        ("--boundaries", "areas.geojson"),
        ("--deprivation", "imd.csv"),
        ("--population", "population.csv"),
        ("--community-codes", "community_codes.txt"),
        ("--vacancies", "vacancies.csv"),
    ] {
        args.extend([flag.into(), fixture(file).into()]);
    }
    args.extend(extra.iter().map(std::ffi::OsString::from));
    args
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
    let s = summary(&exact, "funnel_summary.json");
    let w = &s["wres_indicator_2"];
    assert_eq!(
        [&w["white_shortlisted"], &w["white_appointed"], &w["bme_shortlisted"], &w["bme_appointed"]].map(|v| v.as_f64().unwrap()),
        [30.0, 12.0, 25.0, 5.0]
    );
    assert_eq!(w["relative_likelihood"].as_f64().unwrap(), 2.0);
    assert_eq!((w["ci_low"].as_f64().unwrap(), w["ci_high"].as_f64().unwrap()), (0.81, 4.91), "published to 2 places");
    assert!((low - 0.8147).abs() < 1e-3 && (high - 4.910).abs() < 1e-3, "{low} {high}");
    let e = summary(&exact, "not-for-publication/funnel_summary_exact.json");
    let x = &e["wres_indicator_2"];
    assert!((x["relative_likelihood"].as_f64().unwrap() - rr).abs() < 1e-12);
    assert!((x["ci_low"].as_f64().unwrap() - low).abs() < 1e-5 && (x["ci_high"].as_f64().unwrap() - high).abs() < 1e-5);
    assert!(low < rr && rr < high, "the interval contains the ratio");
    assert!(s["headline"].as_str().unwrap().contains("White applicants were 2.00 times as likely as BME applicants"), "{}", s["headline"]);

    // The funnel by deprivation: Core20 (deciles 1-2) = XX1 1AA and XX1 1AE.
    let (headers, rows) = read_csv(&exact.join("funnel_by_core20.csv"));
    assert_eq!(headers[..4], ["core20", "applied", "shortlisted", "appointed"]);
    // 1AA: 10 + 3 + 12 + 25 = 50 applied, 25 shortlisted, 3 appointed; 1AE: 1 + 1 + 8 = 10, 10, 2.
    assert_eq!(row(&rows, "Core20 (deciles 1-2)")[1..4], ["60", "35", "5"]);
    assert_eq!(row(&rows, "Not placed or no English decile")[1..4], ["5", "0", "0"], "ZZ99 and the area without a decile");
    assert_eq!(row(&rows, "All applications")[1..4], ["119", "59", "17"]);
    let (_, deciles) = read_csv(&exact.join("funnel_by_imd_decile.csv"));
    assert_eq!(row(&deciles, "10")[1..4], ["22", "22", "10"], "1AF: 10 + 8 + 4");
    // Least deprived fifth (decile 10: 10 of 22) against Core20 (5 of 35).
    let d = &s["deprivation_relative_likelihood"];
    let by_hand: f64 = (10.0 / 22.0) / (5.0 / 35.0);
    assert_eq!(d["relative_likelihood"].as_f64().unwrap(), (by_hand * 100.0).round() / 100.0);
    // Bands from the vacancy file: V1 and V2 bands 1-4, V3 band 6.
    let (_, bands) = read_csv(&exact.join("funnel_by_band_group.csv"));
    assert_eq!(row(&bands, "Bands 5-7")[1..4], ["36", "11", "3"], "V3: 2 + 8 + 1 + 25 applied; 2 + 8 + 1 shortlisted; 2 + 1 appointed");
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
                assert!(cell == "*" || v.is_some_and(|v| v == 0.0 || (v >= 8.0 && v % 5.0 == 0.0)), "{}: {cell}", file.display());
            }
        }
    }
}
