//! `anchormap commute` (issue 27): trips, km and kg by hand on a small fixture, the census split reproduced, bad input, and a run on national data.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::util::*;

/// The fixture's reference data (LSOA 2011 test areas) and sites.
fn commute_args(staff: &Path, out: &Path, extra: &[&str]) -> Vec<OsString> {
    let line = Line::new("commute").arg("--staff", staff).fixtures(&FIXTURE_REFERENCE[..4]);
    line.out(out).args(extra).into()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn exact(out: &Path) -> serde_json::Value {
    json(&out.join("not-for-publication/commute_summary_exact.json"))
}

fn cell(path: &Path, key: &str, column: &str) -> String {
    let (headers, rows) = read_csv(path);
    let c = headers.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
    rows.iter().find(|r| r[0] == key).unwrap_or_else(|| panic!("no row {key}"))[c].clone()
}

/// Car at 0.2 and bus at 0.1 kg CO2e per km.
fn two_factors(dir: &Path) -> PathBuf {
    write(dir, "factors.csv", "mode,kgco2e_per_km\ncar,0.2\nbus,0.1\n")
}

/// Site S1 is at (400500, 301000). A (XX1 1AA, 400500 300500) and B (XX1 1AE, 400500 301500) live
/// 500 m from it, C (XX1 1AJ, 400500 297000) 4,000 m. Half by car (0.2 kg/km), half by bus (0.1),
/// circuity 1; 260 working days less 35 of leave = 225 days; clerical staff 3 days a week.
#[test]
fn hand_computed_trips_km_and_kg_to_the_gram() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Employee Number,Home Postcode,Staff Group,Pay Band,Contracted Wte\n\
         1,XX1 1AA,Nursing and Midwifery Registered,Band 5,1.0\n\
         2,XX1 1AE,Administrative and Clerical,Band 3,0.5\n\
         3,XX1 1AJ,Nursing and Midwifery Registered,Band 6,0.8\n",
    );
    let factors = two_factors(dir.path());
    let out = dir.path().join("out");
    let extra = ["--site", "S1", "--mode-share", "car=0.5,bus=0.5", "--factors", factors.to_str().unwrap()];
    let more = ["--circuity", "1", "--days-on-site", "3", "--min-count", "0", "--round-to", "1"];
    anchormap_ok(commute_args(&staff, &out, &[&extra[..], &more[..]].concat()));
    let e = exact(&out);
    let number = |key: &str| e[key].as_f64().unwrap_or_else(|| panic!("{key}: {}", e[key]));
    // Trips: A 1.0 x 225 = 225; B 0.5 x 225 x 3/5 = 67.5; C 0.8 x 225 = 180.
    assert_eq!(e["assumptions"]["trips_per_wte_year"], 225.0);
    assert!((number("trips_total") - 472.5).abs() < 1e-9, "{}", e["trips_total"]);
    // km: 225 x 1 + 67.5 x 1 + 180 x 8 = 1,732.5.
    assert!((number("km_total") - 1732.5).abs() < 1e-9, "{}", e["km_total"]);
    // kg: 1,732.5 km x (0.5 x 0.2 + 0.5 x 0.1) = 259.875 kg, to the gram.
    assert!((number("kgco2e_total") - 259.875).abs() < 0.0005, "{}", e["kgco2e_total"]);
    // Hours: one-way car minutes 9.5 + 1.04 x straight km, bus 1.8 x car (blend 1.4), both ways.
    let hours = (225.0 + 67.5) * 2.0 * (9.5 + 0.52) * 1.4 / 60.0 + 180.0 * 2.0 * (9.5 + 4.16) * 1.4 / 60.0;
    assert!((number("hours_total") - hours).abs() < 1e-6, "{} vs {hours}", e["hours_total"]);
    let cost = 1732.5 * 0.5 / 1.609_344 * 0.45;
    assert!((number("cost_gbp_total") - cost).abs() < 1e-6);
    assert_eq!(e["staff_placed"], 3);
    // The tables, exact under --round-to 1 --min-count 0, reconcile with the summary.
    let s = json(&out.join("commute_summary.json"));
    assert_eq!(s["staff_total"], 3.0);
    assert_eq!(s["kgco2e_total"], 259.9);
    assert_eq!(cell(&out.join("commute_by_site.csv"), "S1", "kgco2e"), "259.9");
    assert_eq!(cell(&out.join("commute_by_site.csv"), "S1", "trips"), "472", "472.5, to even");
    assert_eq!(cell(&out.join("commute_by_band.csv"), "Bands 1-4", "km"), "68");
    assert_eq!(cell(&out.join("commute_by_band.csv"), "Bands 5-7", "staff"), "2");
    assert_eq!(cell(&out.join("commute_by_decile.csv"), "total", "km"), "1732");
    assert_eq!(cell(&out.join("commute_by_staff_group.csv"), "Administrative and Clerical", "trips"), "68");
    // The equity lens: B's year of car miles per WTE over Band 2's entry pay (Agenda for Change 2025/26).
    let (headers, rows) = read_csv(&out.join("commute_by_decile_band.csv"));
    let column = |c: &str| headers.iter().position(|h| h == c).unwrap();
    let (band, staff, share) = (column("band_group"), column("staff"), column("cost_share_of_pay"));
    let b = rows.iter().find(|r| r[band] == "Bands 1-4" && r[staff] == "1").expect("B's row");
    let expected = 67.5 * 0.5 / 1.609_344 * 0.45 / 0.5 / 24_465.0;
    assert_eq!(b[share], format!("{expected:.4}"));
    assert_eq!(rows.iter().map(|r| r[staff].parse::<f64>().unwrap()).sum::<f64>(), 3.0);
    let (low, high) = (number_at(&e["kgco2e_range"]["low"]), number_at(&e["kgco2e_range"]["high"]));
    // Circuity 1 and half by car already: the low estimate is the central one.
    assert!(low <= 259.875 + 1e-9 && 259.875 < high, "{low} {high}");
    for file in published_files(&out) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!text.contains("XX1 1A"), "{} holds a postcode", file.display());
    }
    assert!(out.join("disclosure_audit.json").is_file());
    // The board report's section, from the published summary and tables.
    let html = report_of(&out);
    assert!(html.contains("How our staff get to work") && html.contains("Staff travel to work by band group"));
}

