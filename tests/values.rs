//! Application statuses as NHS Jobs, TRAC and other systems write them: read by meaning, the unclear ones left out and listed (the same by `inspect` and `funnel`), and a user's value map changing the figures as documented.

use std::path::{Path, PathBuf};

use crate::funnel::funnel_args;
use crate::util::*;

/// (ethnicity, status, how many). All applicants live in XX1 1AA.
const ROWS: [(&str, &str, usize); 10] = [
    // White: 40 shortlisted (10 appointed) of 70 applied, as the statuses say; 2 unclear.
    ("White - British", "Offer accepted", 10),
    ("White - British", "Interviewed - Unsuccessful", 20),
    ("White - Irish", "Interview - not successful", 5),
    ("White - British", "Successful at shortlisting", 5),
    ("White - British", "Not shortlisted", 30),
    ("White - British", "Successful at interview", 2),
    // BME: 25 shortlisted (5 appointed) of 50 applied.
    ("Asian or Asian British - Indian", "Appointed", 5),
    ("Black, Black British, Caribbean or African - African", "Interviewed - Unsuccessful", 15),
    ("Mixed or multiple ethnic groups - White and Asian", "Successful at shortlisting", 5),
    ("Asian or Asian British - Pakistani", "Unsuccessful at shortlisting", 25),
];

const UNCLEAR: &str = "Successful at interview";

