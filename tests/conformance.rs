//! Published tables anchormap reproduces (README, "Validated against published tables"): MHCLG's IoD2019 district summaries (File 10) by `profile`, and a trust's published WRES indicator 2.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::util::*;

const FILE_1: &str = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv";
const FILE_2: &str = "File_2_-_IoD2019_Domains_of_Deprivation.csv";
const FILE_6: &str = "File_6_-_IoD2019_Population_Denominators.csv";
const FILE_10: &str = "IoD2019_File10_LAD_summaries.csv";
const SCORES_2019: &str = "IoD2019_scores_nhsx.parquet";
const SCORES_2025: &str = "IoD2025_scores_ranks_deciles_lsoa21.csv";
const ICB_LOOKUP: &str = "lsoa21_to_sicbl24_icb24.csv";

/// Rows of a CSV as header → value maps.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    csv::Reader::from_path(path).unwrap().deserialize().map(|r| r.unwrap()).collect()
}

/// `anchormap profile` with `args`, into `out`; its `profile.csv` by group code.
fn profile(args: &[std::ffi::OsString], out: &Path) -> HashMap<String, HashMap<String, String>> {
    let mut all: Vec<std::ffi::OsString> = vec!["profile".into(), "-q".into(), "--out".into(), out.into()];
    all.extend(args.iter().cloned());
    anchormap_ok(all);
    rows(&out.join("profile.csv")).into_iter().map(|r| (r["code"].clone(), r)).collect()
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or_else(|_| panic!("{column} = '{}' is not a number", row[column]))
}

/// Issue 32, done when: `profile` over the 2019 districts (File 1's district column as the lookup,
/// File 2's ranks, the LSOA scores, File 6's mid-2015 total population) equals MHCLG's File 10 for
/// all 317 districts: the IMD's score (±0.001), proportion and extent (±0.0001), and every domain's
/// score and proportion (the Employment domain weighted by File 6's working-age column, as the IoD does).
#[test]
fn profile_reproduces_the_iod2019_district_summaries() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let args: Vec<std::ffi::OsString> = vec![
        "--lookup".into(),
        reference.join(FILE_1).into(),
        "--group-column".into(),
        "Local Authority District code (2019)".into(),
        "--deprivation".into(),
        reference.join(FILE_2).into(),
        "--scores".into(),
        reference.join(SCORES_2019).into(),
        "--population".into(),
        reference.join(FILE_6).into(),
    ];
    let ours = profile(&args, &dir.path().join("districts"));
    let published = rows(&reference.join(FILE_10));
    assert_eq!(published.len(), 317);
    assert_eq!(ours.len(), 317, "one row per district");
    let mut columns = vec![("Score", "average_score", 0.001), ("Proportion", "proportion_most_deprived_10pct", 0.0001)];
    columns.push(("Extent", "extent", 0.0001));
    let domains = [
        ("Income", "income"),
        ("Employment", "employment"),
        ("Education", "education"),
        ("Health", "health"),
        ("Crime", "crime"),
        ("Housing_and_Access", "housing_and_services"),
        ("Environment", "living_environment"),
    ];
    let names: Vec<(String, String, f64)> = columns
        .iter()
        .map(|(p, o, t)| (p.to_string(), o.to_string(), *t))
        .chain(domains.iter().flat_map(|(p, o)| {
            [
                (format!("{p}_Score"), format!("{o}_average_score"), 0.001),
                (format!("{p}_Proportion"), format!("{o}_proportion_most_deprived_10pct"), 0.0001),
            ]
        }))
        .collect();
    for district in &published {
        let code = &district["ltla19_code"];
        let row = ours.get(code).unwrap_or_else(|| panic!("no profile row for district {code}"));
        for (theirs, mine, tolerance) in &names {
            let (p, o) = (number(district, theirs), number(row, mine));
            // Half a unit of the published precision is added back: a published 0.2885 may be 0.28845.
            assert!((p - o).abs() <= tolerance + 1e-9, "{code} {theirs}: published {p}, profile {o}");
        }
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("districts/profile_summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["population_column"], "Total population: mid 2015 (excluding prisoners)");
    assert_eq!(summary["lookup_areas"], 32_844);
}

/// Issue 32: the same run on IoD2025 (the scores copy of File 7, ranks and scores in one file) for
/// every ICB of 2024: 42 ICBs covering all 33,755 LSOAs, and the ICBs' proportions add up to the
/// national count of LSOAs in IMD decile 1, read here from the file.
#[test]
fn profile_gives_every_icb_on_iod2025() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let args: Vec<std::ffi::OsString> = vec![
        "--lookup".into(),
        reference.join(ICB_LOOKUP).into(),
        "--group-column".into(),
        "icb24_code".into(),
        "--deprivation".into(),
        reference.join(SCORES_2025).into(),
        "--population".into(),
        reference.join("census2021-ts008-lsoa.csv").into(),
        "--population-columns".into(),
        "population=Sex: All persons; measures: Value".into(),
    ];
    let ours = profile(&args, &dir.path().join("icbs"));
    let lookup = rows(&reference.join(ICB_LOOKUP));
    let icbs: HashSet<&str> = lookup.iter().map(|r| r["icb24_code"].as_str()).collect();
    assert_eq!(ours.len(), icbs.len());
    assert_eq!(ours.len(), 42);
    let scores = rows(&reference.join(SCORES_2025));
    let decile_1 = scores.iter().filter(|r| r["IMD_decile"] == "1").count() as f64;
    let areas: f64 = ours.values().map(|r| number(r, "areas_ranked")).sum();
    let in_decile_1: f64 =
        ours.values().map(|r| number(r, "areas_ranked") * number(r, "proportion_most_deprived_10pct")).sum();
    assert_eq!(areas, 33_755.0);
    assert!(
        (in_decile_1 - decile_1).abs() < 0.01,
        "{in_decile_1} of the ICBs' areas in decile 1, {decile_1} in the file"
    );
    let hw = &ours["E54000019"];
    assert_eq!(hw["name"], "NHS Herefordshire and Worcestershire Integrated Care Board");
    assert_eq!(hw["areas"], "491");
    for row in ours.values() {
        for column in ["proportion_most_deprived_10pct", "extent", "income_proportion_most_deprived_10pct"] {
            assert!((0.0..=1.0).contains(&number(row, column)), "{column} of {}", row["code"]);
        }
    }
}

