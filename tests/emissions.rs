//! `anchormap emissions` on hand-made fixtures: arithmetic checked by hand, tables that reconcile, rows never lost.

use std::path::{Path, PathBuf};

use anchormap::analysis::emissions::ShiftScope;
use anchormap::output::run_summary::EmissionsSummary;

use crate::util::*;

/// One-row factor file: car at 0.2 kg CO2e per km.
fn car_factor(dir: &Path) -> PathBuf {
    let path = dir.join("factors.csv");
    std::fs::write(&path, "mode,kgco2e_per_km\ncar,0.2\n").unwrap();
    path
}

fn emissions_args(dir: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    emissions_args_for(&fixture("appointments.csv"), dir, extra)
}

fn emissions_args_for(appointments: &Path, dir: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let line = Line::new("emissions").arg("--appointments", appointments).fixtures(&FIXTURE_REFERENCE);
    line.out(&dir.join("out")).args(extra).into()
}

/// Circuity 1, all by car at 0.2 kg/km, half of follow-ups moved to virtual, exact counts.
fn run_hand_case(dir: &Path) -> (PathBuf, EmissionsSummary) {
    let factors = car_factor(dir);
    let mut extra = vec!["--circuity", "1", "--mode-share", "car=1", "--factors", factors.to_str().unwrap()];
    extra.extend(["--shift-to-virtual", "0.5", "--min-count", "0", "--round-to", "1"]);
    anchormap_ok(emissions_args(dir, &extra));
    let out = dir.join("out");
    let summary = read_summary(&out.join("emissions_summary.json"));
    (out, summary)
}