/// Census 2021 TS058 (distance travelled to work, Nomis bulk layout) for the fixture's areas.
fn distance_travelled(dir: &Path) -> PathBuf {
    let bands = ["Less than 2km", "2km to less than 5km", "5km to less than 10km", "10km to less than 20km"];
    let more = ["20km to less than 30km", "30km to less than 40km", "40km to less than 60km", "60km and over"];
    let mut text = String::from("date,geography,geography code,Distance travelled to work: Total: All usual residents");
    for band in bands.iter().chain(&more) {
        text.push_str(&format!(",Distance travelled to work: {band}"));
    }
    text.push_str(",Distance travelled to work: Works mainly from home\n");
    // Per area: total, 8 bands, from home (left out of the shares).
    for (code, counts) in [
        ("E01900001", "100,10,30,0,0,0,0,0,0,60"),
        ("E01900002", "100,0,0,20,20,0,0,0,0,60"),
        ("E01900003", "100,40,40,0,0,0,0,0,0,20"),
        ("E01900004", "100,25,25,25,25,0,0,0,0,0"),
        ("E01900005", "100,0,0,0,0,0,0,50,50,0"),
    ] {
        text.push_str(&format!("2021,{code},{code},{counts}\n"));
    }
    write(dir, "ts058.csv", &text)
}

/// Staff by straight-line distance in TS058's bands: A and B 500 m from S1 (under 2 km), C 4 km
/// (2 to 5 km); beside them the census's share for workers living in the same areas, each area
/// weighed by its published staff, among those who travel (from home left out).
#[test]
fn staff_distances_stand_beside_census_ts058_for_workers_living_where_they_live() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Employee Number,Home Postcode,Staff Group,Pay Band\n1,XX1 1AA,Nursing,Band 5\n2,XX1 1AE,Nursing,Band 3\n3,XX1 1AJ,Nursing,Band 6\n",
    );
    let (out, ts058) = (dir.path().join("out"), distance_travelled(dir.path()));
    let extra =
        ["--site", "S1", "--min-count", "0", "--round-to", "1", "--distance-travelled", ts058.to_str().unwrap()];
    anchormap_ok(commute_args(&staff, &out, &extra));
    let table = out.join("commute_by_distance.csv");
    assert_eq!(cell(&table, "Less than 2 km", "staff"), "2");
    assert_eq!(cell(&table, "2 km to less than 5 km", "staff"), "1");
    assert_eq!(cell(&table, "60 km and over", "staff"), "0");
    assert_eq!(cell(&table, "total", "staff"), "3");
    assert_eq!(cell(&table, "Less than 2 km", "staff_share"), "0.6667");
    // The census beside them, by hand from the areas staff live in as published.
    let (headers, rows) = read_csv(&out.join("commute_by_area.csv"));
    let staff_column = headers.iter().position(|h| h == "staff").unwrap();
    let shares = |code: &str| -> [f64; 2] {
        let travel: [[f64; 2]; 5] = [[0.25, 0.75], [0.0, 0.0], [0.5, 0.5], [0.25, 0.25], [0.0, 0.0]];
        travel[code[8..].parse::<usize>().unwrap() - 1]
    };
    let (mut weighted, mut weight) = ([0.0; 2], 0.0);
    for row in rows.iter().filter(|r| r[0].starts_with("E019")) {
        let staff: f64 = row[staff_column].parse().unwrap();
        let s = shares(&row[0]);
        (weighted[0], weighted[1], weight) = (weighted[0] + staff * s[0], weighted[1] + staff * s[1], weight + staff);
    }
    assert!(weight == 2.0, "A and B live in fixture areas, C outside them (no census): {rows:?}");
    assert_eq!(cell(&table, "Less than 2 km", "census_workers_share"), format!("{:.4}", weighted[0] / weight));
    assert_eq!(cell(&table, "2 km to less than 5 km", "census_workers_share"), format!("{:.4}", weighted[1] / weight));
    assert_eq!(cell(&table, "total", "census_workers_share"), "1.0000");
    // Without TS058 the table has the staff alone.
    let alone = dir.path().join("alone");
    anchormap_ok(commute_args(&staff, &alone, &extra[..6]));
    let (headers, _) = read_csv(&alone.join("commute_by_distance.csv"));
    assert!(!headers.contains(&"census_workers_share".to_string()), "{headers:?}");
}