fn write_applications(dir: &Path, rows: &[(&str, &str, usize)]) -> PathBuf {
    let mut text =
        String::from("Application ID,Vacancy Reference,Applicant Postcode,Ethnicity,Sex,Application Status\n");
    let mut id = 0;
    for (ethnicity, status, n) in rows {
        for _ in 0..*n {
            id += 1;
            text.push_str(&format!("APP{id:04},V1,XX1 1AA,\"{ethnicity}\",Female,{status}\n"));
        }
    }
    let path = dir.join("applications.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs the funnel with counts published as they are; returns (published, exact) summaries.
fn funnel(applications: &Path, out: &Path, extra: &[&str]) -> (serde_json::Value, serde_json::Value) {
    let extra: Vec<&str> = ["--min-count", "0", "--round-to", "1"].iter().chain(extra).copied().collect();
    anchormap_ok(funnel_args(applications, out, &extra));
    (json(&out.join("funnel_summary.json")), json(&out.join("not-for-publication/funnel_summary_exact.json")))
}

fn counts(exact: &serde_json::Value) -> [f64; 3] {
    let a = &exact["applications"];
    ["shortlisted", "appointed", "status_unclear"].map(|k| a[k].as_f64().unwrap())
}

#[test]
fn statuses_are_read_by_meaning_and_the_unclear_ones_left_out_and_listed() {
    let dir = temp_dir();
    let applications = write_applications(dir.path(), &ROWS);
    let out = dir.path().join("run");
    let (published, exact) = funnel(&applications, &out, &[]);
    // Truth: 40 + 25 shortlisted, 10 + 5 appointed; the 2 unclear in neither.
    assert_eq!(counts(&exact), [65.0, 15.0, 2.0]);
    let w = &exact["wres_indicator_2"];
    assert!((w["relative_likelihood"].as_f64().unwrap() - (10.0 / 40.0) / (5.0 / 25.0)).abs() < 1e-9, "{w}");
    // Published: the count only, and no WRES 2 while a status is unclear.
    assert_eq!(published["applications"]["status_unclear"].as_f64(), Some(2.0));
    assert!(published["wres_indicator_2"]["relative_likelihood"].is_null());
    assert!(published["wres_indicator_2"]["reason"].as_str().unwrap().contains("not published"));
    assert!(published["decisions"].to_string().contains("--values status=FILE"), "{}", published["decisions"]);
    for file in published_files(&out) {
        assert!(!published_text(&file).contains(UNCLEAR), "{} names an unclear value", file.display());
    }
    let listed = &exact["status_unclear"];
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!((listed[0]["value"].as_str(), listed[0]["rows"].as_u64()), (Some(UNCLEAR), Some(2)));

    // inspect reads the statuses as the funnel does.
    let report = anchormap_ok_stdout(&["inspect".as_ref(), "--json".as_ref(), applications.as_os_str()]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let profiles = report["files"][0]["profiles"].as_array().unwrap();
    let status = profiles.iter().find(|p| p["role"] == "stage").expect("a status profile");
    let unclear: Vec<&str> =
        status["unrecognised_values"].as_array().unwrap().iter().map(|v| v["value"].as_str().unwrap()).collect();
    assert_eq!(unclear, [UNCLEAR]);
    let meaning = |value: &str| {
        status["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["value"] == value)
            .map(|v| v["meaning"].as_str().unwrap().to_string())
    };
    assert_eq!(meaning("Interviewed - Unsuccessful").as_deref(), Some("shortlisted, not appointed"));
    assert_eq!(meaning("Interview - not successful").as_deref(), Some("shortlisted, not appointed"));
    assert_eq!(meaning("Successful at shortlisting").as_deref(), Some("shortlisted, not appointed"));
}

#[test]
fn a_value_map_from_a_file_or_the_written_config_changes_the_figures() {
    let dir = temp_dir();
    let applications = write_applications(dir.path(), &ROWS);
    let map = dir.path().join("status.csv");
    std::fs::write(&map, format!("value,meaning\n{UNCLEAR},appointed\n")).unwrap();
    let option = format!("status={}", map.display());
    let (published, exact) = funnel(&applications, &dir.path().join("mapped"), &["--values", &option]);
    // The 2 are now appointed (so shortlisted): White 12 of 42.
    assert_eq!(counts(&exact), [67.0, 17.0, 0.0]);
    let expected = ((12.0 / 42.0) / (5.0 / 25.0) * 100.0_f64).round() / 100.0;
    assert_eq!(published["wres_indicator_2"]["relative_likelihood"].as_f64(), Some(expected));

    // inspect --write-config writes every value with its reading, the unclear one to complete.
    let config = dir.path().join("anchormap.toml");
    let args = ["inspect".as_ref(), applications.as_os_str(), "--write-config".as_ref(), config.as_os_str()];
    anchormap_ok_stdout(&args);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[values.status]"), "{text}");
    assert!(text.contains("\"Interviewed - Unsuccessful\" = \"shortlisted\""), "{text}");
    assert!(text.contains("\"Unsuccessful at shortlisting\" = \"applied\""), "{text}");
    let commented =
        text.lines().find(|l| l.starts_with(&format!("# \"{UNCLEAR}\" = \"\""))).expect("the unclear value, commented");
    let edited = text.replace(commented, &format!("\"{UNCLEAR}\" = \"appointed\""));
    std::fs::write(&config, edited).unwrap();
    let out = dir.path().join("configured");
    let mut args = vec!["--config".into(), config.into_os_string()];
    args.extend(funnel_args(&applications, &out, &["--min-count", "0", "--round-to", "1"]));
    anchormap_ok(args);
    assert_eq!(counts(&json(&out.join("not-for-publication/funnel_summary_exact.json"))), [67.0, 17.0, 0.0]);

    // A meaning that is not a status meaning is a usage error naming the file and line.
    std::fs::write(&map, format!("value,meaning\n{UNCLEAR},interviewed\n")).unwrap();
    let out = anchormap(funnel_args(&applications, &dir.path().join("bad"), &["--values", &option]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("status.csv, line 2") && err.contains("applied, shortlisted, appointed"), "{err}");
}

#[test]
fn many_unclear_statuses_stop_the_run_naming_them_and_the_flag() {
    let dir = temp_dir();
    let rows = [
        ("White - British", "Offer accepted", 10),
        ("White - British", "Pending", 3),
        ("White - British", "On hold", 1),
    ];
    let applications = write_applications(dir.path(), &rows);
    let err = anchormap_err(funnel_args(&applications, &dir.path().join("run"), &[]));
    assert!(err.contains("'Pending' (3), 'On hold' (1)") && err.contains("--values status=FILE"), "{err}");
    // A larger share allowed: the run goes on, leaving them out.
    let (_, exact) = funnel(&applications, &dir.path().join("allowed"), &["--max-unclear-share", "0.5"]);
    assert_eq!(counts(&exact), [10.0, 10.0, 4.0]);
}

/// Runs `anchormap` and insists it succeeded; returns stdout.
fn anchormap_ok_stdout(args: &[&std::ffi::OsStr]) -> String {
    let out = anchormap(args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_row_repeated_word_for_word_is_counted_once_and_ids_on_differing_rows_are_said() {
    let dir = temp_dir();
    let applications = write_applications(
        dir.path(),
        &[("White - British", "Offer accepted", 10), ("White - British", "Not shortlisted", 10)],
    );
    let mut text = std::fs::read_to_string(&applications).unwrap();
    let first = text.lines().nth(1).unwrap().to_string();
    text.push_str(&format!("{first}\n{first}\n"));
    text.push_str(&first.replace("Offer accepted", "Not shortlisted"));
    text.push('\n');
    std::fs::write(&applications, text).unwrap();
    let out = dir.path().join("run");
    let stderr = anchormap_ok(funnel_args(&applications, &out, &["--min-count", "0", "--round-to", "1"]));
    let exact = json(&out.join("not-for-publication/funnel_summary_exact.json"));
    let a = &exact["applications"];
    // 20 applications and one differing row: 21 counted; the 2 exact repeats not.
    assert_eq!([&a["rows"], &a["duplicate_rows"], &a["rows_sharing_an_id"]].map(|v| v.as_u64().unwrap()), [21, 2, 1]);
    assert_eq!(a["appointed"].as_f64(), Some(10.0));
    assert!(
        stderr.contains("2 rows repeat an earlier row word for word")
            && stderr.contains("1 application ids are on rows that differ"),
        "{stderr}"
    );
}

/// An appointments file: (postcode, medium, first attendance, count) rows at site S1.
fn write_appointments(dir: &Path, rows: &[(&str, &str, &str, u32)]) -> PathBuf {
    let mut text = String::from("patient_postcode,site_code,attendance_mode,count,first_follow_up\n");
    for (postcode, medium, first, count) in rows {
        text.push_str(&format!("{postcode},S1,{medium},{count},{first}\n"));
    }
    let path = dir.join("appointments.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn emissions(appointments: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<std::ffi::OsString> = vec!["emissions".into(), "--appointments".into(), appointments.into()];
    args.extend(fixture_reference_args());
    args.extend([
        "--out".into(),
        out.into(),
        "-q".into(),
        "--min-count".into(),
        "0".into(),
        "--round-to".into(),
        "1".into(),
    ]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap(args)
}

fn exact_appointments(out: &Path) -> [f64; 3] {
    let e = json(&out.join("not-for-publication/emissions_summary_exact.json"));
    ["face_to_face", "virtual", "mode_not_recorded_counted_as_face_to_face"].map(|k| e[k].as_f64().unwrap())
}

#[test]
fn a_blank_medium_column_stops_the_run_unless_the_first_attendance_codes_give_the_medium() {
    let dir = temp_dir();
    let blank = write_appointments(dir.path(), &[("XX1 1AA", "", "First", 3), ("XX1 1AD", "", "Follow-up", 2)]);
    let out = emissions(&blank, &dir.path().join("blank"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("column 'attendance_mode'") && stderr.contains("blank on all 2 rows"), "{stderr}");
    assert!(
        stderr.contains("--appointment-columns mode=HEADER") && stderr.contains("--values medium=FILE"),
        "{stderr}"
    );
    // inspect says the same of the file.
    let report = anchormap_ok_stdout(&["inspect".as_ref(), "--json".as_ref(), blank.as_os_str()]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let notes = report["files"][0]["notes"].to_string();
    assert!(notes.contains("'attendance_mode' (mode) is blank on all 2 rows; emissions stops"), "{notes}");

    // Codes 1 (face to face) and 3 (telephone or telemedicine) in the first-attendance column: used, and said.
    let coded = write_appointments(dir.path(), &[("XX1 1AA", "", "1", 3), ("XX1 1AD", "", "3", 2)]);
    let run = dir.path().join("coded");
    let out = emissions(&coded, &run, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("taken from the first-attendance codes"), "{stderr}");
    assert_eq!(exact_appointments(&run), [3.0, 2.0, 0.0]);

    // A medium the built-in reading does not know, mapped by the user: read as mapped.
    let worded = write_appointments(
        dir.path(),
        &[("XX1 1AA", "In clinic", "First", 3), ("XX1 1AD", "Phone call", "Follow-up", 2)],
    );
    let map = dir.path().join("medium.csv");
    std::fs::write(&map, "In clinic,face to face\nPhone call,telephone\n").unwrap();
    let run = dir.path().join("mapped");
    let option = format!("medium={}", map.display());
    let out = emissions(&worded, &run, &["--values", &option]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(exact_appointments(&run), [3.0, 2.0, 0.0]);
}

#[test]
fn a_band_map_puts_a_trusts_own_band_spelling_in_its_group_for_gaps() {
    let dir = temp_dir();
    let mut text = String::from("id,home_postcode,staff_group,band\n");
    for i in 0..20 {
        let band = if i < 10 { "Band 5" } else { "AfC Five" };
        text.push_str(&format!("S{i},XX1 1AA,Nursing,{band}\n"));
    }
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, text).unwrap();
    let band_5_to_7 = |out: &Path| {
        let (headers, rows) = read_csv(&out.join("gaps_by_decile_by_band.csv"));
        let staff = headers.iter().position(|h| h == "staff").unwrap();
        rows.iter().find(|r| r[0] == "Bands 5-7" && r[1] == "1").map(|r| r[staff].clone()).unwrap_or_default()
    };
    let run = |out: &Path, extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> =
            vec!["gaps".into(), "--staff".into(), staff.clone().into(), "--out".into(), out.into()];
        for (flag, file) in [
            ("--postcodes", "postcodes.csv"),
            ("--boundaries", "areas.geojson"),
            ("--deprivation", "imd.csv"),
            ("--population", "population.csv"),
            ("--community-codes", "community_codes.txt"),
        ] {
            args.extend([flag.into(), fixture(file).into()]);
        }
        args.extend(["--by", "band", "--min-count", "0", "--round-to", "1", "-q"].map(std::ffi::OsString::from));
        args.extend(extra.iter().map(std::ffi::OsString::from));
        anchormap_ok(args)
    };
    let plain = dir.path().join("plain");
    run(&plain, &[]);
    assert_eq!(band_5_to_7(&plain), "10");
    // Half the bands not read: said in the published summary by count, never by value.
    let summary = published_text(&plain.join("gaps_summary.json"));
    assert!(
        summary.contains("band values in column 'band' were not recognised (1 value that looks like free text")
            && summary.contains("--values band=FILE"),
        "{summary}"
    );
    for file in published_files(&plain) {
        assert!(!published_text(&file).contains("AfC Five"), "{} names an unread band", file.display());
    }
    let map = dir.path().join("band.csv");
    std::fs::write(&map, "AfC Five,5\n").unwrap();
    let mapped = dir.path().join("mapped");
    run(&mapped, &["--values", &format!("band={}", map.display())]);
    assert_eq!(band_5_to_7(&mapped), "20");
}

/// Issue 24: vacancy bands are read through the same band map as staff bands: a trust's own
/// spelling is not read (counted in a warning, not entry level) until mapped, then it is.
#[test]
fn a_band_map_reads_vacancy_bands_too() {
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "home_postcode,band\nXX1 1AA,Band 5\nXX1 1AD,Band 2\n").unwrap();
    let vacancies = dir.path().join("vacancies.csv");
    std::fs::write(&vacancies, "Vacancy Reference,Site,Pay Band\nV1,S1,AfC Two\nV2,S1,Band 2\nV3,S1,Band 6\n").unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.clone().into()];
        args.extend(fixture_reference_args());
        args.extend(["--vacancies".into(), vacancies.clone().into(), "--out".into(), out.into()]);
        args.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
        args.extend(extra.iter().map(std::ffi::OsString::from));
        let stderr = anchormap_ok(args);
        (json(&out.join("gaps_summary.json")), stderr)
    };
    let (plain, stderr) = run(&dir.path().join("plain"), &[]);
    assert_eq!(plain["vacancies"]["entry_level"].as_u64(), Some(1), "{}", plain["vacancies"]);
    let said = stderr.contains("1 of 3 vacancies have a band value not read") && stderr.contains("--values band=FILE");
    assert!(said, "{stderr}");
    assert!(!stderr.contains("AfC Two"), "a value not read is counted, not echoed: {stderr}");
    let map = dir.path().join("band.csv");
    std::fs::write(&map, "AfC Two,2\n").unwrap();
    let (mapped, stderr) = run(&dir.path().join("mapped"), &["--values", &format!("band={}", map.display())]);
    assert_eq!(mapped["vacancies"]["entry_level"].as_u64(), Some(2), "{}", mapped["vacancies"]);
    assert!(!stderr.contains("band value not read"), "{stderr}");
}

/// `gaps` on a staff file of `rows` (home postcode, staff group, band), with extra arguments.
fn gaps_on(staff_rows: &[(&str, &str, &str)], dir: &Path, name: &str, extra: &[&str]) -> std::process::Output {
    let mut text = String::from("id,home_postcode,staff_group,band\n");
    for (i, (postcode, group, band)) in staff_rows.iter().enumerate() {
        text.push_str(&format!("S{i},{postcode},{group},{band}\n"));
    }
    let staff = dir.join(format!("{name}.csv"));
    std::fs::write(&staff, text).unwrap();
    let mut args: Vec<std::ffi::OsString> =
        vec!["gaps".into(), "--staff".into(), staff.into(), "--out".into(), dir.join(name).into()];
    for (flag, file) in [
        ("--postcodes", "postcodes.csv"),
        ("--boundaries", "areas.geojson"),
        ("--deprivation", "imd.csv"),
        ("--population", "population.csv"),
        ("--community-codes", "community_codes.txt"),
    ] {
        args.extend([flag.into(), fixture(file).into()]);
    }
    args.extend(["--min-count", "0", "--round-to", "1"].map(std::ffi::OsString::from));
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap(args)
}

/// Issue 24 item 3: a band column blank on every row stops a run that tables bands (every row would
/// silently be "not recorded"), naming the column, the count and the flag; not tabled, or one
/// staff group on every row, it is a warning naming the column and count.
#[test]
fn a_degenerate_band_or_staff_group_column_is_said_and_stops_the_run_that_tables_it() {
    let dir = temp_dir();
    let rows: Vec<(&str, &str, &str)> = (0..4).map(|i| (["XX1 1AA", "XX1 1AD"][i % 2], "Nursing", "")).collect();
    let out = gaps_on(&rows, dir.path(), "by_band", &["--by", "band"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let error = stderr.lines().last().unwrap();
    assert!(
        error.contains("by_band.csv")
            && error.contains("'band'")
            && error.contains("blank on all 4 rows")
            && error.contains("--staff-columns band=HEADER"),
        "{error}"
    );
    let out = gaps_on(&rows, dir.path(), "plain", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("column 'band': the band is blank on all 4 rows"), "{stderr}");
    assert!(stderr.contains("column 'staff_group': the staff group is 'Nursing' on all 4 rows"), "{stderr}");
}

/// Issue 24 item 3: a first/follow-up column blank on every row stops a scenario limited to
/// follow-ups (it would silently move nothing); without a scenario it is a warning.
#[test]
fn a_blank_first_follow_up_column_stops_a_follow_up_scenario() {
    let dir = temp_dir();
    let blank = write_appointments(dir.path(), &[("XX1 1AA", "face to face", "", 3), ("XX1 1AD", "video", "", 2)]);
    let out = emissions(&blank, &dir.path().join("scenario"), &["--shift-to-virtual", "0.5"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error = stderr.lines().last().unwrap();
    assert!(
        error.contains("'first_follow_up'")
            && error.contains("blank on all 2 rows")
            && error.contains("--shift-applies-to all"),
        "{error}"
    );
    let out = emissions(&blank, &dir.path().join("all"), &["--shift-to-virtual", "0.5", "--shift-applies-to", "all"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = emissions(&blank, &dir.path().join("none"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("the first/follow-up is blank on all 2 rows"), "{stderr}");
}