/// The run's exact counts, written for the analyst only.
fn exact(out: &Path) -> serde_json::Value {
    let path = out.join("not-for-publication/emissions_summary_exact.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-6
}

fn number(rows: &[Vec<String>], headers: &[String], key: &str, column: &str) -> f64 {
    let c = headers.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
    let row = rows.iter().find(|r| r[0] == key).unwrap_or_else(|| panic!("no row {key}"));
    row[c].parse().unwrap_or_else(|_| panic!("{key}.{column} = '{}'", row[c]))
}

#[test]
fn hand_computed_totals() {
    let dir = temp_dir();
    let (out, s) = run_hand_case(dir.path());
    let e = exact(&out);
    // Site S1 is at (400500, 301000), S2 at XX1 1AG (402500, 300500).
    // XX1 1AA (400500, 300500): 500 m from S1 -> 1 km return, 0.2 kg; 2,000 m from S2 -> 4 km, 0.8 kg.
    // XX1 1AD (401500, 300500): sqrt(1000² + 500²) m from S1 -> 2.236068 km return.
    // E01900003 by area code: centroid (400500, 301500), 500 m from S1 -> 1 km return.
    assert_eq!(e["rows"], 12);
    assert_eq!(e["rows_with_invalid_count"], 1);
    assert_eq!(s.appointments_total, Some(27.0));
    assert_eq!(s.appointments_placed, Some(21.0));
    let unplaced = &s.unplaced_by_reason;
    for (reason, n) in [
        ("unknown_postcode", 1.0),
        ("unknown_site", 2.0),
        ("invalid_postcode", 1.0),
        ("no_coordinates", 1.0),
        ("unknown_area", 1.0),
    ] {
        assert_eq!(unplaced[reason], Some(n), "{reason}");
    }
    let unplaced_total: f64 = unplaced.values().map(|v| v.unwrap()).sum();
    assert_eq!(unplaced_total + 21.0, 27.0, "every appointment placed or counted by reason");
    // Face to face: 3 x 1 km + 2 x 1 km + 10 x 4 km + 1 x 1 km (mode not recorded) = 46 km, 9.2 kg.
    assert!(close(s.patient_km_total.unwrap(), 46.0));
    assert!(close(s.kgco2e_total.unwrap(), 9.2));
    assert_eq!(e["mode_not_recorded_counted_as_face_to_face"], 1.0);
    // Already virtual: 4 x 2.236068 km + 1 x 1 km, at 0.2 kg/km.
    let avoided = 0.2 * (4.0 * 2.0 * 1.25f64.sqrt() + 1.0);
    assert!((s.kgco2e_avoided.unwrap() - avoided).abs() <= 0.0005, "kg to 3 decimals");
    // Half of the face-to-face follow-ups (2 at S1, 10 at S2): 1 x 1 km + 5 x 4 km = 21 km, 4.2 kg.
    let scenario = &s.scenario;
    assert_eq!(scenario.applies_to, ShiftScope::FollowUps);
    assert!(close(s.scenario_kgco2e_saved.unwrap(), 4.2));
    assert!(close(scenario.appointments_shifted.unwrap(), 6.0));
    assert!(close(scenario.patient_km_saved.unwrap(), 21.0));
    assert!(close(scenario.cost_saved_gbp.unwrap(), (21.0 / 1.609344 * 0.45 * 100.0f64).round() / 100.0));
    // Door to door (issue 17): one-way minutes 9.5 + 1.04 x straight-line km, all by car: 1 trip of
    // 0.5 km and 5 of 2 km each way, both ways: (2 x 10.02 + 10 x 11.58) / 60 = 2.264 hours.
    assert!(close(scenario.hours_saved.unwrap(), 2.3), "{:?}", scenario.hours_saved);
    // The range: circuity 1 is below the range's 1.2, so the low end keeps it; all by car, and this
    // factor file has no well-to-tank factors: the high end is the total at circuity 1.4.
    assert_eq!((s.kgco2e_range.low, s.kgco2e_range.high), (Some(9.2), Some(12.88)));
    let saved = &s.scenario_kgco2e_saved_range;
    assert_eq!((saved.low, saved.high), (Some(4.2), Some(5.88)));
    assert_eq!(scenario.share_of_saving_to_deciles_1_2, Some(1.0));
    assert_eq!(s.assumptions.kgco2e_per_km_by_mode["car"], 0.2);
}

#[test]
fn tables_reconcile_with_the_summary() {
    let dir = temp_dir();
    let (out, s) = run_hand_case(dir.path());
    let total_kg = s.kgco2e_total.unwrap();
    let (site_h, sites) = read_csv(&out.join("emissions_by_site.csv"));
    assert!(close(number(&sites, &site_h, "S1", "kgco2e"), 1.2));
    assert!(close(number(&sites, &site_h, "S2", "kgco2e"), 8.0));
    assert_eq!(number(&sites, &site_h, "S2", "scenario_appointments_shifted"), 5.0);
    let (area_h, areas) = read_csv(&out.join("emissions_by_area.csv"));
    assert_eq!(number(&areas, &area_h, "E01900001", "appointments"), 16.0);
    assert_eq!(number(&areas, &area_h, "E01900001", "face_to_face"), 16.0);
    assert_eq!(number(&areas, &area_h, "E01900002", "virtual"), 4.0);
    assert!(close(number(&areas, &area_h, "E01900001", "kgco2e_per_1000_population"), 9.2));
    let (decile_h, deciles) = read_csv(&out.join("emissions_by_decile.csv"));
    assert!(close(number(&deciles, &decile_h, "1", "kgco2e"), 9.2));
    assert_eq!(number(&deciles, &decile_h, "1", "population"), 1000.0);
    let (spec_h, specs) = read_csv(&out.join("emissions_by_specialty.csv"));
    for (rows, headers) in [(&sites, &site_h), (&areas, &area_h), (&specs, &spec_h)] {
        let c = headers.iter().position(|h| h == "kgco2e").unwrap();
        let sum: f64 = rows.iter().map(|r| r[c].parse::<f64>().unwrap()).sum();
        assert!(close(sum, total_kg), "{headers:?}: {sum}");
        let c = headers.iter().position(|h| h == "appointments").unwrap();
        let sum: f64 = rows.iter().map(|r| r[c].parse::<f64>().unwrap()).sum();
        assert_eq!(sum, 21.0, "{headers:?}");
    }
    assert!(close(number(&deciles, &decile_h, "total", "kgco2e"), total_kg));
    let geojson: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("emissions_by_area.geojson")).unwrap()).unwrap();
    assert_eq!(geojson["features"].as_array().unwrap().len(), 3);
}