fn number_at(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// TS061 for the fixture's LSOA 2011 areas (the code column names its vintage).
const TS061: &str = "date,geography,lsoa11cd,Method of travel to workplace: Total: All usual residents aged 16 years and over in employment the week before the census,\
Method of travel to workplace: Work mainly at or from home,\"Method of travel to workplace: Underground, metro, light rail, tram\",Method of travel to workplace: Train,\
\"Method of travel to workplace: Bus, minibus or coach\",Method of travel to workplace: Taxi,\"Method of travel to workplace: Motorcycle, scooter or moped\",\
Method of travel to workplace: Driving a car or van,Method of travel to workplace: Passenger in a car or van,Method of travel to workplace: Bicycle,\
Method of travel to workplace: On foot,Method of travel to workplace: Other method of travel to work\n\
2021,Testtown 001A,E01900001,1000,300,0,20,80,10,10,400,50,30,90,10\n\
2021,Testtown 001B,E01900002,500,100,0,0,100,0,0,250,0,0,40,10\n";

/// Every one of the 690 people of E01900001 who travel to work, as staff: the trips by mode of the
/// run are TS061's shares of that area among those who travel (home working and "other" left out).
#[test]
fn the_split_used_is_the_areas_census_split_renormalised() {
    let dir = temp_dir();
    let mut text = String::from("staff_id,home_postcode,staff_group,site_code\n");
    for i in 0..690 {
        text.push_str(&format!("{i},XX1 1AA,Nursing,S1\n"));
    }
    let staff = write(dir.path(), "staff.csv", &text);
    let ts061 = write(dir.path(), "ts061.csv", TS061);
    let out = dir.path().join("out");
    anchormap_ok(commute_args(&staff, &out, &["--travel-to-work", ts061.to_str().unwrap()]));
    let e = exact(&out);
    let trips = number_at(&e["trips_total"]);
    assert!((trips - 690.0 * 225.0).abs() < 1e-6);
    let travellers = 690.0;
    for (mode, count) in [
        ("car", 400.0),
        ("car_passenger", 50.0),
        ("bus", 80.0),
        ("rail", 20.0),
        ("tram", 0.0),
        ("taxi", 10.0),
        ("motorbike", 10.0),
        ("walk_cycle", 120.0),
    ] {
        let share = number_at(&e["trips_by_mode"][mode]) / trips;
        assert!((share - count / travellers).abs() < 1e-12, "{mode}: {share} vs {}", count / travellers);
    }
    assert_eq!(e["staff_by_split"]["census_travel_to_work_of_home_area"], 690);
    // Kept, the 300 of 990 working from home make no trip.
    let kept = dir.path().join("kept");
    let args = ["--travel-to-work", ts061.to_str().unwrap(), "--keep-census-home-working"];
    anchormap_ok(commute_args(&staff, &kept, &args));
    let kept_trips = number_at(&exact(&kept)["trips_total"]);
    assert!((kept_trips - 690.0 * 225.0 * (1.0 - 300.0 / 990.0)).abs() < 1e-6, "{kept_trips}");
}

#[test]
fn no_site_column_and_several_sites_stops_naming_the_flags() {
    let dir = temp_dir();
    let staff = write(dir.path(), "staff.csv", "staff_id,home_postcode\n1,XX1 1AA\n");
    let err = anchormap_err(commute_args(&staff, &dir.path().join("out"), &[]));
    assert!(err.contains("--site CODE") && err.contains("--staff-columns site=HEADER"), "{err}");
    assert!(!dir.path().join("out").exists());
    let wrong = anchormap(commute_args(&staff, &dir.path().join("out"), &["--site", "NOPE"]));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(2), "a usage error: {stderr}");
    assert!(stderr.trim().lines().count() == 1 && stderr.contains("--site NOPE is not a site"), "{stderr}");
}

