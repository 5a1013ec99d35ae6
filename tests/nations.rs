//! Great Britain on each nation's own index (IMD, WIMD, SIMD), on the real reference data (skipped, loudly, where it is absent).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use crate::national::{for_each_code_point_row, CODE_POINT};
use crate::util::*;

pub(crate) const LSOA21: &str = "LSOA_2021_EW_BSC_V4.geojson";
pub(crate) const IMD2025: &str = "File_1_IoD2025_Index_of_Multiple_Deprivation.csv";
pub(crate) const WIMD2025: &str = "wimd2025_lsoa21.csv";
const WIMD2019: &str = "wimd2019_lsoa11.csv";
pub(crate) const SIMD: &str = "simd2020_dz11.csv";
pub(crate) const DATA_ZONES: &str = "DZ_2011_Scotland_generalised.geojson";

/// Each area code's decile in a published table, read here independently of anchormap.
pub(crate) fn deciles(path: &Path, c: usize, d: usize) -> HashMap<String, String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(|r| r.unwrap()).map(|r| (r[c].to_string(), r[d].to_string())).collect()
}

/// The reference options of a Great Britain run on the 2021 geography.
pub(crate) fn gb_options(reference: &Path) -> Vec<std::ffi::OsString> {
    let mut options = Vec::new();
    for (flag, file) in [
        ("--postcodes", CODE_POINT),
        ("--boundaries", LSOA21),
        ("--deprivation", IMD2025),
        ("--wimd", WIMD2025),
        ("--simd", SIMD),
        ("--scotland-boundaries", DATA_ZONES),
    ] {
        options.push(flag.into());
        options.push(reference.join(file).into_os_string());
    }
    options
}

/// Every Code-Point Open postcode with coordinates in Scotland is placed in a data zone, and every
/// postcode's `deprivation_decile` is its own nation's file's decile for its area.
#[test]
fn every_gb_postcode_is_on_its_own_nations_index() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let input = dir.path().join("all_postcodes.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    writeln!(out, "postcode,country,pq").unwrap();
    for_each_code_point_row(&reference, |f| writeln!(out, "{},{},{}", f[0], f[4], f[1]).unwrap());
    writeln!(out, "BT1 1AA,,").unwrap();
    drop(out);
    let (output, summary) = (dir.path().join("geocoded.csv"), dir.path().join("summary.json"));
    let mut args: Vec<std::ffi::OsString> = vec!["geocode".into(), input.into_os_string()];
    args.extend(gb_options(&reference));
    args.extend(["-o".into(), output.clone().into_os_string(), "--summary-json".into(), summary.clone().into()]);
    let stderr = anchormap_ok(&args);
    assert!(stderr.contains("Northern Ireland (BT)"), "the NI note: {stderr}");

    // Code and decile columns: IoD2025 File 1's 1st and 6th, WIMD 2025's 1st and 6th, SIMD's 1st and 4th.
    let imd = deciles(&reference.join(IMD2025), 0, 5);
    let wimd = deciles(&reference.join(WIMD2025), 0, 5);
    let simd = deciles(&reference.join(SIMD), 0, 3);
    let mut reader = csv::Reader::from_path(&output).unwrap();
    let h: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (c_country, c_pq, c_area, c_match) = (col("country"), col("pq"), col("area_code"), col("match"));
    let (c_nation, c_index, c_decile, c_imd) =
        (col("nation"), col("deprivation_index"), col("deprivation_decile"), col("imd_decile"));
    let mut placed: HashMap<&str, (u64, u64, u64)> = HashMap::new();
    let mut nearest_max: f64 = 0.0;
    for r in reader.records() {
        let r = r.unwrap();
        if &r[c_pq] == "90" || r[c_country].is_empty() {
            continue;
        }
        let (area, status) = (&r[c_area], &r[c_match]);
        let (nation, index, table) = match &r[c_country] {
            "E92000001" => ("England", "IMD 2025", &imd),
            "W92000004" => ("Wales", "WIMD 2025", &wimd),
            "S92000003" => ("Scotland", "SIMD 2020v2", &simd),
            other => panic!("unexpected country {other}"),
        };
        let entry = placed.entry(nation).or_default();
        entry.0 += 1;
        if status == "within" || status == "nearest" {
            entry.1 += 1;
            if status == "nearest" && nation == "Scotland" {
                entry.2 += 1;
                nearest_max = nearest_max.max(r[col("distance_m")].parse::<f64>().unwrap());
            }
        }
        assert_eq!(&r[c_nation], nation, "{:?}", r);
        assert_eq!(&area[..1], &r[c_country][..1], "{:?} placed in another nation", r);
        assert_eq!(&r[c_index], index, "{:?}", r);
        assert_eq!(&r[c_decile], table[area].as_str(), "{:?}: its nation's decile", r);
        if nation != "England" {
            assert_eq!(&r[c_imd], "", "no English decile outside England: {:?}", r);
        } else {
            assert_eq!(&r[c_imd], &r[c_decile]);
        }
    }
    for (nation, (rows, within_or_nearest, nearest)) in &placed {
        eprintln!("{nation}: {within_or_nearest} of {rows} postcodes placed ({nearest} by the nearest zone)");
        assert_eq!(within_or_nearest, rows, "every {nation} postcode with coordinates is placed");
    }
    eprintln!("Scotland: furthest nearest-zone placement {nearest_max} m");
    assert_eq!(placed["Scotland"].0, 161_325);
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(summary["by_nation"]["Scotland"]["with_decile"], 161_325);
    assert_eq!(summary["nations"]["indices"][1]["index"], "SIMD 2020v2");
}