#[test]
fn a_distance_matrix_replaces_the_straight_line() {
    let dir = temp_dir();
    let matrix = dir.path().join("matrix.csv");
    std::fs::write(&matrix, "area_code,site_code,distance_km,time_min\nE01900001,S2,5,12\n").unwrap();
    let factors = car_factor(dir.path());
    let extra = [
        "--mode-share",
        "car=1",
        "--factors",
        factors.to_str().unwrap(),
        "--distance-matrix",
        matrix.to_str().unwrap(),
        "--shift-to-virtual",
        "1",
        "--shift-applies-to",
        "all",
        "--min-count",
        "0",
        "--round-to",
        "1",
    ];
    anchormap_ok(emissions_args(dir.path(), &extra));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/emissions_summary.json")).unwrap()).unwrap();
    // S2 trips from E01900001 use 5 km one way (10 km return); the rest straight line x 1.3.
    assert_eq!(exact(&dir.path().join("out"))["trips"]["from_distance_matrix"], 10.0);
    let expected_kg = 0.2 * (10.0 * 10.0 + (3.0 + 2.0 + 1.0) * 1.3);
    assert!(close(s["kgco2e_total"].as_f64().unwrap(), expected_kg), "{}", s["kgco2e_total"]);
    // Everything face to face moves: 10 trips of 12 minutes each way from the matrix; the other 6
    // are 500 m in a straight line, 9.5 + 1.04 x 0.5 minutes each way.
    let hours = 10.0 * 24.0 / 60.0 + 6.0 * 2.0 * (9.5 + 1.04 * 0.5) / 60.0;
    assert!((s["scenario"]["hours_saved"].as_f64().unwrap() - hours).abs() < 0.051);
}

#[test]
fn published_counts_are_suppressed_and_nothing_personal_is_written() {
    let dir = temp_dir();
    anchormap_ok(emissions_args(dir.path(), &[]));
    let out = dir.path().join("out");
    let (headers, areas) = read_csv(&out.join("emissions_by_area.csv"));
    let c = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let e2 = areas.iter().find(|r| r[0] == "E01900002").unwrap();
    assert_eq!((e2[c("appointments")].as_str(), e2[c("virtual")].as_str()), ("*", "*"));
    assert_eq!(e2[c("kgco2e_per_appointment")], "*");
    let e1 = areas.iter().find(|r| r[0] == "E01900001").unwrap();
    assert_eq!(e1[c("appointments")], "15", "16 rounded to the nearest 5");
    for entry in published_files(&out) {
        let text = published_text(&entry).to_uppercase();
        for postcode in ["XX1 1AA", "XX11AA", "XX1 1AD", "ZZ99"] {
            assert!(!text.contains(postcode), "{postcode} in an output");
        }
    }
}

#[test]
fn bad_travel_options_are_refused_in_one_line() {
    let dir = temp_dir();
    let err = anchormap_usage_err(emissions_args(dir.path(), &["--mode-share", "car=0.5,bus=0.4"]));
    assert!(err.contains("add up to 0.9"), "{err}");
    let err = anchormap_err(emissions_args(dir.path(), &["--mode-share", "car=0.5,hovercraft=0.5"]));
    assert!(err.contains("mode 'hovercraft' has a share but no factor"), "{err}");
    let err = anchormap_usage_err(emissions_args(dir.path(), &["--circuity", "0.8"]));
    assert!(err.contains("not a circuity factor"), "{err}");
    let bad = dir.path().join("bad_factors.csv");
    std::fs::write(&bad, "mode,kgco2e_per_km\ncar,lots\n").unwrap();
    let err = anchormap_err(emissions_args(dir.path(), &["--factors", bad.to_str().unwrap()]));
    assert!(err.contains("bad_factors.csv, line 2, column 2: 'lots' is not an emission factor"), "{err}");
}

#[test]
fn unusable_appointment_files_fail_in_one_line_naming_the_file() {
    let dir = temp_dir();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let no_mode = write("no_mode.csv", "id,postcode,site_code\n1,XX1 1AA,S1\n");
    let err = anchormap_err(emissions_args_for(&no_mode, dir.path(), &[]));
    assert!(
        err.contains("no_mode.csv: no consultation medium") && err.contains("--appointment-columns mode=HEADER"),
        "{err}"
    );
    let no_patient = write("no_patient.csv", "id,site_code,mode\n1,S1,01\n");
    let err = anchormap_err(emissions_args_for(&no_patient, dir.path(), &[]));
    assert!(err.contains("no_patient.csv: appointments need a patient postcode or patient area code column"), "{err}");
    let ragged = write("ragged.csv", "id,postcode,site_code,mode\n1,XX1 1AA,S1,01\n2,XX1 1AA,S1,01,oops\n");
    let err = anchormap_err(emissions_args_for(&ragged, dir.path(), &[]));
    assert!(err.contains("ragged.csv, line 3, column 5"), "{err}");
    let follow_ups = anchormap_err(emissions_args_for(&no_patient, dir.path(), &["--shift-applies-to", "follow-ups"]));
    assert!(follow_ups.contains("appointments need a patient"), "columns are checked first: {follow_ups}");
    let plain = write("plain.csv", "postcode,site_code,mode\nXX1 1AA,S1,01\n");
    let err = anchormap_err(emissions_args_for(&plain, dir.path(), &["--shift-applies-to", "follow-ups"]));
    assert!(err.contains("--shift-applies-to follow-ups needs a first/follow-up column"), "{err}");
}