/// Sites by code, name or alias; unknown names listed with counts (loud above 5%) and never
/// published; WTE outside 0-1.5 capped, and not read taken as 1, each counted.
#[test]
fn unknown_sites_are_listed_and_wte_is_capped() {
    let dir = temp_dir();
    let sites = write(
        dir.path(),
        "sites.csv",
        "site_code,site_name,easting,northing,aliases\nS1,Testtown General,400500,301000,TGH|Testtown Gen\nS2,Other,402500,300500,\n",
    );
    let staff = write(
        dir.path(),
        "staff.csv",
        "Home Postcode,Location,Contracted Wte\nXX1 1AA,S1,1\nXX1 1AB,testtown general,2.5\nXX1 1AD,TGH,-1\n\
         XX1 1AE,Mars Base,1\nXX1 1AF,Mars Base,abc\nXX1 1AH,,1\nXX1 1AA,Testtown Gen,0.6\nXX1 1ZZ,S1,1\n",
    );
    let out = dir.path().join("out");
    let mut args = commute_args(&staff, &out, &["--min-count", "0", "--round-to", "1"]);
    let at = args.iter().position(|a| a == "--sites").unwrap();
    args[at + 1] = sites.into();
    let out_run = anchormap(&args);
    let stderr = String::from_utf8_lossy(&out_run.stderr);
    assert!(out_run.status.success(), "{stderr}");
    assert!(stderr.contains("MORE THAN 5% OF STAFF NOT PLACED") && stderr.contains("'Mars Base' (2)"), "{stderr}");
    assert!(stderr.contains("2 staff have a WTE outside 0-1.5"), "{stderr}");
    let e = exact(&out);
    assert_eq!(e["staff_total"], 8);
    assert_eq!(e["staff_placed"], 4);
    assert_eq!(e["unplaced_by_reason"]["unknown_site"], 2);
    assert_eq!(e["unplaced_by_reason"]["no_site"], 1);
    assert_eq!(e["unplaced_by_reason"]["unknown_postcode"], 1);
    assert_eq!(e["unknown_sites"][0], serde_json::json!(["Mars Base", 2]));
    assert_eq!(e["wte_capped"], 2);
    // 1 + 1.5 (capped) + 0 (capped) + 0.6.
    assert!((number_at(&e["wte_total"]) - 3.1).abs() < 1e-9);
    let s = json(&out.join("commute_summary.json"));
    assert_eq!(s["unplaced_by_reason"]["unknown_site"], 2.0);
    assert!(!s["decisions"].as_array().unwrap().is_empty());
    for file in published_files(&out) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!text.contains("Mars Base"), "{} names an input's site text", file.display());
    }
}

/// The equity lens: Bands 1-4 staff living in deciles 1-2 (here two at XX1 1AA, decile 1), their home
/// area's share of households without a car (TS045, modelled, through the LSOA 2011 -> 2021 lookup),
/// and their year's commute against Band 2's entry pay and a whole-time year's paid hours.
#[test]
fn the_equity_lens_for_the_lowest_paid_in_the_most_deprived_areas() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Home Postcode,Pay Band,Staff Group,Contracted Wte\nXX1 1AA,Band 2,Estates and Ancillary,1\n\
         XX1 1AA,Band 3,Estates and Ancillary,1\nXX1 1AJ,Band 6,Nursing and Midwifery Registered,1\n",
    );
    let ts045 = write(
        dir.path(),
        "ts045.csv",
        "date,geography,geography code,Number of cars or vans: Total: All households,Number of cars or vans: No cars or vans in household\n\
         2021,Testtown 001A,E01990001,600,300\n2021,Testtown 001B,E01990002,600,140\n",
    );
    let bridge =
        write(dir.path(), "lookup.csv", "LSOA11CD,CHGIND,LSOA21CD\nE01900001,U,E01990001\nE01900002,U,E01990002\n");
    let factors = two_factors(dir.path());
    let out = dir.path().join("out");
    let extra = [
        "--site",
        "S1",
        "--mode-share",
        "car=0.5,bus=0.5",
        "--factors",
        factors.to_str().unwrap(),
        "--circuity",
        "1",
        "--car-availability",
        ts045.to_str().unwrap(),
        "--area-bridge",
        bridge.to_str().unwrap(),
        "--min-count",
        "0",
        "--round-to",
        "1",
    ];
    anchormap_ok(commute_args(&staff, &out, &extra));
    let lens = &json(&out.join("commute_summary.json"))["equity_lens"];
    assert_eq!(lens["bands_1_4_deciles_1_2_staff"], 2.0);
    assert_eq!(lens["households_without_car_share_modelled"], 0.5, "300 of 600 households: {lens}");
    assert_eq!(lens["households_without_car_coverage"], 1.0);
    // 225 return trips of 1 km a year each; half the km by car at 45p a mile.
    let cost: f64 = 225.0 * 0.5 / 1.609_344 * 0.45;
    assert_eq!(lens["cost_gbp_per_wte"], cost.round());
    assert_eq!(lens["cost_share_of_entry_pay"], ((cost / 24_465.0) * 10_000.0).round() / 10_000.0);
    let hours: f64 = 225.0 * 2.0 * (9.5 + 0.52) * 1.4 / 60.0;
    assert_eq!(lens["hours_per_wte"], hours.round());
    assert_eq!(lens["paid_hours_per_wte"], 1687.5);
    assert_eq!(lens["hours_share_of_paid_hours"], ((hours / 1687.5) * 10_000.0).round() / 10_000.0);
    let exact = &exact(&out)["equity_lens"];
    assert!((number_at(&exact["households_without_car_share_modelled"]) - 0.5).abs() < 1e-12);
    let html = report_of(&out);
    assert!(html.contains("What the journey costs the lowest paid") && html.contains("50% of households"), "{html}");
}