/// WIMD of one LSOA vintage with boundaries of the other, SIMD without the data zones, and one
/// nation's file given as another's are each refused in one line.
#[test]
fn a_nations_index_of_another_vintage_or_nation_is_refused() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "postcode\nCF10 1EP\n").unwrap();
    let run = |extra: &[(&str, &str)]| {
        let mut args: Vec<std::ffi::OsString> = vec!["geocode".into(), input.clone().into()];
        for (flag, file) in [("--postcodes", CODE_POINT), ("--boundaries", LSOA21)].iter().chain(extra) {
            args.push(flag.into());
            args.push(reference.join(file).into());
        }
        args.extend(["-o".into(), dir.path().join("out.csv").into()]);
        anchormap_err(&args)
    };
    let line = run(&[("--wimd", WIMD2019)]);
    assert!(line.contains("WIMD 2019 is on LSOA 2011 but the boundaries are LSOA 2021"), "{line}");
    let line = run(&[("--simd", SIMD)]);
    assert!(line.contains("--scotland-boundaries"), "{line}");
    let line = run(&[("--wimd", SIMD), ("--scotland-boundaries", DATA_ZONES)]);
    assert!(line.contains("SIMD 2020v2") && line.contains("--wimd"), "{line}");
}

/// Without Wales's or Scotland's files, geocode adds exactly the columns it always did.
#[test]
fn an_england_only_run_has_no_nation_columns() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "postcode\nCF10 1EP\nEH1 1YZ\n").unwrap();
    let output = dir.path().join("out.csv");
    anchormap_ok([
        "geocode".as_ref(),
        input.as_os_str(),
        "--postcodes".as_ref(),
        reference.join(CODE_POINT).as_os_str(),
        "--boundaries".as_ref(),
        reference.join(LSOA21).as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ]);
    let text = std::fs::read_to_string(&output).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("postcode,postcode_normalised,easting,northing,area_code,area_name,imd_decile,imd_rank,match,distance_m")
    );
}

/// A store prepared with Scotland's data zones gives the same rows as the files, and is used.
#[test]
fn a_store_prepared_with_scotlands_zones_gives_the_same_rows() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let input = dir.path().join("sample.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    writeln!(out, "postcode").unwrap();
    let mut n = 0;
    for_each_code_point_row(&reference, |f| {
        n += 1;
        if n % 97 == 0 {
            writeln!(out, "{}", f[0]).unwrap();
        }
    });
    drop(out);
    let store = dir.path().join("store");
    let mut prepare: Vec<std::ffi::OsString> = vec!["prepare".into(), "--store".into(), store.clone().into()];
    for (flag, file) in [("--postcodes", CODE_POINT), ("--boundaries", LSOA21), ("--scotland-boundaries", DATA_ZONES)] {
        prepare.push(flag.into());
        prepare.push(reference.join(file).into());
    }
    anchormap_ok(&prepare);
    let geocode = |store_flag: &[std::ffi::OsString], output: &Path| {
        let mut args: Vec<std::ffi::OsString> = vec!["geocode".into(), input.clone().into()];
        args.extend(gb_options(&reference));
        args.extend(store_flag.iter().cloned());
        args.extend(["-o".into(), output.as_os_str().to_owned()]);
        anchormap_ok(&args)
    };
    let (from_files, from_store) = (dir.path().join("files.csv"), dir.path().join("store.csv"));
    geocode(&["--no-store".into()], &from_files);
    let stderr = geocode(&["--store".into(), store.into()], &from_store);
    assert!(stderr.contains("the prepared store"), "the store is used: {stderr}");
    let (a, b) = (std::fs::read(&from_files).unwrap(), std::fs::read(&from_store).unwrap());
    assert!(a == b, "the same rows with and without the store");
    assert!(String::from_utf8(a).unwrap().contains(",Scotland,SIMD 2020v2,"));
}

