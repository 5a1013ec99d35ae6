//! `anchormap gaps` on hand-made fixtures: exact arithmetic, disclosure control, targets for a known construction.

use std::path::Path;

use anchormap::gaps::GapsExact;
use anchormap::output::run_summary::GapsSummary;

use crate::util::*;

/// Staff by postcode: 20 in E01900001 (decile 1), 10 in E01900002 (decile 4), 30 in E01900003
/// (decile 10), 5 in E01900004 (decile 2), 3 in E01900005 (no decile), 4 in the Welsh area
/// (outside the community), 2 with an unknown postcode.
fn write_staff(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("id,home_postcode,staff_group,band\n");
    let groups = [
        ("XX1 1AA", 20),
        ("XX1 1AD", 10),
        ("XX1 1AF", 30),
        ("XX1 1AE", 5),
        ("XX1 1AQ", 3),
        ("XX1 1AG", 4),
        ("ZZ99 3VZ", 2),
    ];
    let mut id = 0;
    for (postcode, n) in groups {
        for i in 0..n {
            id += 1;
            let band = if i % 2 == 0 { "Band 3" } else { "6" };
            text.push_str(&format!("{id},{postcode},Nursing,{band}\n"));
        }
    }
    let path = dir.join("staff.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// `gaps` on the fixture reference data for `staff`, writing to `out`, plus extra arguments.
fn gaps_args(staff: &Path, out: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let line = Line::new("gaps").arg("--staff", staff).arg("--out", out).fixtures(&FIXTURE_PLACEMENT);
    line.fixtures(&[("--population", "population.csv")]).args(extra).into()
}

fn community() -> String {
    fixture("community_codes.txt").to_string_lossy().into_owned()
}

fn run_gaps(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let staff = write_staff(dir);
    let out = dir.join("out");
    let (sites, vacancies, community) = (fixture("sites.csv"), fixture("vacancies.csv"), community());
    let mut all = vec!["--community-codes", &community, "--sites", sites.to_str().unwrap()];
    all.extend(["--vacancies", vacancies.to_str().unwrap()]);
    all.extend(extra);
    anchormap_ok(gaps_args(&staff, &out, &all));
    out
}

fn row<'a>(rows: &'a [Vec<String>], key: &str) -> &'a [String] {
    rows.iter().find(|r| r[0] == key).unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn exact_decile_arithmetic() {
    let dir = temp_dir();
    let out = run_gaps(dir.path(), &["--min-count", "0", "--round-to", "1", "--by", "band"]);
    let (headers, rows) = read_csv(&out.join("gaps_by_decile.csv"));
    assert_eq!(
        headers,
        [
            "imd_decile",
            "staff",
            "staff_share",
            "staff_share_ci_low",
            "staff_share_ci_high",
            "population",
            "population_share",
            "representation_ratio",
            "gap_pp"
        ]
    );
    // 65 staff in community areas with a decile; 5,000 people in them.
    assert_eq!(
        row(&rows, "1")[1..],
        ["20", "0.3077", "0.2089", "0.4280", "1000", "0.2000", "1.538", "10.77"].map(String::from)
    );
    assert_eq!(row(&rows, "2")[1..3], ["5", "0.0769"].map(String::from));
    assert_eq!(row(&rows, "4")[1..3], ["10", "0.1538"].map(String::from));
    assert_eq!(row(&rows, "10")[1..3], ["30", "0.4615"].map(String::from));
    assert_eq!(row(&rows, "3")[1..], ["0", "0.0000", "0.0000", "0.0558", "0", "0.0000", "", "0.00"].map(String::from));
    assert_eq!(row(&rows, "total")[1], "65");
    assert_eq!(row(&rows, "total")[5], "5000");

    let (_, quintiles) = read_csv(&out.join("gaps_by_quintile.csv"));
    assert_eq!(row(&quintiles, "1")[1..3], ["25", "0.3846"].map(String::from));
    assert_eq!(row(&quintiles, "1")[6], "0.3000");

    let (_, by_band) = read_csv(&out.join("gaps_by_decile_by_band.csv"));
    let band_row = by_band.iter().find(|r| r[0] == "Bands 1-4" && r[1] == "1").unwrap();
    assert_eq!(band_row[2], "10", "half of the 20 staff in decile 1 are band 3");

    // Rate: 68 staff in the community per 6,000 people = 11.333 per 1,000.
    let (_, areas) = read_csv(&out.join("gaps_by_area.csv"));
    let a4 = row(&areas, "E01900004");
    assert_eq!(a4[1..], ["Testtown 002B", "2", "5", "500", "10.00", "5.7", "0.7"].map(String::from));
    assert!(areas.iter().all(|r| !r[0].starts_with('W')), "the Welsh area is outside the community");

    // Targets: only E01900004 (decile 2, fewer staff than expected, 500 m from S1's entry-level vacancies).
    let (headers, targets) = read_csv(&out.join("targets.csv"));
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0][1], "E01900004");
    let cell = |name: &str| targets[0][headers.iter().position(|h| h == name).unwrap()].as_str();
    let scored = ["nearest_site", "distance_km", "entry_level_vacancies_within_radius", "access", "score"].map(cell);
    assert_eq!(scored, ["S1", "0.50", "2", "0.950", "0.63"]);
    assert_eq!(cell("nearest_site_name"), "Testtown General");
    assert_eq!(cell("neighbourhood"), "Testtown 002B", "without names, the area's own name");
    assert!(
        cell("reason").starts_with("In the most deprived 20% (decile 2) of neighbourhoods in England"),
        "{}",
        cell("reason")
    );

    let (_, reach) = read_csv(&out.join("vacancies_reach.csv"));
    assert_eq!(reach.len(), 4);
    assert_eq!(reach[0][4..7], ["true", "site", "1500"].map(String::from));
    assert_eq!(reach[2][4], "false");
    assert_eq!(reach[3][5], "unknown_site");

    // With no rule, the published summary has the exact counts; the internal file always does.
    let published: GapsSummary = read_summary(&out.join("gaps_summary.json"));
    assert_eq!(published.staff.rows, Some(74.0));
    assert_eq!(published.staff.placed_in_community, Some(65.0), "the class tables' total");
    assert_eq!(published.staff.placed_outside_community, Some(4.0));
    assert_eq!(published.staff.by_match["unknown_postcode"], Some(2.0));
    assert_eq!(published.community.areas, 5);
    let exact: GapsExact = read_summary(&out.join("not-for-publication/gaps_summary_exact.json"));
    assert_eq!(exact.staff.placed_in_community, 68);
    assert_eq!(exact.staff.in_community_without_decile, 3);
}