/// `--scenario-site`: S1 moved 500 m south onto A's postcode. A (1 WTE, 500 m away) and C (0.8 WTE,
/// 4 km away, 3.5 km after) each save 1 km per return trip; half by car (0.2 kg/km), half by bus (0.1).
#[test]
fn a_moved_site_saves_what_its_shorter_trips_save() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Home Postcode,Staff Group,Pay Band,Contracted Wte\n\
         XX1 1AA,Nursing and Midwifery Registered,Band 5,1.0\nXX1 1AJ,Nursing and Midwifery Registered,Band 6,0.8\n",
    );
    let factors = two_factors(dir.path());
    let out = dir.path().join("out");
    let extra = [
        "--site",
        "S1",
        "--mode-share",
        "car=0.5,bus=0.5",
        "--factors",
        factors.to_str().unwrap(),
        "--circuity",
        "1",
        "--scenario-site",
        "S1=400500,300500",
        "--min-count",
        "0",
        "--round-to",
        "1",
    ];
    anchormap_ok(commute_args(&staff, &out, &extra));
    let s = &exact(&out)["scenarios"];
    // km: 225 trips x 1 km + 180 trips x 1 km; kg: 0.15 a km; hours: 1.04 min a straight-line km less
    // each way (0.5 km, twice), times 1.4 for the bus half.
    assert!((number_at(&s["site_move_km_saved"]) - 405.0).abs() < 1e-9, "{s}");
    assert!((number_at(&s["site_move_kgco2e_saved"]) - 405.0 * 0.15).abs() < 0.0005, "{s}");
    let hours = 405.0 * 2.0 * 0.52 * 1.4 / 60.0;
    assert!((number_at(&s["site_move_hours_saved"]) - hours).abs() < 1e-9, "{s}");
    assert_eq!(s["site_move"], "S1 to (400500, 300500)");
    // Published: 2 people times the per-person average to 3 significant figures.
    let km: f64 = cell(&out.join("commute_by_site.csv"), "S1", "km_saved_site_move").parse().unwrap();
    assert!((km - 405.0).abs() <= 2.0, "{km}");
    let kg: f64 = cell(&out.join("commute_by_band.csv"), "Bands 5-7", "kgco2e_saved_site_move").parse().unwrap();
    assert!((kg - 60.75).abs() <= 0.05, "{kg}");
    let published = json(&out.join("commute_summary.json"));
    assert!((number_at(&published["scenarios"]["site_move_kgco2e_saved"]) - 60.75).abs() <= 0.05);
    assert!(published["scenarios"]["method"].as_str().unwrap().contains("moved site"));
    for (value, expected) in [("NOPE=1,1", "--scenario-site NOPE"), ("S1=north", "CODE=EASTING,NORTHING")] {
        let run = anchormap(commute_args(&staff, &dir.path().join("o2"), &["--site", "S1", "--scenario-site", value]));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success() && stderr.contains(expected) && !stderr.contains("panicked"), "{stderr}");
    }
}

/// `--site-lookup`: sites from another staff column (ESR cost centre); values the lookup lacks
/// listed with counts (loud above 5%), never published; a lookup naming a site the sites file
/// lacks stops with its line and column.
#[test]
fn sites_from_a_cost_centre_lookup() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Home Postcode,Cost Centre,Location,Contracted Wte
XX1 1AA,100 Wards,S2,1
XX1 1AB,200 Theatres,,1
\
         XX1 1AD,100 wards,,1
XX1 1AE,999 Secret Unit,S1,1
XX1 1AF,,S1,1
",
    );
    let lookup = write(
        dir.path(),
        "lookup.csv",
        "Cost Centre,site
100 Wards,S1
200 Theatres,Prawfdref Clinic
",
    );
    let out = dir.path().join("out");
    let extra = ["--site-lookup", lookup.to_str().unwrap(), "--min-count", "0", "--round-to", "1"];
    let run = anchormap(commute_args(&staff, &out, &extra));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("column 'Location' not read"), "{stderr}");
    assert!(
        stderr.contains("MORE THAN 5% OF STAFF NOT PLACED") && stderr.contains("'999 Secret Unit' (1)"),
        "{stderr}"
    );
    let e = exact(&out);
    assert_eq!(e["staff_placed"], 3);
    assert_eq!(e["unplaced_by_reason"]["not_in_site_lookup"], 1);
    assert_eq!(e["unplaced_by_reason"]["no_site"], 1);
    assert_eq!(e["not_in_site_lookup"][0], serde_json::json!(["999 Secret Unit", 1]));
    assert_eq!(cell(&out.join("commute_by_site.csv"), "S1", "staff"), "2", "100 Wards, either case");
    assert_eq!(cell(&out.join("commute_by_site.csv"), "S2", "staff"), "1", "by the site's name");
    for file in published_files(&out) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!text.contains("Secret Unit"), "{} names a lookup value", file.display());
    }
    let bad = write(
        dir.path(),
        "bad.csv",
        "Cost Centre,site
100 Wards,S1
200 Theatres,Nowhere
",
    );
    let run = anchormap(commute_args(&staff, &dir.path().join("out2"), &["--site-lookup", bad.to_str().unwrap()]));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && stderr.trim().lines().count() == 1, "{stderr}");
    assert!(stderr.contains("bad.csv") && stderr.contains("line 3") && stderr.contains("'Nowhere'"), "{stderr}");
}

