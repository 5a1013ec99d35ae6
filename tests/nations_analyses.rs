//! Issue 30, item 3, for `funnel` and `commute`: applicants and staff across the border, each nation's on its own index (IMD, WIMD, SIMD), side by side and never pooled, on the real reference data (skipped, loudly, where it is absent).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::national::CODE_POINT;
use crate::nations::{
    csv_rows, deciles, gb_options, staff_from_postcode_areas, CHESTER, DATA_ZONE_LOOKUP, DUMFRIES_AND_GALLOWAY,
    IMD2025, LAD24_LOOKUP, SIMD, WIMD2025, WREXHAM,
};
use crate::util::*;

/// A postcode as Code-Point Open gives it, read here from the zip: its point and its country code.
pub(crate) struct CodePoint {
    pub easting: f64,
    pub northing: f64,
    /// `E92000001`, `W92000004`, `S92000003`.
    pub country: String,
}

/// Every postcode of Code-Point Open's postcode areas `areas` (lower case, e.g. `ch`).
pub(crate) fn code_point(reference: &Path, areas: &[&str]) -> HashMap<String, CodePoint> {
    use std::io::BufRead;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(reference.join(CODE_POINT)).unwrap()).unwrap();
    let mut out = HashMap::new();
    for area in areas {
        let entry = zip.by_name(&format!("Data/CSV/{area}.csv")).unwrap();
        for line in std::io::BufReader::new(entry).lines() {
            let line = line.unwrap();
            let f: Vec<&str> = line.split(',').map(|s| s.trim_matches('"')).collect();
            let point = CodePoint {
                easting: f[2].parse().unwrap(),
                northing: f[3].parse().unwrap(),
                country: f[4].to_string(),
            };
            out.insert(f[0].to_string(), point);
        }
    }
    out
}

/// The nation of a Code-Point Open country code.
pub(crate) fn nation_of(country: &str) -> &'static str {
    match country {
        "E92000001" => "England",
        "W92000004" => "Wales",
        "S92000003" => "Scotland",
        other => panic!("a postcode outside Great Britain: {other}"),
    }
}

/// Each postcode's area (as `geocode` places it: the one step the test takes from anchormap) and its
/// nation and decile in its own nation's index, read here from the reference files: IoD2025 File 1
/// for an English LSOA, WIMD 2025 for a Welsh one, SIMD 2020v2 for a data zone.
fn own_deciles(reference: &Path, dir: &Path, postcodes: &[String]) -> HashMap<String, (String, String, String)> {
    let input = dir.join("postcodes_to_place.csv");
    let text: String = postcodes.iter().map(|p| format!("{p}\n")).collect();
    std::fs::write(&input, format!("postcode\n{text}")).unwrap();
    let geocoded = dir.join("placed_postcodes.csv");
    let mut args: Vec<std::ffi::OsString> = vec!["geocode".into(), input.into()];
    args.extend(gb_options(reference));
    args.extend(["--no-store".into(), "-q".into(), "-o".into(), geocoded.clone().into()]);
    anchormap_ok(args);
    let (imd, wimd, simd) = (
        deciles(&reference.join(IMD2025), 0, 5),
        deciles(&reference.join(WIMD2025), 0, 5),
        deciles(&reference.join(SIMD), 0, 3),
    );
    csv_rows(&geocoded)
        .into_iter()
        .filter(|r| !r["area_code"].is_empty())
        .map(|r| {
            let code = r["area_code"].clone();
            let own = match &code[..1] {
                "E" => ("England".to_string(), imd[&code].clone(), code.clone()),
                "W" => ("Wales".to_string(), wimd[&code].clone(), code.clone()),
                _ => ("Scotland".to_string(), simd[&code].clone(), code.clone()),
            };
            (r["postcode"].clone(), own)
        })
        .collect()
}

/// The disclosure audit of a run folder says every system is protected.
fn assert_protected(out: &Path) {
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("disclosure_audit.json")).unwrap()).unwrap();
    for system in audit["systems"].as_array().unwrap() {
        assert_eq!(system["protected"], true, "{}: {system}", out.display());
    }
}

/// A JSON file.
fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Worcester's district (LAD 2024).
const WORCESTER: &str = "E07000237";

/// Stage of application `id`: half applied only, a third shortlisted, a sixth appointed.
fn stage(id: usize) -> &'static str {
    ["Applied", "Applied", "Applied", "Shortlisted", "Shortlisted", "Appointed"][id % 6]
}

/// `funnel` of `applications` (postcodes, by id) with the community of the districts `community`
/// (`E06000050|W06000006`); `nations` adds `--wimd`, `--simd` and the data zones.
fn funnel_run(
    reference: &Path,
    dir: &Path,
    (name, community): (&str, &str),
    postcodes: &[String],
    nations: bool,
) -> PathBuf {
    let file = dir.join(format!("{name}.csv"));
    let ethnic = ["White", "White", "Asian", "Black", "Mixed"];
    let rows: String =
        postcodes.iter().enumerate().map(|(i, p)| format!("{i},{p},{},{}\n", stage(i), ethnic[i % 5])).collect();
    std::fs::write(&file, format!("application_id,postcode,status,ethnic_group\n{rows}")).unwrap();
    let out = dir.join(name);
    let mut args: Vec<std::ffi::OsString> = vec!["funnel".into(), "--applications".into(), file.into()];
    let options = gb_options(reference);
    args.extend(if nations { options } else { options[..6].to_vec() });
    for (flag, file) in [("--population", "census2021_lsoa21_age6_16to64.csv"), ("--community-lookup", LAD24_LOOKUP)] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--community-filter".into(), format!("LAD24CD={community}").into()]);
    args.extend(["--no-store", "-q", "--out"].map(Into::into));
    args.push(out.clone().into());
    anchormap_ok(args);
    out
}