#[test]
fn published_counts_are_suppressed_and_rounded() {
    let dir = temp_dir();
    let out = run_gaps(dir.path(), &["--by", "band", "--by", "staff-group"]);
    let (_, rows) = read_csv(&out.join("gaps_by_decile.csv"));
    assert_eq!(row(&rows, "2")[1], "*", "5 staff is below the threshold");
    let (_, quintiles) = read_csv(&out.join("gaps_by_quintile.csv"));
    assert_eq!(row(&quintiles, "1")[1], "25");
    // Quintile 1 (published 25: 23 to 27) minus decile 1 (published 20: 18 to 22) leaves decile 2
    // anywhere from 1 to 9, wider than a `*` says (1-7): the rounding protects it, decile 1 is shown.
    let (quintile, decile): (f64, f64) =
        (row(&quintiles, "1")[1].parse().unwrap(), row(&rows, "1")[1].parse().unwrap());
    assert!(quintile - 2.0 - (decile + 2.0) <= 1.0 && quintile + 2.0 - (decile - 2.0) >= 7.0, "{quintile} {decile}");
    assert_eq!(row(&rows, "10")[1], "30");
    assert_eq!(row(&rows, "total")[1], "65");
    assert_eq!(row(&rows, "10")[2], "0.4615", "shares come from the published counts");
    // Every table that shares a margin with the hidden decile hides consistently.
    let (_, areas) = read_csv(&out.join("gaps_by_area.csv"));
    let decile_2: Vec<&Vec<String>> = areas.iter().filter(|r| r[2] == "2").collect();
    assert!(decile_2.iter().all(|r| r[3] == "*"), "{decile_2:?}");
    for file in published_files(&out) {
        let path = file;
        let text = published_text(&path);
        assert!(!text.contains("XX1"), "{} contains a postcode", path.display());
        if path.extension().is_some_and(|e| e == "csv") {
            let (headers, rows) = read_csv(&path);
            for (c, h) in headers.iter().enumerate().filter(|(_, h)| *h == "staff") {
                for r in &rows {
                    let v = &r[c];
                    assert!(
                        v == "*" || v.parse::<f64>().is_ok_and(|n| n == 0.0 || (n >= 8.0 && n % 5.0 == 0.0)),
                        "{h}={v} in {}",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn the_community_must_be_stated() {
    let dir = temp_dir();
    let staff = write_staff(dir.path());
    let line = anchormap_err(gaps_args(&staff, &dir.path().join("o"), &[]));
    assert!(line.contains("state the community"), "{line}");
}

#[test]
fn new_starters_against_existing_staff() {
    let dir = temp_dir();
    let staff = dir.path().join("staff_dates.csv");
    let mut text = String::from("id,home_postcode,Latest Start Date\n");
    for i in 0..20 {
        // Decile 1: 12 new (ISO dates), 8 existing (UK dates).
        let date = if i < 12 { "2025-06-01" } else { "01/03/2019" };
        text.push_str(&format!("a{i},XX1 1AA,{date}\n"));
    }
    for i in 0..30 {
        // Decile 10: 3 new, 26 existing, 1 not recorded.
        let date = match i {
            0..=2 => "2025-04-01 00:00:00",
            3 => "",
            _ => "2018-01-15",
        };
        text.push_str(&format!("b{i},XX1 1AF,{date}\n"));
    }
    std::fs::write(&staff, text).unwrap();
    let out = dir.path().join("out");
    let codes = community();
    let since = ["--by", "starter", "--new-starters-since", "2025-04-01"];
    let exact = ["--community-codes", codes.as_str(), "--min-count", "0", "--round-to", "1"];
    anchormap_ok(gaps_args(&staff, &out, &[&since[..], &exact[..]].concat()));
    let (headers, rows) = read_csv(&out.join("gaps_by_decile_by_starter.csv"));
    assert_eq!(headers[..3], ["starter", "imd_decile", "staff"].map(String::from));
    let staff = |group: &str, decile: &str| rows.iter().find(|r| r[0] == group && r[1] == decile).unwrap()[2].clone();
    assert_eq!((staff("New starters", "1"), staff("New starters", "10")), ("12".into(), "3".into()));
    assert_eq!((staff("Existing staff", "1"), staff("Existing staff", "10")), ("8".into(), "26".into()));
    assert_eq!(staff("Start date not recorded", "10"), "1");

    let line = anchormap_err(gaps_args(
        &fixture("staff.csv"),
        &dir.path().join("o2"),
        &[&since[..], &["--community-codes", codes.as_str()][..]].concat(),
    ));
    assert!(line.contains("staff.csv: --by starter needs a start date column"), "{line}");
}

/// Issue 16: an ESR-style extract (no column flags) by ethnic group: the five Census 2021 groups
/// equal a hand count (Chinese in Asian, not stated apart, out of the shares); the community from a
/// census table; WRES indicator 1 by band; every table protected under the default rule.
#[test]
fn esr_ethnic_groups_equal_a_hand_count() {
    let dir = temp_dir();
    // (postcode, ethnic origin as ESR writes it, band, how many)
    let rows = [
        ("XX1 1AA", "A White - British", "Band 3", 6),
        ("XX1 1AD", "C3 White Unspecified", "Band 6", 4),
        ("XX1 1AF", "B White - Irish", "Band 5", 2),
        ("XX1 1AA", "R Chinese", "Band 5", 3),
        ("XX1 1AD", "H Asian or Asian British - Indian", "Band 6", 2),
        ("XX1 1AF", "LH Asian British", "Band 2", 1),
        ("XX1 1AE", "N Black or Black British - African", "Band 3", 4),
        ("XX1 1AF", "M Black or Black British - Caribbean", "8a", 1),
        ("XX1 1AA", "F Mixed - White & Asian", "Band 4", 2),
        ("XX1 1AF", "S Any Other Ethnic Group", "Consultant", 2),
        ("XX1 1AD", "Z Not Stated", "Band 3", 3),
        ("XX1 1AF", "", "Band 7", 1),
        ("XX1 1AQ", "A White - British", "Band 3", 5), // an area without a decile: not in the tables
        ("ZZ99 3VZ", "N Black or Black British - African", "Band 2", 2), // not placed: only in WRES 1
    ];
    let mut text = String::from("Employee Number,Home Postcode,Staff Group,Pay Band,Ethnic Origin,Gender\n");
    let mut id = 0;
    for (postcode, ethnic, band, n) in rows {
        for _ in 0..n {
            id += 1;
            let group = if band == "Consultant" { "Medical and Dental" } else { "Nursing" };
            text.push_str(&format!(
                "{id},{postcode},{group},{band},{ethnic},{}\n",
                if id % 3 == 0 { "Male" } else { "Female" }
            ));
        }
    }
    let staff = dir.path().join("esr.csv");
    std::fs::write(&staff, text).unwrap();
    // The community by ethnic group (a census table on the fixture's areas): 1,000 people, 100 Asian.
    let census = dir.path().join("ts021.csv");
    std::fs::write(
        &census,
        "date,geography,LSOA11CD,Ethnic group: Total: All usual residents,\"Ethnic group: Asian, Asian British or Asian Welsh\",\
         \"Ethnic group: Black, Black British, Black Welsh, Caribbean or African\",Ethnic group: Mixed or Multiple ethnic groups,\
         Ethnic group: White,Ethnic group: Other ethnic group\n\
         2021,A,E01900001,400,40,10,10,330,10\n2021,B,E01900002,300,30,10,5,250,5\n2021,C,E01900003,200,20,0,5,170,5\n\
         2021,D,E01900004,100,10,0,0,90,0\n",
    )
    .unwrap();
    let census = census.to_str().unwrap();
    let exact = dir.path().join("exact");
    let community = community();
    let args =
        ["--community-codes", &community, "--by", "ethnic-group", "--by", "band", "--ethnic-group-population", census];
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--min-count", "0", "--round-to", "1", "-q"]);
    anchormap_ok(gaps_args(&staff, &exact, &all));
    let (headers, table) = read_csv(&exact.join("gaps_by_ethnic_group.csv"));
    assert_eq!(headers[..3], ["ethnic_group", "staff", "staff_share"]);
    // Hand count of the placed staff in community areas with a decile:
    // White 6 + 4 + 2 = 12; Asian 3 (Chinese) + 2 + 1 = 6; Black 4 + 1 = 5; Mixed 2; Other 2; not stated 3 + 1 = 4.
    for (group, staff, population) in [
        ("Asian", "6", "100"),
        ("Black", "5", "20"),
        ("Mixed", "2", "20"),
        ("White", "12", "840"),
        ("Other", "2", "20"),
        ("BME (all but White)", "15", "160"),
        ("All stated", "27", "1000"),
        ("Not stated", "4", ""),
        ("All staff", "31", ""),
    ] {
        let r = row(&table, group);
        assert_eq!((r[1].as_str(), r[5].as_str()), (staff, population), "{group}");
    }
    let asian = row(&table, "Asian");
    assert_eq!((asian[2].as_str(), asian[6].as_str()), ("0.2222", "0.1000"), "6/27 against 100/1,000");
    assert_eq!(asian[7], "2.222", "representation ratio");
    // The report's section says it in words: BME 15 of 27 stated, against 160 of 1,000 residents.
    let report = dir.path().join("report.html");
    anchormap_ok([
        "report".as_ref(),
        "--from".as_ref(),
        exact.as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Does our workforce reflect who lives here?"), "the section");
    assert!(html
        .contains("(BME) staff are 55.6% of staff who stated it, against 16.0% of the people living in the community"));
    assert!(html.contains("Ethnic group by pay band (WRES indicator 1)"));
    // WRES indicator 1: every row of the file (placed or not) by band group.
    let (_, wres) = read_csv(&exact.join("wres_indicator_1.csv"));
    assert_eq!(row(&wres, "Bands 1-4")[1..5], ["11", "9", "3", "23"], "White 6+5, BME 1+4+2+2, not stated 3");
    assert_eq!(row(&wres, "All staff")[1..5], ["17", "17", "4", "38"]);
    // The deprivation tables by ethnic group include BME and add up to all staff.
    let (_, deciles) = read_csv(&exact.join("gaps_by_decile_by_ethnic_group.csv"));
    let total = |group: &str| deciles.iter().find(|r| r[0] == group && r[1] == "total").unwrap()[2].clone();
    assert_eq!((total("BME (all but White)"), total("White")), ("15".to_string(), "12".to_string()));

    // Under the default rule: nothing from 1 to 7 shown, and no hidden count alone in a sum.
    let published = dir.path().join("published");
    all = args.to_vec();
    all.push("-q");
    anchormap_ok(gaps_args(&staff, &published, &all));
    let (_, table) = read_csv(&published.join("gaps_by_ethnic_group.csv"));
    let shown = |r: &[String]| r[1].parse::<f64>().ok();
    for r in &table {
        assert!(shown(r).is_none_or(|v| v == 0.0 || v >= 8.0), "{r:?}");
    }
    let hidden: Vec<&str> = table.iter().filter(|r| r[1] == "*").map(|r| r[0].as_str()).collect();
    assert!(hidden.len() != 1, "{hidden:?}");
    let gaps: GapsSummary = read_summary(&published.join("gaps_summary.json"));
    assert_eq!(gaps.demography[0].dimension, "ethnic_group");
    assert_eq!(gaps.demography[0].groups[0].staff, None, "6 Asian staff: suppressed");
}

/// The text of every file at the top of a run folder (the parts of a workbook unzipped).
fn published_texts(out: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut texts = Vec::new();
    for file in published_files(out) {
        let bytes = std::fs::read(&file).unwrap();
        if file.extension().is_some_and(|e| e == "xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..zip.len() {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut text).unwrap_or_default();
                texts.push((file.clone(), text));
            }
        } else {
            texts.push((file, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    texts
}

/// Issue 25: a band value that is not recognised (here a name and a postcode) is described in the
/// published summary by its shape, and listed word for word only in not-for-publication/.
#[test]
fn an_unrecognised_band_is_not_published_word_for_word() {
    let dir = temp_dir();
    let staff = write_staff(dir.path());
    let text = std::fs::read_to_string(&staff).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for line in lines.iter_mut().skip(1).take(10) {
        *line = line.replace("Band 3", "John Smith SW1A 1AA").replace(",6", ",John Smith SW1A 1AA");
    }
    std::fs::write(&staff, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    anchormap_ok(gaps_args(&staff, &out, &["--community-codes", &community(), "--by", "band", "-q"]));
    for (file, text) in published_texts(&out) {
        for leak in ["John Smith", "SW1A"] {
            assert!(!text.contains(leak), "{} holds {leak}", file.display());
        }
    }
    let summary = std::fs::read_to_string(out.join("gaps_summary.json")).unwrap();
    assert!(summary.contains("1 value that looks like free text"), "{summary}");
    let exact = std::fs::read_to_string(out.join("not-for-publication/gaps_summary_exact.json")).unwrap();
    assert!(exact.contains("John Smith"), "the analyst's summary lists the value: {exact}");
}