/// Issue 32: a published WRES indicator 2 reproduced from a trust's published percentages (The
/// Christie NHS Foundation Trust, WRES action plan 2022-23: 46.99% of White and 14.65% of BME
/// shortlisted applicants appointed; "3.2 times more likely") by the function `funnel` uses.
#[test]
fn wres_indicator_2_from_published_percentages() {
    let rl = anchormap::funnel::tally::relative_likelihood(46.99, 100.0, 14.65, 100.0).expect("a ratio");
    assert_eq!(format!("{:.2}", rl.ratio), "3.21");
    assert_eq!(format!("{:.1}", rl.ratio), "3.2");
}

/// Issue 32, bad input: a lookup without the group column, and a score that is not a number, each
/// stop with one line naming the file (and the line and column of the cell).
#[test]
fn profile_bad_input_is_one_line_naming_the_place() {
    let dir = temp_dir();
    let lookup = dir.path().join("lookup.csv");
    std::fs::write(&lookup, "LSOA21CD,LAD22CD,LAD22NM\nE01000001,E09000001,City of London\n").unwrap();
    let scores = dir.path().join("scores.csv");
    std::fs::write(&scores, "lsoa21_code,IMD_rank,IMD_decile,IMD_score\nE01000001,1,1,12.5\nE01000002,2,1,high\n")
        .unwrap();
    let run = |column: &str| {
        let out = dir.path().join("out");
        let args = ["profile", "--lookup", lookup.to_str().unwrap(), "--group-column", column];
        let mut args: Vec<&str> = args.to_vec();
        args.extend(["--scores", scores.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        anchormap_err(args)
    };
    let err = run("ICB24CD");
    assert!(
        err.contains("scores.csv, line 3") && err.contains("'IMD_score'") && err.contains("'high' is not a number"),
        "{err}"
    );
    std::fs::write(&scores, "lsoa21_code,IMD_rank,IMD_decile,IMD_score\nE01000001,1,1,12.5\nE01000002,2,1,10\n")
        .unwrap();
    let err = run("ICB24CD");
    assert!(err.contains("lookup.csv") && err.contains("no column 'ICB24CD'") && err.contains("LAD22CD"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written on an error");
}

/// Issue 32, done when: every `gaps` summary's community profile uses the IoD's definitions, with
/// the score when the deprivation file has it. `gaps` for the Herefordshire and Worcestershire ICB
/// on the 2021 set, with the IoD2025 scores copy as its deprivation file, gives the same average
/// score, proportion, extent and domain measures as `profile` of that ICB with the same population.
#[test]
fn the_gaps_community_profile_is_the_iod_profile_of_its_areas() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "postcode\nWR5 1DD\nHR1 2ER\n").unwrap();
    let population = reference.join("census2021_lsoa21_age6_16to64.csv");
    let out = dir.path().join("gaps");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "-q".into(), "--staff".into(), staff.into()];
    for (flag, file) in [
        ("--postcodes", crate::national::CODE_POINT),
        ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
        ("--deprivation", SCORES_2025),
        ("--community-lookup", ICB_LOOKUP),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--population".into(), population.clone().into_os_string()]);
    args.extend(["--community-filter", "icb24_code=E54000019", "--out"].map(std::ffi::OsString::from));
    args.push(out.clone().into());
    anchormap_ok(args);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    let gaps = &summary["community"]["profile"];

    let args: Vec<std::ffi::OsString> = vec![
        "--lookup".into(),
        reference.join(ICB_LOOKUP).into(),
        "--group-column".into(),
        "icb24_code".into(),
        "--deprivation".into(),
        reference.join(SCORES_2025).into(),
        "--population".into(),
        population.into(),
        "--population-columns".into(),
        "population=aged_16_to_64".into(),
    ];
    let icbs = profile(&args, &dir.path().join("profile"));
    let hw = &icbs["E54000019"];
    let close = |json: &serde_json::Value, csv: f64, what: &str| {
        let json = json.as_f64().unwrap_or_else(|| panic!("{what} is {json} in the gaps summary"));
        assert!((json - csv).abs() < 1e-6, "{what}: gaps {json}, profile {csv}");
    };
    close(&gaps["population_weighted_imd_score"], number(hw, "average_score"), "average score");
    close(&gaps["share_of_areas_in_decile_1"], number(hw, "proportion_most_deprived_10pct"), "proportion");
    close(&gaps["extent"], number(hw, "extent"), "extent");
    let income =
        gaps["domains"].as_array().unwrap().iter().find(|d| d["domain"] == "income").expect("the income domain");
    close(&income["average_score"], number(hw, "income_average_score"), "income score");
    close(
        &income["proportion_most_deprived_10pct"],
        number(hw, "income_proportion_most_deprived_10pct"),
        "income proportion",
    );
    assert!(gaps["definitions"].as_str().unwrap().contains("MHCLG"), "{gaps}");
}