/// Issue 30, item 3, for `funnel`: applicants from Chester, Wirral, Deeside, Wrexham and North Wales
/// to a trust whose community is Cheshire West and Chester with Wrexham. England's and Wales's rows
/// side by side, each on its own index: the exact decile table's applied, shortlisted and appointed
/// are the hand count by the decile the reference files give each applicant's area, each nation's
/// total the count of applicants Code-Point Open puts in that nation; each decile's community share
/// the hand sum of Census 2021 16-64 over that nation's community areas in it; a headline per nation,
/// no deprivation likelihood pooled across nations; protected; the report shows each nation's rows;
/// an England-only file unchanged by the nations' files.
#[test]
fn funnel_counts_each_nations_applicants_on_its_own_index() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (dir, started) = (dir.path(), std::time::Instant::now());
    let postcodes: Vec<String> = csv_rows(&staff_from_postcode_areas(&reference, dir, &["ch", "ll"], 4_000))
        .into_iter()
        .map(|r| r["home_postcode"].clone())
        .collect();
    let gb = funnel_run(&reference, dir, ("gb", &format!("{CHESTER}|{WREXHAM}")), &postcodes, true);

    // The hand count: each application by its area's nation and decile in that nation's own index.
    let own = own_deciles(&reference, dir, &postcodes);
    let points = code_point(&reference, &["ch", "ll"]);
    let mut expected: HashMap<(String, String), [f64; 3]> = HashMap::new();
    let mut by_country: HashMap<&str, f64> = HashMap::new();
    for (i, postcode) in postcodes.iter().enumerate() {
        let (nation, decile, _) = own[postcode].clone();
        let country = nation_of(&points[postcode].country);
        assert_eq!(nation, country, "{postcode}: its area is in the nation Code-Point Open gives it");
        *by_country.entry(country).or_default() += 1.0;
        let reached = [1.0, f64::from(u8::from(stage(i) != "Applied")), f64::from(u8::from(stage(i) == "Appointed"))];
        for key in [(nation.clone(), decile), (nation, "total".to_string())] {
            let counts = expected.entry(key).or_default();
            (0..3).for_each(|k| counts[k] += reached[k]);
        }
    }
    let exact = csv_rows(&gb.join("not-for-publication/funnel_by_imd_decile.csv"));
    let header = std::fs::read_to_string(gb.join("funnel_by_imd_decile.csv")).unwrap();
    assert!(
        header.starts_with("nation,deprivation_index,deprivation_decile,applied,shortlisted,appointed,"),
        "{header}"
    );
    let order: Vec<(String, String, String)> = exact
        .iter()
        .map(|r| (r["nation"].clone(), r["deprivation_index"].clone(), r["deprivation_decile"].clone()))
        .collect();
    let mut want: Vec<(String, String, String)> = Vec::new();
    for (nation, index) in [("England", "IMD 2025"), ("Wales", "WIMD 2025")] {
        let classes = (1..=10).map(|d| d.to_string()).chain(["total".to_string()]);
        want.extend(classes.map(|c| (nation.to_string(), index.to_string(), c)));
    }
    want.push((String::new(), String::new(), "Not placed or no decile in its nation's index".into()));
    want.push((String::new(), String::new(), "All applications".into()));
    assert_eq!(order, want, "England's rows, then Wales's, side by side");
    for r in exact.iter().filter(|r| !r["nation"].is_empty()) {
        let key = (r["nation"].clone(), r["deprivation_decile"].clone());
        let counts = ["applied", "shortlisted", "appointed"].map(|c| r[c].parse::<f64>().unwrap());
        assert_eq!(counts, expected.get(&key).copied().unwrap_or_default(), "{key:?}: the hand count");
    }
    for nation in ["England", "Wales"] {
        let total = exact.iter().find(|r| r["nation"] == nation && r["deprivation_decile"] == "total").unwrap();
        let applied: f64 = total["applied"].parse().unwrap();
        assert_eq!(applied, by_country[nation], "{nation}: its applicants as Code-Point Open counts them");
        assert!(applied >= 1_000.0, "{nation}: {applied} applicants, enough to compare");
    }

    // The community's share in each decile: the hand sum of Census 2021 16-64 over the nation's areas.
    let lookup = csv_rows(&reference.join(LAD24_LOOKUP));
    let population: HashMap<String, f64> = csv_rows(&reference.join("census2021_lsoa21_age6_16to64.csv"))
        .into_iter()
        .map(|r| (r["lsoa21_code"].clone(), r["aged_16_to_64"].parse().unwrap()))
        .collect();
    let (imd, wimd) = (deciles(&reference.join(IMD2025), 0, 5), deciles(&reference.join(WIMD2025), 0, 5));
    let mut people: HashMap<(&str, String), f64> = HashMap::new();
    for r in lookup.iter().filter(|r| [CHESTER, WREXHAM].contains(&r["LAD24CD"].as_str())) {
        let code = r["LSOA21CD"].as_str();
        let (nation, decile) = if code.starts_with('E') { ("England", &imd[code]) } else { ("Wales", &wimd[code]) };
        *people.entry((nation, decile.clone())).or_default() += population[code];
        *people.entry((nation, "total".to_string())).or_default() += population[code];
    }
    for r in exact.iter().filter(|r| !r["nation"].is_empty() && r["deprivation_decile"] != "total") {
        let nation = if r["nation"] == "England" { "England" } else { "Wales" };
        let share = people[&(nation, r["deprivation_decile"].clone())] / people[&(nation, "total".to_string())];
        let written: f64 = r["community_population_share"].parse().unwrap();
        assert!((written - share).abs() < 1e-4, "{nation} {}: {written} against {share}", r["deprivation_decile"]);
    }

    // Published: each nation's deciles within its total, shares within the nation; a headline each.
    let published = csv_rows(&gb.join("funnel_by_imd_decile.csv"));
    for nation in ["England", "Wales"] {
        let rows: Vec<&HashMap<String, String>> = published.iter().filter(|r| r["nation"] == nation).collect();
        let total: f64 = rows[10]["applied"].parse().unwrap();
        let deciles: f64 = rows[..10].iter().filter_map(|r| r["applied"].parse::<f64>().ok()).sum();
        assert!((deciles - total).abs() <= 10.0 * 5.0, "{nation}: {deciles} in deciles against {total}");
        let shares: f64 = rows[..10].iter().filter_map(|r| r["applied_share"].parse::<f64>().ok()).sum();
        assert!((shares - 1.0).abs() < 0.03, "{nation}: shares within the nation add up to {shares}");
    }
    let core20 = csv_rows(&gb.join("funnel_by_core20.csv"));
    let groups: Vec<&str> = core20.iter().map(|r| r["deprivation_group"].as_str()).collect();
    assert_eq!(
        groups[..6],
        ["Core20 (deciles 1-2)", "Rest (deciles 3-10)", "total", "Deciles 1-2", "Rest (deciles 3-10)", "total"]
    );
    let summary = json(&gb.join("funnel_summary.json"));
    let by_nation = summary["by_nation"].as_array().unwrap();
    let nations: Vec<&str> = by_nation.iter().map(|n| n["nation"].as_str().unwrap()).collect();
    assert_eq!(nations, ["England", "Wales"]);
    let exact_summary = json(&gb.join("not-for-publication/funnel_summary_exact.json"));
    for (n, exact_nation) in by_nation.iter().zip(exact_summary["by_nation"].as_array().unwrap()) {
        let headline = n["headline"].as_str().unwrap();
        let index = n["index"].as_str().unwrap();
        assert!(headline.starts_with(&format!("{}: ", n["nation"].as_str().unwrap())), "{headline}");
        assert!(headline.contains(&format!("{index} deciles 1-2")), "{headline}");
        let low = expected[&(n["nation"].as_str().unwrap().to_string(), "1".to_string())][0]
            + expected[&(n["nation"].as_str().unwrap().to_string(), "2".to_string())][0];
        assert_eq!(exact_nation["deciles_1_2_applied"].as_f64().unwrap(), low, "{index} deciles 1-2, exact");
    }
    assert!(summary["nations_not_pooled"].as_str().unwrap().contains("not pooled"), "{summary}");
    assert!(summary["deprivation_relative_likelihood"]["relative_likelihood"].is_null(), "no likelihood pooled");
    assert_protected(&gb);
    let html = report_of(&gb);
    assert!(html.contains("each nation on its own index") && html.contains("WIMD 2025 deciles 1-2"), "the report");

    // An England-only file of applicants: the same tables with or without the nations' files.
    std::fs::create_dir_all(dir.join("wr_applicants")).unwrap();
    let worcester: Vec<String> =
        csv_rows(&staff_from_postcode_areas(&reference, &dir.join("wr_applicants"), &["wr"], 600))
            .into_iter()
            .map(|r| r["home_postcode"].clone())
            .collect();
    // Worcester: an England-only community too.
    let (with, without) = (
        funnel_run(&reference, dir, ("wr_gb", WORCESTER), &worcester, true),
        funnel_run(&reference, dir, ("wr", WORCESTER), &worcester, false),
    );
    for table in ["imd_decile", "imd_quintile", "core20", "ethnic_group", "sex"] {
        for file in [format!("funnel_by_{table}.csv"), format!("not-for-publication/funnel_by_{table}.csv")] {
            assert!(std::fs::read(with.join(&file)).unwrap() == std::fs::read(without.join(&file)).unwrap(), "{file}");
        }
    }
    assert!(json(&with.join("funnel_summary.json"))["by_nation"].is_null(), "no nations in an England-only run");
    eprintln!(
        "funnel across nations: {} applications, {:?}; {:.1} s",
        postcodes.len(),
        by_country,
        started.elapsed().as_secs_f64()
    );
}