/// Issue 17: `--speed-kmh` given explicitly keeps the simple time model (road km at that speed).
#[test]
fn an_explicit_speed_gives_road_km_at_that_speed() {
    let dir = temp_dir();
    let factors = car_factor(dir.path());
    let mut extra = vec!["--circuity", "1", "--mode-share", "car=1", "--factors", factors.to_str().unwrap()];
    extra.extend(["--shift-to-virtual", "0.5", "--min-count", "0", "--round-to", "1", "--speed-kmh", "40"]);
    anchormap_ok(emissions_args(dir.path(), &extra));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/emissions_summary.json")).unwrap()).unwrap();
    // 21 km saved at 40 km/h.
    assert!(close(s["scenario"]["hours_saved"].as_f64().unwrap(), 0.5), "{}", s["scenario"]["hours_saved"]);
    assert_eq!(s["assumptions"]["travel_time"], serde_json::json!({"model": "speed", "kmh": 40.0}));
}

/// Issue 17: well-to-tank from the shipped DESNZ 2025 factors; a factor file without them is refused in one line.
#[test]
fn well_to_tank_is_added_from_the_shipped_factors() {
    let dir = temp_dir();
    let extra = ["--circuity", "1", "--mode-share", "car=1", "--include-wtt", "--min-count", "0", "--round-to", "1"];
    anchormap_ok(emissions_args(dir.path(), &extra));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/emissions_summary.json")).unwrap()).unwrap();
    // 46 km face to face (see hand_computed_totals), average car 0.16725 direct + 0.04399 well-to-tank.
    assert!((s["kgco2e_total"].as_f64().unwrap() - 46.0 * (0.16725 + 0.04399)).abs() < 0.0005, "{}", s["kgco2e_total"]);
    assert_eq!(s["assumptions"]["well_to_tank"]["included"], true);
    let low = s["kgco2e_range"]["low"].as_f64().unwrap();
    assert!((low - 46.0 * 0.16725).abs() < 0.0005, "the low end leaves well-to-tank out: {low}");
    let factors = car_factor(dir.path());
    let err = anchormap_err(emissions_args(
        &dir.path().join("again"),
        &["--include-wtt", "--mode-share", "car=1", "--factors", factors.to_str().unwrap()],
    ));
    assert!(err.contains("--include-wtt needs a well-to-tank factor") && err.contains("factors.csv"), "{err}");
}