/// A synthetic workforce of 2,000 on real postcodes around Worcestershire Royal Hospital, on the
/// current geography with each home area's census split: every row placed or counted, tables
/// reconciling with the summary under the rule, plausible figures, no postcode published.
#[test]
fn national_data_run_around_a_real_hospital() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let postcodes = crate::national::postcodes_near(&reference, (387_714.0, 254_789.0), 2_000, 0x2545_F491_4F6C_DD1D);
    let mut text = String::from("Employee Number,Home Postcode,Staff Group,Pay Band,Contracted Wte,Location\n");
    let groups = ["Nursing and Midwifery Registered", "Administrative and Clerical", "Additional Clinical Services"];
    let bands = ["Band 2", "Band 3", "Band 5", "Band 6", "Band 8a", "Consultant"];
    for (i, (postcode, _, _)) in postcodes.iter().enumerate() {
        let wte = [1.0, 0.8, 0.6][i % 3];
        text.push_str(&format!(
            "{i},{postcode},{},{},{wte},Worcestershire Royal Hospital\n",
            groups[i % 3],
            bands[i % 6]
        ));
    }
    let staff = write(dir.path(), "staff.csv", &text);
    let sites = write(
        dir.path(),
        "sites.csv",
        "site_code,site_name,easting,northing\nWRH,Worcestershire Royal Hospital,387714,254789\n",
    );
    let r = |f: &str| reference.join(f).into_os_string();
    let out = dir.path().join("out");
    let mut args: Vec<OsString> =
        vec!["commute".into(), "--staff".into(), staff.into(), "--sites".into(), sites.into()];
    for (flag, file) in [
        ("--postcodes", "codepo_gb.zip"),
        ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--travel-to-work", "census2021-ts061-lsoa.csv"),
        ("--msoa-lookup", "lsoa21_to_msoa21.csv"),
        ("--msoa-names", "MSOA-Names-2.2.csv"),
    ] {
        args.extend([flag.into(), r(file)]);
    }
    args.extend([
        "--no-store".into(),
        "--days-on-site".into(),
        "3".into(),
        "-q".into(),
        "--out".into(),
        out.clone().into(),
    ]);
    anchormap_ok(&args);
    let e = exact(&out);
    let s = json(&out.join("commute_summary.json"));
    assert_eq!(e["staff_total"], 2000);
    let unplaced: u64 = e["unplaced_by_reason"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(e["staff_placed"].as_u64().unwrap() + unplaced, 2000);
    assert!(e["staff_placed"].as_u64().unwrap() >= 1990, "{}", e["staff_placed"]);
    let census = e["staff_by_split"]["census_travel_to_work_of_home_area"].as_u64().unwrap();
    assert!(census >= 1990, "each home area's own split: {census}");
    // Per member of staff a year: a few hundred kg to about a tonne and a half (homes within 40 km).
    let per_staff = number_at(&e["kgco2e_total"]) / number_at(&e["staff_placed"]);
    assert!((100.0..1500.0).contains(&per_staff), "{per_staff} kg a year each");
    // The published total row is the summary's, and the deciles add up to it within rounding.
    assert_eq!(
        cell(&out.join("commute_by_decile.csv"), "total", "staff"),
        format!("{}", number_at(&s["staff_placed"]))
    );
    let (headers, rows) = read_csv(&out.join("commute_by_decile.csv"));
    let kg = headers.iter().position(|h| h == "kgco2e").unwrap();
    let sum: f64 = rows.iter().filter(|r| r[0] != "total").filter_map(|r| r[kg].parse::<f64>().ok()).sum();
    let total = number_at(&s["kgco2e_total"]);
    assert!((sum - total).abs() / total < 0.05, "deciles {sum} vs total {total}");
    assert!(out.join("commute_by_msoa.csv").is_file() && out.join("commute_by_area.geojson").is_file());
    // How far they live, in Census 2021 TS058's bands: counted here from Code-Point's points.
    let mut by_band = [0.0; 8];
    let upper_km = [2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 60.0, f64::INFINITY];
    for (_, e, n) in &postcodes {
        let km = (e - 387_714.0).hypot(n - 254_789.0) / 1000.0;
        by_band[upper_km.iter().position(|u| km < *u).unwrap()] += 1.0;
    }
    let exact_bands: Vec<f64> =
        e["staff_by_distance_band"].as_array().unwrap().iter().map(|b| number_at(&b[1])).collect();
    assert_eq!(exact_bands, by_band, "within 100 km, every home is a daily commute");
    let (_, rows) = read_csv(&out.join("commute_by_distance.csv"));
    for (row, exact) in rows.iter().zip(by_band) {
        let shown: f64 = row[1].parse().unwrap_or_else(|_| panic!("{row:?}"));
        assert!((shown - exact).abs() <= 2.5, "{row:?} vs {exact}: rounded to 5");
    }
    eprintln!("straight-line distance to Worcestershire Royal, staff by TS058 band: {by_band:?}");
    let audit = json(&out.join("disclosure_audit.json"));
    assert_eq!(audit["systems"][0]["protected"], true, "{}", audit["systems"][0]);
    assert_eq!(audit["systems"][0]["rounded_cells_pinned"], 0);
    let published: std::collections::HashSet<&str> = postcodes.iter().map(|p| p.0.as_str()).collect();
    for file in published_files(&out) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for token in text.split([',', '"', '\n']) {
            assert!(!published.contains(token.trim()), "{} holds a staff postcode", file.display());
        }
    }
}