/// `commute` of staff (`(postcode, site code)`) at the national hospital sites; `nations` adds
/// `--wimd`, `--simd` and the data zones.
fn commute_run(reference: &Path, dir: &Path, name: &str, staff: &[(String, &str)], nations: bool) -> PathBuf {
    let file = dir.join(format!("{name}.csv"));
    let bands = ["Band 2", "Band 3", "Band 5", "Band 6", "Band 8a", "Medical"];
    let rows: String =
        staff.iter().enumerate().map(|(i, (p, site))| format!("{i},{p},{},{site}\n", bands[i % 6])).collect();
    std::fs::write(&file, format!("staff_id,home_postcode,band,site\n{rows}")).unwrap();
    let out = dir.join(name);
    let mut args: Vec<std::ffi::OsString> = vec!["commute".into(), "--staff".into(), file.into()];
    let options = gb_options(reference);
    args.extend(if nations { options } else { options[..6].to_vec() });
    for (flag, file) in [("--sites", "hospital_sites.csv"), ("--car-availability", "census2021-ts045-lsoa.csv")] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--shift-short-car-trips", "0.2", "--no-store", "-q", "--out"].map(Into::into));
    args.push(out.clone().into());
    anchormap_ok(args);
    out
}

/// Issue 30, item 3, for `commute`: staff from Chester, Wrexham and North Wales at the Countess of
/// Chester, and from Dumfries and Galloway at Carlisle. Each nation's staff on its own index, side
/// by side: the published decile table England's rows, then Wales's (WIMD 2025), then Scotland's
/// (SIMD 2020v2); each nation's exact staff and its deciles 1-2 staff the hand count of the staff
/// within 100 km of their site (Code-Point Open's point and country, the sites file's point, the
/// reference files' decile of the area); a headline and an equity lens per nation, no deciles 1-2
/// share pooled across nations; protected; the report shows each nation's rows; an England-only
/// file of staff unchanged by the nations' files.
#[test]
fn commute_counts_each_nations_staff_on_its_own_index() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (dir, started) = (dir.path(), std::time::Instant::now());
    let staff: Vec<(String, &str)> = csv_rows(&staff_from_postcode_areas(&reference, dir, &["ch", "ll", "dg"], 4_000))
        .into_iter()
        .map(|r| {
            let postcode = r["home_postcode"].clone();
            let site = if postcode.starts_with("DG") { "CU" } else { "CH" };
            (postcode, site)
        })
        .collect();
    let gb = commute_run(&reference, dir, "gb", &staff, true);

    // The hand count: staff within 100 km of their site, by Code-Point Open's nation, and in its deciles 1-2.
    let sites: HashMap<String, (f64, f64)> = csv_rows(&reference.join("hospital_sites.csv"))
        .into_iter()
        .map(|r| (r["site_code"].clone(), (r["easting"].parse().unwrap(), r["northing"].parse().unwrap())))
        .collect();
    let points = code_point(&reference, &["ch", "ll", "dg"]);
    let postcodes: Vec<String> = staff.iter().map(|(p, _)| p.clone()).collect();
    let own = own_deciles(&reference, dir, &postcodes);
    let (mut placed, mut low, mut total) = (HashMap::new(), HashMap::new(), 0.0);
    for (postcode, site) in &staff {
        let (point, (x, y)) = (&points[postcode], sites[*site]);
        if ((point.easting - x).powi(2) + (point.northing - y).powi(2)).sqrt() > 100_000.0 {
            continue;
        }
        total += 1.0;
        let nation = nation_of(&point.country);
        let (own_nation, decile, _) = &own[postcode];
        assert_eq!(own_nation, nation, "{postcode}: its area is in the nation Code-Point Open gives it");
        *placed.entry(nation).or_insert(0.0) += 1.0;
        *low.entry(nation).or_insert(0.0) += f64::from(u8::from(decile == "1" || decile == "2"));
    }
    let exact = json(&gb.join("not-for-publication/commute_summary_exact.json"));
    assert_eq!(exact["staff_placed"].as_f64().unwrap(), total, "the staff within 100 km of their site");
    let exact_nations = exact["by_nation"].as_array().unwrap();
    let names: Vec<&str> = exact_nations.iter().map(|n| n["nation"].as_str().unwrap()).collect();
    assert_eq!(names, ["England", "Wales", "Scotland"]);
    for n in exact_nations {
        let nation = n["nation"].as_str().unwrap();
        assert_eq!(n["staff"].as_f64().unwrap(), placed[nation], "{nation}: its staff, counted by hand");
        assert_eq!(n["deciles_1_2_staff"].as_f64().unwrap(), low[nation], "{nation}: in its own deciles 1-2");
        assert!(placed[nation] >= 300.0, "{nation}: {} staff, enough to compare", placed[nation]);
    }

    // Published: England's rows, then Wales's, then Scotland's, each on its own index.
    let header = std::fs::read_to_string(gb.join("commute_by_decile.csv")).unwrap();
    assert!(header.starts_with("nation,deprivation_index,deprivation_decile,staff,"), "{header}");
    let published = csv_rows(&gb.join("commute_by_decile.csv"));
    let order: Vec<(&str, &str)> =
        published.iter().map(|r| (r["nation"].as_str(), r["deprivation_index"].as_str())).collect();
    let mut want: Vec<(&str, &str)> = Vec::new();
    for nation in [("England", "IMD 2025"), ("Wales", "WIMD 2025"), ("Scotland", "SIMD 2020v2")] {
        want.extend(std::iter::repeat_n(nation, 11));
    }
    want.extend([("", ""), ("", "")]);
    assert_eq!(order, want, "England's rows, then Wales's, then Scotland's, then none and the total");
    for nation in ["England", "Wales", "Scotland"] {
        let rows: Vec<&HashMap<String, String>> = published.iter().filter(|r| r["nation"] == nation).collect();
        let staff: f64 = rows[10]["staff"].parse().unwrap();
        assert!((staff - placed[nation]).abs() <= 5.0, "{nation}: {staff} published against {}", placed[nation]);
        let deciles: f64 = rows[..10].iter().filter_map(|r| r["staff"].parse::<f64>().ok()).sum();
        assert!(deciles <= staff + 10.0 * 5.0, "{nation}: {deciles} in deciles against {staff}");
        assert_eq!(rows[10]["share_of_kgco2e"], "1.0000");
    }
    let bands = csv_rows(&gb.join("commute_by_decile_band.csv"));
    assert_eq!(bands.iter().filter(|r| r["nation"] == "Wales").count(), 50, "Wales's deciles by band group");
    let areas = std::fs::read_to_string(gb.join("commute_by_area.csv")).unwrap();
    assert!(areas.lines().any(|l| l.contains(",Scotland,SIMD 2020v2,")), "each area's own index");
    let summary = json(&gb.join("commute_summary.json"));
    for n in summary["by_nation"].as_array().unwrap() {
        let headline = n["headline"].as_str().unwrap();
        assert!(headline.starts_with(&format!("{}: ", n["nation"].as_str().unwrap())), "{headline}");
        assert!(headline.contains(&format!("{} deciles 1-2", n["index"].as_str().unwrap())), "{headline}");
        let method = n["equity_lens"]["method"].as_str().unwrap();
        assert!(method.contains(&format!("a decile 1 or 2 area of {}", n["index"].as_str().unwrap())), "{method}");
    }
    assert!(summary["share_of_kgco2e_from_deciles_1_2"].is_null(), "no share pooled across nations");
    assert!(summary["scenarios"]["modal_shift_share_to_deciles_1_2"].is_null(), "no share pooled across nations");
    assert!(summary["nations_not_pooled"].as_str().unwrap().contains("not pooled"), "{summary}");
    assert_protected(&gb);
    // `anchormap audit` reads the run's commute tables, each nation's rows a table of its own.
    let (code, audit, seconds) = audit_json(&[&gb], &dir.join("audit.json"));
    assert_eq!((code, &audit["protected"]), (Some(0), &serde_json::json!(true)), "{}", audit["summary"]);
    let cells = commute_staff_cells(&gb);
    assert_eq!(audit["commute_cells"], cells, "{}", audit["summary"]);
    assert!(cells > 3 * 11 + 3 * 50, "every nation's deciles and deciles by band group among {cells}");
    assert!(audit["runs"][0]["notes"].as_array().unwrap().is_empty(), "{}", audit["runs"][0]["notes"]);
    eprintln!("audit of the commute run across nations: {cells} commute cells, {seconds:.1} s");
    let html = report_of(&gb);
    assert!(html.contains("each nation&#x27;s own index") && html.contains("SIMD 2020v2 deciles 1-2"), "the report");

    // An England-only file of staff: the same tables with or without the nations' files.
    std::fs::create_dir_all(dir.join("wr_staff")).unwrap();
    let worcester: Vec<(String, &str)> =
        csv_rows(&staff_from_postcode_areas(&reference, &dir.join("wr_staff"), &["wr"], 600))
            .into_iter()
            .map(|r| (r["home_postcode"].clone(), "WR"))
            .collect();
    let (with, without) = (
        commute_run(&reference, dir, "wr_gb", &worcester, true),
        commute_run(&reference, dir, "wr", &worcester, false),
    );
    for file in ["commute_by_decile.csv", "commute_by_decile_band.csv", "commute_by_area.csv", "commute_by_band.csv"] {
        assert!(std::fs::read(with.join(file)).unwrap() == std::fs::read(without.join(file)).unwrap(), "{file}");
    }
    assert!(json(&with.join("commute_summary.json"))["by_nation"].is_null(), "no nations in an England-only run");
    eprintln!("commute across nations: {} staff, {:?}; {:.1} s", staff.len(), placed, started.elapsed().as_secs_f64());
}