/// Issue 17: an area's car share follows its households without a car (Census 2021 TS045, on LSOA
/// 2021 codes, reached from this LSOA 2011 run through the lookup): kg per km falls and time per
/// trip rises where cars are fewer.
#[test]
fn car_availability_by_area_lowers_kg_per_km_where_cars_are_fewer() {
    let dir = temp_dir();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let ts045 = write(
        "ts045.csv",
        "date,geography,geography code,Number of cars or vans: Total: All households,Number of cars or vans: No cars or vans in household\n\
         2021,Testtown 001A,E01990001,600,300\n2021,Testtown 001B,E01990002,600,140\n2021,Testtown 002C,E01990003,300,10\n\
         2021,Testtown 002D,E01990004,300,20\n2021,Elsewhere,E01990009,8200,1860\n",
    );
    let bridge = write(
        "lookup.csv",
        "LSOA11CD,CHGIND,LSOA21CD\nE01900001,U,E01990001\nE01900002,U,E01990002\nE01900003,S,E01990003\nE01900003,S,E01990004\n",
    );
    // Ten face-to-face trips each from decile 1 (E01900001) and decile 10 (E01900003), both 500 m from S1.
    let appointments = write(
        "appointments.csv",
        "patient_postcode,lsoa,site_code,attendance_mode,count\nXX1 1AA,,S1,01,10\n,E01900003,S1,01,10\n",
    );
    let extra = ["--car-availability", ts045.to_str().unwrap(), "--min-count", "0", "--round-to", "1"];
    let err = anchormap_err(emissions_args_for(&appointments, dir.path(), &extra));
    assert!(err.contains("ts045.csv") && err.contains("--area-bridge"), "{err}");
    let mut with_bridge = extra.to_vec();
    with_bridge.extend(["--area-bridge", bridge.to_str().unwrap()]);
    anchormap_ok(emissions_args_for(&appointments, dir.path(), &with_bridge));
    let out = dir.path().join("out");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("emissions_summary.json")).unwrap()).unwrap();
    assert_eq!(s["assumptions"]["mode_share_by_area"]["applied"], true);
    assert_eq!(s["assumptions"]["mode_share_by_area"]["areas_with_census"], 3, "every area of the lookup");
    let (h, rows) = read_csv(&out.join("emissions_by_decile.csv"));
    let per_km = |d: &str| number(&rows, &h, d, "kgco2e_per_patient_km");
    let minutes = |d: &str| number(&rows, &h, d, "minutes_per_trip");
    // National: 2,330 of 10,000 households without a car. Decile 1: 50%, so 0.12 x 0.5 / 0.233 of trips
    // without a car; decile 10: 5% (the two 2021 parts together).
    let national = 2330.0 / 10000.0;
    let car = |without: f64| 1.0 - 0.12 * without / national;
    let blend = |car: f64| car * 0.16725 + (1.0 - car) / 0.12 * (0.03 * 0.10385 + 0.08 * 0.03546);
    assert!((per_km("1") - blend(car(0.5))).abs() < 1e-4, "{} vs {}", per_km("1"), blend(car(0.5)));
    assert!((per_km("10") - blend(car(30.0 / 600.0))).abs() < 1e-4, "{}", per_km("10"));
    assert!(per_km("1") < per_km("10"));
    assert!(minutes("1") > minutes("10"), "trips without a car take longer");
    let kg = s["kgco2e_total"].as_f64().unwrap();
    let range = &s["kgco2e_range"];
    assert!(range["low"].as_f64().unwrap() < kg && kg < range["high"].as_f64().unwrap(), "{range}");
    // One national split given: the census is not used, and the run says so.
    let mut national_split = with_bridge.clone();
    national_split.extend(["--mode-share", "car=0.88,bus=0.03,rail=0.08,walk_cycle=0.01", "--force"]);
    let out2 = anchormap(emissions_args_for(&appointments, dir.path(), &national_split));
    let stderr = String::from_utf8_lossy(&out2.stderr);
    assert!(out2.status.success(), "{stderr}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("emissions_summary.json")).unwrap()).unwrap();
    assert_eq!(s["assumptions"]["mode_share_by_area"]["applied"], false);
}

/// Issue 24 item 9: the terminal summary separates thousands, and its per-appointment figure says it is
/// per face-to-face appointment (kg CO2e over face-to-face appointments, virtual ones left out).
#[test]
fn terminal_summary_separates_thousands_and_says_per_face_to_face() {
    let dir = temp_dir();
    let appointments = dir.path().join("big.csv");
    std::fs::write(
        &appointments,
        "appointment_id,patient_postcode,lsoa,site_code,attendance_mode,count,specialty,first_follow_up\n\
         1,XX1 1AA,,S1,face to face,12000,100,First\n\
         2,XX1 1AA,,S1,video,3000,100,Follow-up\n",
    )
    .unwrap();
    let factors = car_factor(dir.path());
    let extra = ["--circuity", "1", "--mode-share", "car=1", "--factors", factors.to_str().unwrap()];
    let mut args = emissions_args_for(&appointments, dir.path(), &extra);
    args.retain(|a| a != "-q");
    let stderr = anchormap_ok(args);
    assert!(stderr.contains("appointments: 15,000 in 2 rows; 15,000 placed"), "{stderr}");
    assert!(stderr.contains("travel: 12,000 face to face"), "{stderr}");
    // 500 m from S1 -> 1 km return at 0.2 kg/km: 0.20 kg per face-to-face appointment, not 0.16 per appointment.
    assert!(stderr.contains("(0.20 kg per face-to-face appointment)"), "{stderr}");
    assert!(stderr.contains("3,000 already virtual"), "{stderr}");
}