/// `inspect` names the nations of a file's postcodes by postcode area, and only when any is outside England.
#[test]
fn inspect_names_the_nation_mix_of_a_files_postcodes() {
    let dir = temp_dir();
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(&mixed, "postcode,band\nWR5 1DD,5\nWR1 1AA,5\nEH1 1YZ,6\nCF10 1EP,7\nSY1 1AA,4\n").unwrap();
    let english = dir.path().join("english.csv");
    std::fs::write(&english, "postcode,band\nWR5 1DD,5\nWR1 1AA,5\n").unwrap();
    let out = anchormap(["inspect".as_ref(), mixed.as_os_str(), english.as_os_str()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = "by postcode area: England 2, England or Wales (border area) 1, Scotland 1, Wales 1";
    assert_eq!(text.matches(expected).count(), 1, "{text}");
    assert_eq!(text.matches("by postcode area").count(), 1, "an England-only file says nothing more: {text}");
}

/// An England-only community: gaps given Wales's and Scotland's files gives the same decile table
/// as without them, no nation column and no warning that the files were set aside.
#[test]
fn gaps_of_an_england_only_community_is_unchanged_by_the_nations_files() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = crate::national::synthetic_staff(&reference, dir.path(), 300);
    let files = [
        ("--deprivation", IMD2025),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"),
    ];
    let run = |out: &str, extra: &[(&str, &str)]| {
        let out = dir.path().join(out);
        let mut args = crate::national::gaps_2021(&reference, &staff, files, "icb24_code=E54000019", &out);
        for (flag, file) in extra {
            args.extend([flag.into(), reference.join(file).into_os_string()]);
        }
        args.push("--no-store".into());
        let stderr = anchormap_ok(args);
        let summary = std::fs::read_to_string(out.join("gaps_summary.json")).unwrap_or_default();
        (stderr + &summary, std::fs::read(out.join("gaps_by_decile.csv")).unwrap())
    };
    let (_, england) = run("england", &[]);
    let nations = [
        ("--wimd", WIMD2025),
        ("--simd", SIMD),
        ("--scotland-boundaries", DATA_ZONES),
        ("--data-zone-lookup", "dz11_iz11_ca_hb_lookup.csv"),
    ];
    let (stderr, gb) = run("gb", &nations);
    assert!(!stderr.contains("only so far") && !stderr.contains("by_nation"), "{stderr}");
    assert!(england == gb, "the same decile table");
    let area_table = |out: &str| std::fs::read(dir.path().join(out).join("gaps_by_area.csv")).unwrap();
    assert!(area_table("england") == area_table("gb"), "the same area table: no nations' names or places");
}

/// The LSOA 2021 to ward and district lookup: the community of the cross-border test by district.
pub(crate) const LAD24_LOOKUP: &str = "LSOA21_WD24_LAD24_EW_LU.csv";
/// Cheshire West and Chester (England) and Wrexham (Wales).
pub(crate) const CHESTER: &str = "E06000050";
pub(crate) const WREXHAM: &str = "W06000006";

/// `n` staff with home postcodes drawn (with replacement, fixed seed) from Code-Point Open's
/// postcode areas `areas` (e.g. CH and LL: Chester, Wirral, Deeside, Wrexham, North Wales).
pub(crate) fn staff_from_postcode_areas(reference: &Path, dir: &Path, areas: &[&str], n: usize) -> std::path::PathBuf {
    use std::io::BufRead;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(reference.join(CODE_POINT)).unwrap()).unwrap();
    let mut postcodes = Vec::new();
    for area in areas {
        let entry = zip.by_name(&format!("Data/CSV/{area}.csv")).unwrap();
        for line in std::io::BufReader::new(entry).lines() {
            let line = line.unwrap();
            let fields: Vec<&str> = line.split(',').map(|s| s.trim_matches('"')).collect();
            if fields[1] != "90" {
                postcodes.push(fields[0].to_string());
            }
        }
    }
    let mut state: u64 = 0x3030_C4E5_7E12_0006;
    let mut text = String::from("staff_id,home_postcode,band\n");
    for id in 0..n {
        // xorshift64*: the same sample on every machine.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        let postcode = &postcodes[(r % postcodes.len() as u64) as usize];
        text.push_str(&format!("{id},{postcode},Band {}\n", 2 + id % 7));
    }
    let path = dir.join("staff.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// A CSV's rows as maps from header to cell.
pub(crate) fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader.records().map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// Issue 30, item 3: a cross-border community, Cheshire West and Chester with Wrexham, on the LSOA
/// 2021 boundaries with IoD2025 and WIMD 2025: England's and Wales's rows side by side, each
/// nation's staff against that nation's community on its own index; each decile's population
/// the hand sum of Census 2021 16-64 over that nation's areas in it; the England-only run of the
/// same staff unchanged by `--wimd`, and its rows the England rows of the cross-border run; the
/// audit says protected.
#[test]
fn gaps_compares_each_nation_with_its_own_community_on_its_own_index() {
    let Some(reference) = reference_dir() else { return };
    let started = std::time::Instant::now();
    let dir = temp_dir();
    let staff = staff_from_postcode_areas(&reference, dir.path(), &["ch", "ll"], 5_000);
    let run = |out: &str, districts: &str, wimd: bool| {
        let out = dir.path().join(out);
        let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.clone().into()];
        let mut files = vec![
            ("--postcodes", CODE_POINT),
            ("--boundaries", LSOA21),
            ("--deprivation", IMD2025),
            ("--population", "census2021_lsoa21_age6_16to64.csv"),
            ("--community-lookup", LAD24_LOOKUP),
        ];
        if wimd {
            files.push(("--wimd", WIMD2025));
        }
        for (flag, file) in files {
            args.extend([flag.into(), reference.join(file).into_os_string()]);
        }
        args.extend(["--community-filter".into(), format!("LAD24CD={districts}").into(), "--by".into(), "band".into()]);
        args.extend(["--no-store".into(), "--out".into(), out.clone().into_os_string()]);
        let stderr = anchormap_ok(args);
        (out, stderr)
    };
    let (both, stderr) = run("both", &format!("{CHESTER}|{WREXHAM}"), true);
    let (chester_wimd, _) = run("chester_wimd", CHESTER, true);
    let (chester, _) = run("chester", CHESTER, false);

    // The hand sums, from the reference files alone: each community area's nation, decile and population.
    let lookup = csv_rows(&reference.join(LAD24_LOOKUP));
    let community: HashSet<&str> = lookup
        .iter()
        .filter(|r| [CHESTER, WREXHAM].contains(&r["LAD24CD"].as_str()))
        .map(|r| r["LSOA21CD"].as_str())
        .collect();
    let population: HashMap<String, f64> = csv_rows(&reference.join("census2021_lsoa21_age6_16to64.csv"))
        .into_iter()
        .map(|r| (r["lsoa21_code"].clone(), r["aged_16_to_64"].parse().unwrap()))
        .collect();
    let imd = deciles(&reference.join(IMD2025), 0, 5);
    let wimd = deciles(&reference.join(WIMD2025), 0, 5);
    let mut expected: HashMap<(&str, String), f64> = HashMap::new();
    for code in &community {
        let (nation, decile) = match &code[..1] {
            "E" => ("England", &imd[*code]),
            _ => ("Wales", &wimd[*code]),
        };
        *expected.entry((nation, decile.clone())).or_default() += population[*code];
        *expected.entry((nation, "total".to_string())).or_default() += population[*code];
    }

    let published = csv_rows(&both.join("gaps_by_decile.csv"));
    let exact = csv_rows(&both.join("not-for-publication/gaps_by_decile.csv"));
    let header = std::fs::read_to_string(both.join("gaps_by_decile.csv")).unwrap();
    assert!(header.starts_with("nation,deprivation_index,deprivation_decile,staff,"), "{header}");
    let order: Vec<(String, String, String)> = published
        .iter()
        .map(|r| (r["nation"].clone(), r["deprivation_index"].clone(), r["deprivation_decile"].clone()))
        .collect();
    let classes: Vec<String> = (1..=10).map(|d| d.to_string()).chain(["total".to_string()]).collect();
    let want: Vec<(String, String, String)> = [("England", "IMD 2025"), ("Wales", "WIMD 2025")]
        .iter()
        .flat_map(|(n, i)| classes.iter().map(move |c| (n.to_string(), i.to_string(), c.clone())))
        .collect();
    assert_eq!(order, want, "England's rows, then Wales's, side by side");
    for rows in [&published, &exact] {
        for r in rows.iter() {
            let key = (if r["nation"] == "England" { "England" } else { "Wales" }, r["deprivation_decile"].clone());
            let population: f64 = r["population"].parse().unwrap();
            assert_eq!(population, expected[&key], "{key:?}: the hand sum of the nation's areas in the decile");
        }
    }
    let mut staff_by_nation = HashMap::new();
    for nation in ["England", "Wales"] {
        let of = |rows: &[HashMap<String, String>]| -> Vec<HashMap<String, String>> {
            rows.iter().filter(|r| r["nation"] == nation).cloned().collect()
        };
        let (exact_rows, published_rows) = (of(&exact), of(&published));
        let share = |r: &HashMap<String, String>| r["staff_share"].parse::<f64>().unwrap_or(0.0);
        let shares: f64 = exact_rows[..10].iter().map(share).sum();
        assert!((shares - 1.0).abs() < 1e-3, "{nation}'s exact staff shares add up to {shares}");
        let population_shares: f64 =
            exact_rows[..10].iter().map(|r| r["population_share"].parse::<f64>().unwrap()).sum();
        assert!((population_shares - 1.0).abs() < 1e-3, "{nation}'s population shares add up to {population_shares}");
        let published_shares: f64 = published_rows[..10].iter().map(share).sum();
        assert!(published_shares <= 1.0 + 0.02, "{nation}'s published shares add up to {published_shares}");
        assert_eq!(published_rows[10]["staff_share"], "1.0000");
        let staff: f64 = exact_rows[10]["staff"].parse().unwrap();
        let deciles: f64 = exact_rows[..10].iter().map(|r| r["staff"].parse::<f64>().unwrap()).sum();
        assert_eq!(staff, deciles, "{nation}: the deciles add up to the nation's total");
        assert!(staff >= 300.0, "{nation}: {staff} staff, enough to compare");
        staff_by_nation.insert(nation, staff);
        eprintln!("{nation}: {staff} staff in the community (exact), published shares add up to {published_shares:.4}");
    }

    // The England-only run is the same with or without --wimd, and its rows are England's in the run across the border.
    for file in [
        "gaps_by_decile.csv",
        "gaps_by_quintile.csv",
        "gaps_by_area.csv",
        "gaps_by_decile_by_band.csv",
        "not-for-publication/gaps_by_decile.csv",
    ] {
        let (a, b) = (std::fs::read(chester_wimd.join(file)).unwrap(), std::fs::read(chester.join(file)).unwrap());
        assert!(a == b, "{file}: an England-only community is unchanged by --wimd");
    }
    for (file, rows) in [("gaps_by_decile.csv", &published), ("not-for-publication/gaps_by_decile.csv", &exact)] {
        let england_only = csv_rows(&chester.join(file));
        let england: Vec<&HashMap<String, String>> = rows.iter().filter(|r| r["nation"] == "England").collect();
        assert_eq!(england.len(), england_only.len());
        for (a, b) in england.iter().zip(&england_only) {
            assert_eq!(a["deprivation_decile"], b["imd_decile"]);
            for column in ["staff", "staff_share", "population", "population_share", "representation_ratio", "gap_pp"] {
                assert_eq!(a[column], b[column], "{file}, England decile {}: {column}", b["imd_decile"]);
            }
        }
    }

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(both.join("gaps_summary.json")).unwrap()).unwrap();
    let by_nation = summary["by_nation"].as_array().unwrap();
    assert_eq!(by_nation.iter().map(|n| n["nation"].as_str().unwrap()).collect::<Vec<_>>(), ["England", "Wales"]);
    for n in by_nation {
        let headline = n["headline"].as_str().unwrap();
        assert!(headline.starts_with(&format!("{}: ", n["nation"].as_str().unwrap())), "{headline}");
        assert!(headline.contains(n["index"].as_str().unwrap()), "{headline}");
    }
    assert!(summary["nations_not_pooled"].as_str().unwrap().contains("a Welsh decile 1"), "{summary}");
    assert!(stderr.contains("Wales: ") && stderr.contains("not pooled"), "{stderr}");
    let england_only: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(chester.join("gaps_summary.json")).unwrap()).unwrap();
    assert!(england_only.get("by_nation").is_none(), "no nations in an England-only run");
    assert_eq!(by_nation[0]["deciles_1_2_staff_share"], england_only["core20_staff_share"]);

    // Each nation's band groups on its own index add up to the nation's staff, decile by decile.
    let bands = csv_rows(&both.join("not-for-publication/gaps_by_decile_by_band.csv"));
    for r in &exact {
        let (nation, decile) = (&r["nation"], &r["deprivation_decile"]);
        let of = bands.iter().filter(|b| &b["nation"] == nation && &b["deprivation_decile"] == decile);
        let sum: f64 = of.map(|b| b["staff"].parse::<f64>().unwrap()).sum();
        assert_eq!(sum, r["staff"].parse::<f64>().unwrap(), "{nation} decile {decile}: the band groups add up");
    }
    assert!(bands.iter().any(|b| b["nation"] == "Wales" && b["band"] == "Bands 5-7"), "Wales's band rows");

    // Each area with its nation and its own nation's decile, beside England's IMD decile.
    let areas = csv_rows(&both.join("gaps_by_area.csv"));
    assert_eq!(areas.len(), community.len());
    for r in &areas {
        let code = r["area_code"].as_str();
        let (nation, index, decile, imd_decile) = match &code[..1] {
            "E" => ("England", "IMD 2025", &imd[code], imd[code].as_str()),
            _ => ("Wales", "WIMD 2025", &wimd[code], ""),
        };
        assert_eq!((r["nation"].as_str(), r["deprivation_index"].as_str()), (nation, index), "{code}");
        assert_eq!((&r["deprivation_decile"], r["imd_decile"].as_str()), (decile, imd_decile), "{code}");
    }

    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(both.join("disclosure_audit.json")).unwrap()).unwrap();
    assert_eq!(audit["systems"][0]["protected"], true, "{}", audit["summary"]);
    // The attacker's audit from the files reads every nation's tables (its sums within each
    // nation), and finds the run protected as its own audit did.
    let attack = anchormap(["audit".as_ref(), both.as_os_str()]);
    let said = String::from_utf8_lossy(&attack.stdout).into_owned() + &String::from_utf8_lossy(&attack.stderr);
    assert_eq!(attack.status.code(), Some(0), "{said}");
    assert!(!said.contains("left out"), "every table read: {said}");
    // A later run linked to one across nations is refused (--protect-with reads England's IMD tables only).
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.clone().into()];
    for (flag, file) in [
        ("--postcodes", CODE_POINT),
        ("--boundaries", LSOA21),
        ("--deprivation", IMD2025),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--community-lookup", LAD24_LOOKUP),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--community-filter".into(), format!("LAD24CD={CHESTER}").into(), "--no-store".into()]);
    args.extend(["--protect-with".into(), both.clone().into_os_string(), "--out".into()]);
    args.push(dir.path().join("linked").into());
    let output = anchormap(args);
    let line = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "a usage error: {line}");
    assert!(line.contains("--protect-with does not yet take a community across nations"), "{line}");
    eprintln!(
        "cross-border gaps: England {} and Wales {} staff; {} community areas; {:.1} s for the four runs (one refused)",
        staff_by_nation["England"],
        staff_by_nation["Wales"],
        community.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Issue 30, item 3, in Scotland: Cumberland (E06000063) with Dumfries and Galloway (S12000006),
/// given as a list of LSOA and data zone codes, staff from the CA and DG postcode areas: Scotland's
/// rows on SIMD 2020v2 beside England's, each decile's population the hand sum of SIMD's
/// working-age population over the council area's zones in it (stated in the summary); protected.
#[test]
fn gaps_compares_scotlands_staff_on_simd_with_its_working_age_population() {
    let Some(reference) = reference_dir() else { return };
    let started = std::time::Instant::now();
    let dir = temp_dir();
    let staff = staff_from_postcode_areas(&reference, dir.path(), &["ca", "dg"], 4_000);
    let lsoas: Vec<String> = csv_rows(&reference.join(LAD24_LOOKUP))
        .into_iter()
        .filter(|r| r["LAD24CD"] == "E06000063")
        .map(|r| r["LSOA21CD"].clone())
        .collect();
    let zones: Vec<String> = csv_rows(&reference.join("dz11_iz11_ca_hb_lookup.csv"))
        .into_iter()
        .filter(|r| r["ca_code"] == "S12000006")
        .map(|r| r["dz11_code"].clone())
        .collect();
    let codes = dir.path().join("community.txt");
    std::fs::write(&codes, lsoas.iter().chain(&zones).map(|c| format!("{c}\n")).collect::<String>()).unwrap();
    let out = dir.path().join("out");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    for (flag, file) in [
        ("--postcodes", CODE_POINT),
        ("--boundaries", LSOA21),
        ("--deprivation", IMD2025),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--simd", SIMD),
        ("--scotland-boundaries", DATA_ZONES),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--community-codes".into(), codes.into(), "--no-store".into(), "-q".into(), "--out".into()]);
    args.push(out.clone().into());
    anchormap_ok(args);

    let simd = csv_rows(&reference.join(SIMD));
    let simd: HashMap<&str, (&str, f64)> = simd
        .iter()
        .map(|r| {
            (r["dz11_code"].as_str(), (r["simd2020v2_decile"].as_str(), r["working_age_population"].parse().unwrap()))
        })
        .collect();
    let mut expected: HashMap<String, f64> = HashMap::new();
    for zone in &zones {
        let (decile, population) = simd[zone.as_str()];
        *expected.entry(decile.to_string()).or_default() += population;
        *expected.entry("total".to_string()).or_default() += population;
    }
    let rows = csv_rows(&out.join("not-for-publication/gaps_by_decile.csv"));
    let nations: Vec<&str> = rows.iter().map(|r| r["nation"].as_str()).collect();
    assert_eq!(nations, [["England"; 11], ["Scotland"; 11]].concat(), "England's rows, then Scotland's");
    let scotland: Vec<&HashMap<String, String>> = rows.iter().filter(|r| r["nation"] == "Scotland").collect();
    for r in &scotland {
        assert_eq!(r["deprivation_index"], "SIMD 2020v2");
        let population: f64 = r["population"].parse().unwrap();
        assert_eq!(population, expected[&r["deprivation_decile"]], "SIMD decile {}", r["deprivation_decile"]);
    }
    let shares: f64 = scotland[..10].iter().map(|r| r["staff_share"].parse::<f64>().unwrap_or(0.0)).sum();
    assert!((shares - 1.0).abs() < 1e-3, "Scotland's staff shares add up to {shares}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    let scotland_summary = &summary["by_nation"][1];
    assert_eq!(scotland_summary["nation"], "Scotland");
    assert_eq!(scotland_summary["areas"], zones.len());
    assert!(scotland_summary["population_of"].as_str().unwrap().contains("working_age_population"), "{summary}");
    assert!(summary["by_nation"][0]["population_of"].as_str().unwrap().contains("aged_16_to_64"), "{summary}");
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("disclosure_audit.json")).unwrap()).unwrap();
    assert_eq!(audit["systems"][0]["protected"], true, "{}", audit["summary"]);
    eprintln!(
        "Cumberland with Dumfries and Galloway: Scotland {} staff (exact) in {} zones, {} working-age; {:.1} s",
        scotland[10]["staff"],
        zones.len(),
        expected["total"],
        started.elapsed().as_secs_f64()
    );
}

/// Dumfries and Galloway: the Scottish council area beside Cumbria.
pub(crate) const DUMFRIES_AND_GALLOWAY: &str = "S12000006";
pub(crate) const DATA_ZONE_LOOKUP: &str = "dz11_iz11_ca_hb_lookup.csv";

/// A `gaps` run (folder `out` in `dir`) of a community across the three nations: Cheshire West
/// and Chester and Wrexham (LSOAs by district) with Dumfries and Galloway (data zones by council
/// area), given as a list of codes; 3,000 staff from the CH, LL and DG postcode areas; on every
/// nation's index, with the options `names`. Returns the folder and the community's codes.
pub(crate) fn gaps_across_three_nations(
    reference: &Path,
    dir: &Path,
    out: &str,
    names: &[(&str, &str)],
) -> (std::path::PathBuf, Vec<String>) {
    let staff = dir.join("staff.csv");
    if !staff.is_file() {
        staff_from_postcode_areas(reference, dir, &["ch", "ll", "dg"], 3_000);
    }
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
    let out = dir.join(out);
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    args.extend(gb_options(reference));
    args.extend(["--population".into(), reference.join("census2021_lsoa21_age6_16to64.csv").into()]);
    for (flag, file) in names {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--community-codes".into(), codes.into(), "--no-store".into(), "-q".into()]);
    args.extend(["--out".into(), out.clone().into_os_string()]);
    anchormap_ok(args);
    (out, community)
}

/// Issue 30, item 5: in a community across the three nations (Cheshire West and Chester, Wrexham,
/// Dumfries and Galloway), each area carries the name its own nation knows it by: a Welsh LSOA
/// WIMD 2025's descriptive name ("Acton 1 (Wrexham 023C)"), a Scottish data zone its name with its
/// intermediate zone, council area and health board (`--data-zone-lookup`), each checked against
/// the reference files read here; with the MSOA names too, a Welsh LSOA keeps WIMD's name and its
/// MSOA the House of Commons Library's; the report's map names them on hover.
#[test]
fn areas_across_nations_carry_each_nations_own_names() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let zone_rows = csv_rows(&reference.join(DATA_ZONE_LOOKUP));
    let zones: HashMap<&str, &HashMap<String, String>> =
        zone_rows.iter().map(|r| (r["dz11_code"].as_str(), r)).collect();
    let (named, community) =
        gaps_across_three_nations(&reference, dir.path(), "named", &[("--data-zone-lookup", DATA_ZONE_LOOKUP)]);
    let (with_msoas, _) = gaps_across_three_nations(
        &reference,
        dir.path(),
        "with_msoas",
        &[
            ("--data-zone-lookup", DATA_ZONE_LOOKUP),
            ("--msoa-lookup", "lsoa21_to_msoa21.csv"),
            ("--msoa-names", "MSOA-Names-2.2.csv"),
        ],
    );

    // The names, read here from the reference files.
    let wimd: HashMap<String, (String, String)> = csv_rows(&reference.join(WIMD2025))
        .into_iter()
        .map(|r| (r["lsoa21_code"].clone(), (r["wimd_lsoa_name"].clone(), r["lsoa21_name"].clone())))
        .collect();
    let msoa_of: HashMap<String, String> = csv_rows(&reference.join("lsoa21_to_msoa21.csv"))
        .into_iter()
        .map(|r| (r["LSOA21CD"].clone(), r["MSOA21CD"].clone()))
        .collect();
    let mut library = csv::Reader::from_path(reference.join("MSOA-Names-2.2.csv")).unwrap();
    let hcl = library.headers().unwrap().iter().position(|h| h == "msoa21hclnm").unwrap();
    let library: HashMap<String, String> =
        library.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[hcl].to_string())).collect();

    let rows = csv_rows(&named.join("gaps_by_area.csv"));
    let header = std::fs::read_to_string(named.join("gaps_by_area.csv")).unwrap();
    assert!(
        header.starts_with(
            "area_code,area_name,neighbourhood,intermediate_zone_code,intermediate_zone_name,council_area,health_board,imd_decile,nation,"
        ),
        "{}",
        header.lines().next().unwrap()
    );
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        let code = r["area_code"].as_str();
        let zone_cells =
            [&r["intermediate_zone_code"], &r["intermediate_zone_name"], &r["council_area"], &r["health_board"]];
        match r["nation"].as_str() {
            "Wales" => {
                let (wimd_name, ons_name) = &wimd[code];
                assert_eq!(r["area_name"], *ons_name, "{code}");
                assert_eq!(r["neighbourhood"], format!("{wimd_name} ({ons_name})"), "{code}: WIMD's name first");
                assert!(zone_cells.iter().all(|c| c.is_empty()), "{code}: no data zone places in Wales");
            }
            "Scotland" => {
                let zone = zones[code];
                assert_eq!((&r["area_name"], &r["neighbourhood"]), (&zone["dz11_name"], &zone["dz11_name"]), "{code}");
                let want = [&zone["iz11_code"], &zone["iz11_name"], &zone["ca_name"], &zone["hb_name"]];
                assert_eq!(zone_cells, want, "{code}: its intermediate zone, council area and health board");
                assert_eq!(zone["ca_name"], "Dumfries and Galloway");
            }
            "England" => {
                assert_eq!(r["neighbourhood"], r["area_name"], "{code}: England's areas by their own names");
                assert!(zone_cells.iter().all(|c| c.is_empty()), "{code}");
            }
            other => panic!("{code}: nation {other:?}"),
        }
        *seen.entry(r["nation"].as_str()).or_default() += 1;
    }
    assert_eq!(rows.len(), community.len(), "every community area has a row");
    assert!(seen["Wales"] > 50 && seen["Scotland"] > 100 && seen["England"] > 100, "{seen:?}");

    // With the MSOA names: Wales keeps WIMD's name for the LSOA, its MSOA the House of Commons Library's.
    for r in csv_rows(&with_msoas.join("gaps_by_area.csv")) {
        let code = r["area_code"].as_str();
        match r["nation"].as_str() {
            "Wales" => {
                let (wimd_name, ons_name) = &wimd[code];
                assert_eq!(r["neighbourhood"], format!("{wimd_name} ({ons_name})"), "{code}");
                assert_eq!(r["msoa_code"], msoa_of[code], "{code}");
                assert_eq!(r["msoa_name"], library[&msoa_of[code]], "{code}");
            }
            "England" => {
                let msoa = &library[&msoa_of[code]];
                assert_eq!(r["neighbourhood"], format!("{msoa} ({})", r["area_name"]), "{code}");
            }
            _ => assert_eq!(r["intermediate_zone_name"], zones[code]["iz11_name"], "{code}"),
        }
    }

    // The layer a map reads, and the report's map on hover.
    let layer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(named.join("gaps_by_area.geojson")).unwrap()).unwrap();
    let welsh = rows.iter().find(|r| r["nation"] == "Wales").unwrap();
    let feature = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["area_code"] == welsh["area_code"].as_str())
        .unwrap();
    assert_eq!(feature["properties"]["neighbourhood"], welsh["neighbourhood"].as_str());
    let report = dir.path().join("report.html");
    anchormap_ok([
        "report".as_ref(),
        "--from".as_ref(),
        named.as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    let scottish = rows.iter().find(|r| r["nation"] == "Scotland").unwrap();
    for r in [welsh, scottish] {
        let label = format!("{} {}", r["neighbourhood"], r["area_code"]);
        assert!(html.contains(&label), "the report's map names {label:?} on hover");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(named.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["data_zone_names"]["file"], DATA_ZONE_LOOKUP, "{summary}");
}

/// `emissions` with the nations' files: the appointments' postcodes written to `dir/NAME.csv`
/// (each at `site`), the run in `dir/NAME`; `nations` adds `--wimd`, `--simd` and the data zones.
fn emissions_run(
    reference: &Path,
    dir: &Path,
    name: &str,
    appointments: &[(String, &str)],
    nations: bool,
) -> std::path::PathBuf {
    let file = dir.join(format!("{name}.csv"));
    let text: String = appointments.iter().map(|(postcode, site)| format!("{postcode},{site},01\n")).collect();
    std::fs::write(&file, format!("postcode,site,mode\n{text}")).unwrap();
    let out = dir.join(name);
    let mut args: Vec<std::ffi::OsString> = vec!["emissions".into(), "--appointments".into(), file.into()];
    let options = if nations { gb_options(reference) } else { gb_options(reference)[..6].to_vec() };
    args.extend(options);
    for (flag, file) in [("--sites", "hospital_sites.csv"), ("--population", "census2021_lsoa21_age6_16to64.csv")] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--population-columns", "population=total_sum_of_cells", "--shift-to-virtual", "0.2"].map(Into::into));
    args.extend(["--shift-applies-to", "all", "--no-store", "-q", "--out"].map(Into::into));
    args.push(out.clone().into());
    anchormap_ok(args);
    out
}

/// Issue 30, item 3, for `emissions`: patients from Chester, Wrexham and North Wales at the
/// Countess of Chester, and from Dumfries and Galloway at Carlisle. Each nation's appointments
/// are counted on the deciles of its own index: the exact table's counts by nation and decile are
/// the hand count of the appointments by the nation and decile `geocode` gives each postcode
/// (checked against the nations' files in the national test); England's rows are the England-IMD
/// run's; the summary has a headline per nation and no pooled deciles-1-2 share; an England-only
/// file of patients is unchanged by the nations' files; the report shows each nation's rows.
#[test]
fn emissions_counts_each_nations_patients_on_its_own_index() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (dir, started) = (dir.path(), std::time::Instant::now());
    let patients = csv_rows(&staff_from_postcode_areas(&reference, dir, &["ch", "ll", "dg"], 4_000));
    let appointments: Vec<(String, &str)> = patients
        .iter()
        .map(|r| {
            let postcode = r["home_postcode"].clone();
            let site = if postcode.starts_with("DG") { "CU" } else { "CH" };
            (postcode, site)
        })
        .collect();
    let gb = emissions_run(&reference, dir, "gb", &appointments, true);
    let imd_only = emissions_run(&reference, dir, "imd_only", &appointments, false);

    // Each postcode's nation and own decile, by geocode on the same reference files.
    let input = dir.join("postcodes.csv");
    let postcodes: String = appointments.iter().map(|(p, _)| format!("{p}\n")).collect();
    std::fs::write(&input, format!("postcode\n{postcodes}")).unwrap();
    let geocoded = dir.join("geocoded.csv");
    let mut args: Vec<std::ffi::OsString> = vec!["geocode".into(), input.into()];
    args.extend(gb_options(&reference));
    args.extend(["-q".into(), "-o".into(), geocoded.clone().into()]);
    anchormap_ok(args);
    let mut expected: HashMap<(String, String), f64> = HashMap::new();
    for r in csv_rows(&geocoded) {
        let key = match r["deprivation_decile"].as_str() {
            "" => (String::new(), "none".to_string()),
            decile => (r["nation"].clone(), decile.to_string()),
        };
        *expected.entry(key.clone()).or_default() += 1.0;
        if !key.0.is_empty() {
            *expected.entry((key.0, "total".to_string())).or_default() += 1.0;
        }
        *expected.entry((String::new(), "total".to_string())).or_default() += 1.0;
    }
    let exact = csv_rows(&gb.join("not-for-publication/emissions_by_decile.csv"));
    let header = std::fs::read_to_string(gb.join("emissions_by_decile.csv")).unwrap();
    assert!(header.starts_with("nation,deprivation_index,deprivation_decile,population,"), "{header}");
    let order: Vec<(&str, &str)> =
        exact.iter().map(|r| (r["nation"].as_str(), r["deprivation_index"].as_str())).collect();
    let mut want: Vec<(&str, &str)> = Vec::new();
    for nation in [("England", "IMD 2025"), ("Wales", "WIMD 2025"), ("Scotland", "SIMD 2020v2")] {
        want.extend(std::iter::repeat_n(nation, 11));
    }
    want.extend([("", ""), ("", "")]);
    assert_eq!(order, want, "England's rows, then Wales's, then Scotland's, then none and the total");
    for r in &exact {
        let key = (r["nation"].clone(), r["deprivation_decile"].clone());
        let appointments: f64 = r["appointments"].parse().unwrap();
        assert_eq!(appointments, expected.get(&key).copied().unwrap_or(0.0), "{key:?}: the hand count");
    }
    // England's deciles are the England-IMD run's, row for row; that run counts Wales and Scotland as `none`.
    let england_only = csv_rows(&imd_only.join("not-for-publication/emissions_by_decile.csv"));
    for (a, b) in exact[..10].iter().zip(&england_only[..10]) {
        assert_eq!(
            (a["deprivation_decile"].as_str(), &a["appointments"], &a["kgco2e"]),
            (b["imd_decile"].as_str(), &b["appointments"], &b["kgco2e"])
        );
    }
    let none: f64 = england_only[10]["appointments"].parse().unwrap();
    let elsewhere = ["Wales", "Scotland"].map(|n| expected[&(n.to_string(), "total".to_string())]).iter().sum::<f64>();
    assert_eq!(none, elsewhere + expected.get(&(String::new(), "none".into())).copied().unwrap_or(0.0));

    // Published: each nation's deciles within its total; shares within the nation.
    let published = csv_rows(&gb.join("emissions_by_decile.csv"));
    for nation in ["England", "Wales", "Scotland"] {
        let rows: Vec<&HashMap<String, String>> = published.iter().filter(|r| r["nation"] == nation).collect();
        let total: f64 = rows[10]["appointments"].parse().unwrap();
        let deciles: f64 = rows[..10].iter().filter_map(|r| r["appointments"].parse::<f64>().ok()).sum();
        assert!(deciles <= total + 10.0 * 5.0, "{nation}: {deciles} in deciles against {total}");
        let shares: f64 = rows[..10].iter().filter_map(|r| r["share_of_kgco2e"].parse::<f64>().ok()).sum();
        assert!(
            (shares - 1.0).abs() < 0.02,
            "{nation}: kg shares within the nation add up to {shares} (rounded counts)"
        );
        assert_eq!(rows[10]["share_of_kgco2e"], "1.0000");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gb.join("emissions_summary.json")).unwrap()).unwrap();
    let by_nation = summary["by_nation"].as_array().unwrap();
    let nations: Vec<&str> = by_nation.iter().map(|n| n["nation"].as_str().unwrap()).collect();
    assert_eq!(nations, ["England", "Wales", "Scotland"]);
    for n in by_nation {
        let headline = n["headline"].as_str().unwrap();
        assert!(headline.starts_with(&format!("{}: ", n["nation"].as_str().unwrap())), "{headline}");
        assert!(headline.contains(&format!("{} deciles 1-2", n["index"].as_str().unwrap())), "{headline}");
    }
    assert!(summary["nations_not_pooled"].as_str().unwrap().contains("not pooled"), "{summary}");
    assert!(summary["scenario"]["share_of_saving_to_deciles_1_2"].is_null(), "no share pooled across nations");
    let layer = std::fs::read_to_string(gb.join("emissions_by_area.geojson")).unwrap();
    assert!(layer.contains("\"deprivation_index\":\"WIMD 2025\""), "the area layer says each area's own index");

    // An England-only file of patients: the same tables with or without the nations' files.
    std::fs::create_dir_all(dir.join("wr_staff")).unwrap();
    let worcester: Vec<(String, &str)> =
        csv_rows(&staff_from_postcode_areas(&reference, &dir.join("wr_staff"), &["wr"], 500))
            .into_iter()
            .map(|r| (r["home_postcode"].clone(), "WR"))
            .collect();
    let (with, without) = (
        emissions_run(&reference, dir, "wr_gb", &worcester, true),
        emissions_run(&reference, dir, "wr", &worcester, false),
    );
    for file in [
        "emissions_by_decile.csv",
        "emissions_by_area.csv",
        "emissions_by_site.csv",
        "not-for-publication/emissions_by_decile.csv",
    ] {
        assert!(std::fs::read(with.join(file)).unwrap() == std::fs::read(without.join(file)).unwrap(), "{file}");
    }
    let report = dir.join("report.html");
    anchormap_ok([
        "report".as_ref(),
        "--from".as_ref(),
        gb.as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Patient travel by decile of each nation") && html.contains("WIMD 2025 deciles 1-2"));
    eprintln!(
        "emissions across nations: {} appointments, {:?}; {:.1} s",
        appointments.len(),
        nations,
        started.elapsed().as_secs_f64()
    );
}