/// Issue 30, item 3, for the demography of `gaps`: a community across the three nations (Cheshire
/// West and Chester, Wrexham, Dumfries and Galloway) with staff by ethnic group and sex. Each
/// nation's staff against its own part of the community: the exact table's staff by nation and
/// group the hand count of the staff whose area (as `geocode` places it) is in the community, by
/// the nation Code-Point Open gives them; England's and Wales's women the hand sum of Census 2021
/// TS008 over the nation's community areas; Scotland's staff shown, never dropped, with no
/// population and the note that Scotland's census is not in the reference data; protected; the
/// report shows each nation's part.
#[test]
fn gaps_demography_compares_each_nations_staff_with_its_own_census() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (dir, started) = (dir.path(), std::time::Instant::now());
    let postcodes: Vec<String> = csv_rows(&staff_from_postcode_areas(&reference, dir, &["ch", "ll", "dg"], 3_000))
        .into_iter()
        .map(|r| r["home_postcode"].clone())
        .collect();
    let ethnic = ["White", "White", "White", "Asian", "Black", "Mixed", "Other", ""];
    let sexes = ["Female", "Male", "Female"];
    let rows: String = postcodes
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{i},{p},Band {},{},{}\n", 2 + i % 7, ethnic[i % 8], sexes[i % 3]))
        .collect();
    let staff = dir.join("staff_by_group.csv");
    std::fs::write(&staff, format!("staff_id,home_postcode,band,ethnic_group,sex\n{rows}")).unwrap();
    let community: Vec<String> = csv_rows(&reference.join(LAD24_LOOKUP))
        .into_iter()
        .filter(|r| [CHESTER, WREXHAM].contains(&r["LAD24CD"].as_str()))
        .map(|r| r["LSOA21CD"].clone())
        .chain(
            csv_rows(&reference.join(DATA_ZONE_LOOKUP))
                .into_iter()
                .filter(|r| r["ca_code"] == DUMFRIES_AND_GALLOWAY)
                .map(|r| r["dz11_code"].clone()),
        )
        .collect();
    let codes = dir.join("community.txt");
    std::fs::write(&codes, community.iter().map(|c| format!("{c}\n")).collect::<String>()).unwrap();
    let out = dir.join("gb");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    args.extend(gb_options(&reference));
    for (flag, file) in [
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--ethnic-group-population", "census2021-ts021-lsoa.csv"),
        ("--sex-population", "census2021-ts008-lsoa.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--by", "ethnic-group", "--by", "sex", "--community-codes"].map(Into::into));
    args.extend([codes.into(), "--no-store".into(), "-q".into(), "--out".into(), out.clone().into_os_string()]);
    anchormap_ok(args);

    // The hand count: staff whose area is in the community, by Code-Point Open's nation and their group.
    let own = own_deciles(&reference, dir, &postcodes);
    let points = code_point(&reference, &["ch", "ll", "dg"]);
    let in_community: std::collections::HashSet<&str> = community.iter().map(String::as_str).collect();
    let mut expected: HashMap<(&str, &str), f64> = HashMap::new();
    for (i, postcode) in postcodes.iter().enumerate() {
        let Some((_, _, code)) = own.get(postcode) else { continue };
        if !in_community.contains(code.as_str()) {
            continue;
        }
        let nation = nation_of(&points[postcode].country);
        let group = if ethnic[i % 8].is_empty() { "Not stated" } else { ethnic[i % 8] };
        for key in [(nation, group), (nation, "All staff")] {
            *expected.entry(key).or_default() += 1.0;
        }
    }
    let header = std::fs::read_to_string(out.join("gaps_by_ethnic_group.csv")).unwrap();
    assert!(header.starts_with("nation,ethnic_group,staff,staff_share,"), "{header}");
    let exact = csv_rows(&out.join("not-for-publication/gaps_by_ethnic_group.csv"));
    let nations: Vec<&str> = exact.iter().map(|r| r["nation"].as_str()).collect();
    let mut want = Vec::new();
    for nation in ["England", "Wales", "Scotland"] {
        want.extend(std::iter::repeat_n(nation, 9));
    }
    assert_eq!(nations, want, "England's rows, then Wales's, then Scotland's, side by side");
    for r in exact.iter().filter(|r| !["BME (all but White)", "All stated"].contains(&r["ethnic_group"].as_str())) {
        let key = (r["nation"].as_str(), r["ethnic_group"].as_str());
        let staff: f64 = r["staff"].parse().unwrap();
        assert_eq!(staff, expected.get(&key).copied().unwrap_or(0.0), "{key:?}: the hand count");
    }
    for nation in ["England", "Wales", "Scotland"] {
        assert!(expected[&(nation, "All staff")] >= 200.0, "{nation}: enough staff to compare");
    }
    let scottish: Vec<&HashMap<String, String>> = exact.iter().filter(|r| r["nation"] == "Scotland").collect();
    assert!(scottish.iter().all(|r| r["population"].is_empty()), "no census population for Scotland");

    // Women in each nation's part of the community: the hand sum of Census 2021 TS008.
    let ts008: HashMap<String, f64> = csv_rows(&reference.join("census2021-ts008-lsoa.csv"))
        .into_iter()
        .map(|r| (r["geography code"].clone(), r["Sex: Female; measures: Value"].parse().unwrap()))
        .collect();
    let sex = csv_rows(&out.join("gaps_by_sex.csv"));
    for (nation, prefix) in [("England", "E"), ("Wales", "W")] {
        let women: f64 = community.iter().filter(|c| c.starts_with(prefix)).map(|c| ts008[c]).sum();
        let row = sex.iter().find(|r| r["nation"] == nation && r["sex"] == "Female").unwrap();
        assert_eq!(row["population"].parse::<f64>().unwrap(), women, "{nation}'s women, by hand");
    }
    assert!(sex.iter().filter(|r| r["nation"] == "Scotland").all(|r| r["population"].is_empty()));

    let summary = json(&out.join("gaps_summary.json"));
    let demography = summary["demography"].as_array().unwrap();
    let parts: Vec<(&str, &str)> =
        demography.iter().map(|d| (d["dimension"].as_str().unwrap(), d["nation"].as_str().unwrap())).collect();
    assert_eq!(parts.len(), 6, "{parts:?}");
    let scotland = demography.iter().find(|d| d["nation"] == "Scotland").unwrap();
    assert!(scotland["note"].as_str().unwrap().contains("Scotland's Census 2022"), "{scotland}");
    assert!(scotland["population_file"].is_null());
    let decisions = summary["decisions"].to_string();
    assert!(decisions.contains("nation by nation") && decisions.contains("not in the reference data"), "{decisions}");
    let warnings = json(&out.join("not-for-publication/gaps_summary_exact.json"))["warnings"].to_string();
    assert!(warnings.contains("Scotland's census"), "the Scottish staff are said, not dropped: {warnings}");
    assert_protected(&out);
    let html = report_of(&out);
    assert!(html.contains("Ethnic group: Wales") && html.contains("Scotland&#x27;s Census 2022"), "the report");
    eprintln!("gaps demography across nations: {expected:?}; {:.1} s", started.elapsed().as_secs_f64());
}