/// The trust's own survey wins where it has the site and band group, then the site, the band, any; by staff group too.
#[test]
fn a_travel_survey_by_site_band_group_and_staff_group() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Home Postcode,Band,Site\nXX1 1AA,Band 5,S1\nXX1 1AE,Band 3,S1\nXX1 1AJ,Band 3,Testtown General\n",
    );
    let survey = write(
        dir.path(),
        "survey.csv",
        "site,band_group,mode,share\nS1,Bands 5-7,car,1\n,,bus,0.5\n,,walk_cycle,0.5\n",
    );
    let out = dir.path().join("out");
    let extra = ["--mode-survey", survey.to_str().unwrap(), "--circuity", "1"];
    anchormap_ok(commute_args(&staff, &out, &extra));
    let e = exact(&out);
    // A by car: 225 trips x 1 km x 0.16725 (DESNZ 2025); B and C half by bus (0.10385), half on foot.
    let kg = 225.0 * 0.16725 + 225.0 * 9.0 * 0.5 * 0.10385;
    assert!((number_at(&e["kgco2e_total"]) - kg).abs() < 1e-9, "{} vs {kg}", e["kgco2e_total"]);
    assert_eq!(e["staff_by_split"]["travel_survey"], 3);
    // By staff group: clerical staff drive, everyone else takes the bus.
    let staff = write(
        dir.path(),
        "groups.csv",
        "Home Postcode,Staff Group,Site\nXX1 1AA,Administrative and Clerical,S1\nXX1 1AE,Estates and Ancillary,S1\n",
    );
    let by_group =
        write(dir.path(), "groups_survey.csv", "staff_group,mode,share\nADMINISTRATIVE AND CLERICAL,car,1\n,bus,1\n");
    let out = dir.path().join("out_groups");
    anchormap_ok(commute_args(&staff, &out, &["--mode-survey", by_group.to_str().unwrap(), "--circuity", "1"]));
    let e = exact(&out);
    assert!((number_at(&e["trips_by_mode"]["car"]) - 225.0).abs() < 1e-9, "{}", e["trips_by_mode"]);
    assert!((number_at(&e["trips_by_mode"]["bus"]) - 225.0).abs() < 1e-9, "{}", e["trips_by_mode"]);
    let bad = write(dir.path(), "bad.csv", "site,mode,share\nS1,car,0.5\nS1,bus,0.4\n");
    let err = anchormap_err(commute_args(&staff, &dir.path().join("bad"), &["--mode-survey", bad.to_str().unwrap()]));
    assert!(err.contains("add up to 0.9"), "{err}");
}

/// The scenarios on the hand case: half of car drivers' trips under 5 km one way on foot, and one more
/// day at home for clerical staff, each saving what the trips it removes emitted.
#[test]
fn scenarios_save_what_the_trips_they_remove_emitted() {
    let dir = temp_dir();
    let staff = write(
        dir.path(),
        "staff.csv",
        "Home Postcode,Staff Group,Contracted Wte\nXX1 1AA,Nursing and Midwifery Registered,1.0\n\
         XX1 1AE,Administrative and Clerical,0.5\nXX1 1AJ,Nursing and Midwifery Registered,0.8\n",
    );
    let factors = two_factors(dir.path());
    let out = dir.path().join("out");
    let extra = ["--site", "S1", "--mode-share", "car=0.5,bus=0.5", "--factors", factors.to_str().unwrap()];
    let more = ["--circuity", "1", "--days-on-site", "3", "--shift-short-car-trips", "0.5", "--extra-home-day"];
    anchormap_ok(commute_args(
        &staff,
        &out,
        &[&extra[..], &more[..], &["--min-count", "0", "--round-to", "1"]].concat(),
    ));
    let s = exact(&out)["scenarios"].clone();
    // Every trip is under 5 km one way: 1,732.5 km x half by car x half shifted x 0.2 kg.
    assert!((number_at(&s["modal_shift_kgco2e_saved"]) - 1732.5 * 0.5 * 0.5 * 0.2).abs() < 1e-9, "{s}");
    // B, clerical, 0.5 WTE: 45 trips a year one day a week comes to, x 0.5, x 1 km x 0.15 kg.
    assert!((number_at(&s["extra_home_day_kgco2e_saved"]) - 0.5 * 45.0 * 0.15).abs() < 1e-9, "{s}");
    let published = json(&out.join("commute_summary.json"));
    assert_eq!(published["scenarios"]["modal_shift_kgco2e_saved"], 86.6);
    assert_eq!(cell(&out.join("commute_by_site.csv"), "S1", "kgco2e_saved_extra_home_day"), "3.4");
}