/// The exact staff of a network folder's table `file` (`not-for-publication/`): every row's staff,
/// by the row's cells before `staff` (nation, index, class and any group).
fn exact_staff(folder: &Path, file: &str) -> Vec<(String, f64)> {
    let (headers, rows) = read_csv(&folder.join("not-for-publication").join(file));
    let staff = headers.iter().position(|h| h == "staff").unwrap();
    rows.iter().map(|r| (r[..staff].join("|"), r[staff].parse().unwrap())).collect()
}

/// Issue 30 for `anchormap network`: two partners whose staff live either side of the border (CH
/// and LL postcodes), the community Cheshire West and Chester with Wrexham, `--wimd`. Each folder's
/// exact decile table is the hand count (the area `geocode` gives each postcode, that area's decile
/// in its own nation's file, its nation the one Code-Point Open gives the postcode), England's rows
/// then Wales's; every pooled count (deciles, quintiles, band groups, within each nation) the sum
/// of the partners' exact counts; a headline per nation for each partner and the pool, the widest
/// difference said within each nation; the attacker's audit of the folder recovers no cell; the
/// report a row per nation; `--commute` with `--wimd` refused in one line.
#[test]
fn network_compares_each_nation_on_its_own_index_and_the_pool_is_the_partners_sum() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (dir, started) = (dir.path(), std::time::Instant::now());
    let staff = csv_rows(&staff_from_postcode_areas(&reference, dir, &["ch", "ll"], 5_000));
    let partners = ["Countess of Chester Hospital", "Wrexham University"];
    let mut list = String::from("employer,file\n");
    for (k, name) in partners.iter().enumerate() {
        let rows: String = staff
            .iter()
            .skip(k)
            .step_by(2)
            .map(|r| format!("{},{},{}\n", r["staff_id"], r["home_postcode"], r["band"]))
            .collect();
        std::fs::write(dir.join(format!("partner{k}.csv")), format!("staff_id,home_postcode,band\n{rows}")).unwrap();
        list.push_str(&format!("{name},partner{k}.csv\n"));
    }
    std::fs::write(dir.join("employers.csv"), list).unwrap();
    let out = dir.join("network");
    let args = |more: &[&str]| {
        let mut args: Vec<std::ffi::OsString> =
            vec!["network".into(), "--employers".into(), dir.join("employers.csv").into()];
        args.extend(gb_options(&reference)[..8].to_vec());
        for (flag, file) in
            [("--population", "census2021_lsoa21_age6_16to64.csv"), ("--community-lookup", LAD24_LOOKUP)]
        {
            args.extend([flag.into(), reference.join(file).into_os_string()]);
        }
        args.extend(["--community-filter".into(), format!("LAD24CD={CHESTER}|{WREXHAM}").into()]);
        args.extend(["--by", "band", "--no-store", "--out"].map(Into::into));
        args.push(out.clone().into());
        args.extend(more.iter().map(Into::into));
        args
    };
    let stderr = anchormap_ok(args(&[]));

    // The hand count: each partner's staff living in the community by nation and own decile.
    let postcodes: Vec<String> = staff.iter().map(|r| r["home_postcode"].clone()).collect();
    let own = own_deciles(&reference, dir, &postcodes);
    let points = code_point(&reference, &["ch", "ll"]);
    let community: std::collections::HashSet<String> = csv_rows(&reference.join(LAD24_LOOKUP))
        .into_iter()
        .filter(|r| [CHESTER, WREXHAM].contains(&r["LAD24CD"].as_str()))
        .map(|r| r["LSOA21CD"].clone())
        .collect();
    let mut expected: Vec<HashMap<(String, String), f64>> = vec![HashMap::new(); 2];
    for (i, postcode) in postcodes.iter().enumerate() {
        let Some((nation, decile, _)) = own.get(postcode).filter(|o| community.contains(&o.2)) else { continue };
        assert_eq!(nation, nation_of(&points[postcode].country), "{postcode}: in the nation Code-Point Open gives it");
        for key in [(nation.clone(), decile.clone()), (nation.clone(), "total".to_string())] {
            *expected[i % 2].entry(key).or_default() += 1.0;
        }
    }
    let summary = json(&out.join("network_summary.json"));
    let folders: Vec<PathBuf> =
        summary["partners"].as_array().unwrap().iter().map(|p| out.join(p["folder"].as_str().unwrap())).collect();
    let pool = out.join(summary["pool"]["folder"].as_str().unwrap());
    let classes: Vec<String> = (1..=10).map(|d| d.to_string()).chain(["total".to_string()]).collect();
    let want: Vec<String> = [("England", "IMD 2025"), ("Wales", "WIMD 2025")]
        .iter()
        .flat_map(|(n, i)| classes.iter().map(move |c| format!("{n}|{i}|{c}")))
        .collect();
    for (k, folder) in folders.iter().chain([&pool]).enumerate() {
        let rows = exact_staff(folder, "gaps_by_decile.csv");
        assert_eq!(rows.iter().map(|(key, _)| key.clone()).collect::<Vec<_>>(), want, "{}", folder.display());
        for (key, staff) in &rows {
            let parts: Vec<&str> = key.split('|').collect();
            let of = |e: &HashMap<(String, String), f64>| {
                e.get(&(parts[0].to_string(), parts[2].to_string())).copied().unwrap_or(0.0)
            };
            let hand = if k < 2 { of(&expected[k]) } else { of(&expected[0]) + of(&expected[1]) };
            assert_eq!(*staff, hand, "{}: {key}, the hand count", folder.display());
        }
    }
    for nation in ["England", "Wales"] {
        let key = (nation.to_string(), "total".to_string());
        let (a, b) = (expected[0][&key], expected[1][&key]);
        assert!(a >= 200.0 && b >= 200.0, "{nation}: {a} and {b} staff in the community, enough to compare");
        eprintln!("{nation}: {a} and {b} staff in the community, {} pooled", a + b);
    }
    // Every pooled count the sum of the partners' exact counts, within each nation.
    for file in
        ["gaps_by_decile.csv", "gaps_by_quintile.csv", "gaps_by_decile_by_band.csv", "gaps_by_quintile_by_band.csv"]
    {
        let pooled = exact_staff(&pool, file);
        let each: Vec<Vec<(String, f64)>> = folders.iter().map(|f| exact_staff(f, file)).collect();
        assert!(pooled.iter().any(|(key, _)| key.starts_with("Wales|WIMD 2025|")), "{file}: Wales's rows");
        for (r, (key, staff)) in pooled.iter().enumerate() {
            let sum: f64 = each
                .iter()
                .map(|rows| {
                    assert_eq!(&rows[r].0, key, "{file}");
                    rows[r].1
                })
                .sum();
            assert_eq!(*staff, sum, "{file}: {key}, the pool the partners' sum");
        }
    }
    let combined = std::fs::read_to_string(out.join("gaps_by_decile.csv")).unwrap();
    assert!(combined.starts_with("employer,nation,deprivation_index,deprivation_decile,staff,"), "{combined}");

    // The summary, the terminal and the report: each nation's headline, never pooled.
    for p in std::iter::once(&summary["pool"]).chain(summary["partners"].as_array().unwrap()) {
        let nations: Vec<&str> =
            p["by_nation"].as_array().unwrap().iter().map(|n| n["nation"].as_str().unwrap()).collect();
        assert_eq!(nations, ["England", "Wales"], "{p}");
        for n in p["by_nation"].as_array().unwrap() {
            let headline = n["headline"].as_str().unwrap();
            assert!(headline.starts_with(&format!("{}: ", n["nation"].as_str().unwrap())), "{headline}");
            assert!(stderr.contains(&format!("{}: {headline}", p["employer"].as_str().unwrap())), "{stderr}");
        }
    }
    assert!(summary["nations_not_pooled"].as_str().unwrap().contains("not pooled"), "{summary}");
    let widest = summary["widest_difference"].as_str().unwrap();
    assert!(widest.contains("England: ") && widest.contains("Wales: ") && widest.contains("WIMD 2025"), "{widest}");
    assert!(!stderr.contains("compares on England's IMD alone"), "the nations' files read: {stderr}");
    assert_protected(&out);
    let attack = anchormap(["audit".as_ref(), out.as_os_str()]);
    let said = String::from_utf8_lossy(&attack.stdout).into_owned() + &String::from_utf8_lossy(&attack.stderr);
    assert_eq!(attack.status.code(), Some(0), "{said}");
    assert!(!said.contains("left out") && said.contains("works no count back exactly"), "{said}");
    let html = report_of(&out);
    assert!(html.contains("Wales (WIMD 2025)") && html.contains("England (IMD 2025)"), "the report's rows");

    // Staff travel is not yet counted nation by nation in a network: refused, in one line.
    let sites = reference.join("hospital_sites.csv");
    let refused = anchormap(args(&["--force", "--commute", "--sites", sites.to_str().unwrap()]));
    let line = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert_eq!(refused.status.code(), Some(2), "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains("--commute") && line.contains("--wimd"), "{line}");
    eprintln!("network across nations: {:.1} s", started.elapsed().as_secs_f64());
}