/// Target neighbourhoods' reach without a car: a time from the matrix where it has the pair
/// (E01900003 to S1: 38 minutes), else modelled from the straight line between the area's centre
/// (401500, 300500) and S1 (400500, 301000): (9.5 + 1.04 x 1.118 km) x 1.8 = 19.2 minutes.
#[test]
fn target_neighbourhoods_within_reach_without_a_car() {
    let dir = temp_dir();
    let staff = write(dir.path(), "staff.csv", "Home Postcode,Contracted Wte\nXX1 1AA,1\nXX1 1AE,1\n");
    let targets = write(dir.path(), "targets.csv", "rank,area_code\n1,E01900002\n2,E01900003\n3,E09999999\n");
    let matrix = write(dir.path(), "ttm.csv", "from_id,to_id,travel_time_p50\nE01900003,S1,38\nE01900002,S1,\n");
    let out = dir.path().join("out");
    let (targets, matrix) = (targets.to_str().unwrap(), matrix.to_str().unwrap());
    let extra = ["--site", "S1", "--targets", targets, "--time-matrix", matrix, "--reach-minutes", "30"];
    anchormap_ok(commute_args(&staff, &out, &extra));
    let table = out.join("commute_target_reach.csv");
    let (headers, rows) = read_csv(&table);
    let at = |area: &str, column: &str| {
        let c = headers.iter().position(|h| h == column).unwrap();
        let row = rows.iter().find(|r| r[1] == area && r[5] == "S1").unwrap_or_else(|| panic!("no {area} to S1"));
        row[c].clone()
    };
    let modelled = (9.5 + 1.04 * (1000f64).hypot(500.0) / 1000.0) * 1.8;
    assert_eq!(at("E01900002", "minutes_without_car"), format!("{:.0}", modelled));
    assert_eq!(
        (at("E01900002", "within_reach").as_str(), at("E01900002", "time_source").as_str()),
        ("true", "modelled")
    );
    assert_eq!(at("E01900003", "minutes_without_car"), "38");
    assert_eq!(
        (at("E01900003", "within_reach").as_str(), at("E01900003", "time_source").as_str()),
        ("false", "time matrix")
    );
    assert_eq!(at("E01900003", "rank"), "2");
    let reach = &json(&out.join("commute_summary.json"))["target_reach"];
    assert_eq!(reach["targets"], 2);
    assert_eq!(reach["targets_not_in_areas"], serde_json::json!(["E09999999"]));
    let s1 = reach["by_site"].as_array().unwrap().iter().find(|s| s["site_code"] == "S1").unwrap();
    assert_eq!(s1["targets_within_reach"], 1);
    assert!(exact(&out)["warnings"].to_string().contains("E09999999"), "the missing target is named");

    let bad = write(dir.path(), "bad.csv", "from_id,to_id,travel_time_p50\nE01900003,S1,soon\n");
    let extra = ["--site", "S1", "--targets", targets, "--time-matrix", bad.to_str().unwrap(), "--force"];
    let err = anchormap_err(commute_args(&staff, &out, &extra));
    assert!(err.contains("bad.csv") && err.contains("line 2") && err.contains("'soon'"), "{err}");
}

/// A home further than --max-commute-km from the site (straight line) is not a daily commute: counted by
/// reason and left out of the figures. XX1 1AJ is 4 km from S1, XX1 1AA 0.5 km.
#[test]
fn a_home_beyond_daily_commuting_distance_is_counted_not_tallied() {
    let dir = temp_dir();
    let staff = write(dir.path(), "staff.csv", "Home Postcode,Contracted Wte\nXX1 1AA,1\nXX1 1AJ,1\n");
    let out = dir.path().join("out");
    let extra = ["--site", "S1", "--max-commute-km", "3", "--min-count", "0", "--round-to", "1"];
    anchormap_ok(commute_args(&staff, &out, &extra));
    let exact = exact(&out);
    assert_eq!(exact["staff_placed"], 1);
    assert_eq!(exact["unplaced_by_reason"]["home_beyond_max_commute_km"], 1);
    assert!(exact["warnings"].to_string().contains("more than 3 km"), "{}", exact["warnings"]);
    let near = exact["km_total"].as_f64().unwrap();
    anchormap_ok(commute_args(&staff, &out, &["--site", "S1", "--force", "--min-count", "0", "--round-to", "1"]));
    let both = crate::commute::exact(&out)["km_total"].as_f64().unwrap();
    assert!(both > near * 5.0, "the 4 km home counts under the default 100 km: {both} vs {near}");
}
