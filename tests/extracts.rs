//! Real NHS extracts as they come (issue 12): an ESR staff-in-post export, a TRAC vacancy export
//! naming sites, a SUS outpatient extract with Data Dictionary headers and a HES extract keyed by
//! LSOA 2011 with FIRSTATT telephone codes, run with no column flags, against hand counts.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::util::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The fixture site list, with the other names extracts use for the sites.
fn sites(dir: &Path) -> PathBuf {
    write(
        dir,
        "sites.csv",
        "site_code,site_name,postcode,easting,northing,aliases\n\
         S1,Testtown General,,400500,301000,TTG|Testtown General Hospital\n\
         S2,Prawfdref Clinic,XX1 1AG,,,\n",
    )
}

fn reference(sites: &Path) -> Vec<OsString> {
    let line = Line::default().arg("--sites", sites).fixtures(&FIXTURE_REFERENCE[1..]);
    line.args(["--min-count", "0", "--round-to", "1", "-q"]).into()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// ESR: "Pay Band" beside "Grade", doctors with grades and the Medical and Dental staff group,
/// UK dates; TRAC: vacancies naming their site by name or alias.
#[test]
fn esr_and_trac_exports_run_with_no_column_flags() {
    let dir = temp_dir();
    let sites = sites(dir.path());
    let mut esr = String::from(
        "Employee Number,Assignment Number,Staff Group,Grade,Pay Band,Latest Start Date,Postcode,Age Band,Gender,Ethnic Origin,Contracted WTE\n",
    );
    let rows = [
        (3, "Additional Clinical Services", "XR02", "Band 2", "01/04/2025"),
        (2, "Nursing and Midwifery Registered", "XR05", "Band 5", "15/03/2019"),
        (1, "Administrative and Clerical", "XR08A", "Band 8 - Range A", "2020-01-01"),
        (2, "Medical and Dental", "Foundation Year 1", "", "02/08/2025"),
        (1, "Medical and Dental", "Consultant", "", "01/01/2010"),
    ];
    let mut n = 0;
    for (count, group, grade, band, start) in rows {
        for _ in 0..count {
            n += 1;
            esr.push_str(&format!(
                "{n},{n}-1,{group},{grade},{band},{start},XX1 1AA,25-29,Female,A White - British,1\n"
            ));
        }
    }
    let staff = write(dir.path(), "esr_staff_in_post.csv", &esr);
    let trac = write(
        dir.path(),
        "trac_vacancies.csv",
        "Vacancy Reference,Job Title,Site,Band,Closing Date\n\
         200-1,Healthcare Support Worker,Testtown General,Band 3,30/11/2026\n\
         200-2,Domestic Assistant,TESTTOWN GENERAL HOSPITAL,Band 2,14/12/2026\n\
         200-3,Staff Nurse,ttg,Band 5,01/12/2026\n",
    );
    let out = dir.path().join("gaps");
    let mut args: Vec<OsString> =
        vec!["gaps".into(), "--staff".into(), staff.into(), "--vacancies".into(), trac.into()];
    args.extend(reference(&sites));
    args.extend(
        ["--community-radius-km", "50", "--by", "band", "--by", "starter", "--new-starters-since", "2025-04-01"]
            .map(OsString::from),
    );
    args.extend(["--out".into(), out.clone().into()]);
    anchormap_ok(args);

    // Band groups, by hand: 3 in bands 1-4, 2 in 5-7, 1 in 8a-9, 3 medical (two FY1 and a consultant).
    let (_, bands) = read_csv(&out.join("gaps_by_decile_by_band.csv"));
    let total = |group: &str| bands.iter().find(|r| r[0] == group && r[1] == "total").map(|r| r[2].clone());
    assert_eq!(total("Bands 1-4").as_deref(), Some("3"));
    assert_eq!(total("Bands 5-7").as_deref(), Some("2"));
    assert_eq!(total("Bands 8a-9").as_deref(), Some("1"));
    assert_eq!(total("Medical and dental").as_deref(), Some("3"));
    assert_eq!(total("Band not recorded"), None, "every row has a band group");
    // New starters since 1 April 2025 (dd/mm/yyyy and ISO dates): the 3 band 2s and the 2 FY1s.
    let (_, starters) = read_csv(&out.join("gaps_by_decile_by_starter.csv"));
    let total = |group: &str| starters.iter().find(|r| r[0] == group && r[1] == "total").map(|r| r[2].clone());
    assert_eq!(total("New starters").as_deref(), Some("5"));
    assert_eq!(total("Existing staff").as_deref(), Some("4"));
    // Every vacancy located through the site list's names and aliases.
    let (headers, reach) = read_csv(&out.join("vacancies_reach.csv"));
    let located_by = headers.iter().position(|h| h == "located_by").unwrap();
    assert_eq!(reach.iter().map(|r| r[located_by].as_str()).collect::<Vec<_>>(), ["site", "site", "site"]);

    // Vacancies that match no site are refused in one line naming the way out.
    let unknown = write(
        dir.path(),
        "unknown_sites.csv",
        "Vacancy Reference,Job Title,Site,Band\n1,Porter,Kidderminster Treatment Centre,Band 2\n",
    );
    let mut args: Vec<OsString> =
        vec!["gaps".into(), "--staff".into(), dir.path().join("esr_staff_in_post.csv").into()];
    args.extend(["--vacancies".into(), unknown.into()]);
    args.extend(reference(&sites));
    args.extend(["--community-radius-km".into(), "50".into(), "--out".into(), dir.path().join("g2").into()]);
    let line = anchormap_err(args);
    assert!(line.contains("'Kidderminster Treatment Centre'") && line.contains("aliases"), "{line}");
    assert!(line.contains("--vacancy-columns site=HEADER"), "{line}");
}

fn emissions(dir: &Path, appointments: &Path, name: &str) -> serde_json::Value {
    let factors = write(dir, "factors.csv", "mode,kgco2e_per_km\ncar,0.2\n");
    let out = dir.join(name);
    let mut args: Vec<OsString> = vec!["emissions".into(), "--appointments".into(), appointments.into()];
    args.extend(reference(&sites(dir)));
    args.extend(["--circuity", "1", "--mode-share", "car=1", "--shift-to-virtual", "0.5"].map(OsString::from));
    args.extend(["--factors".into(), factors.into(), "--out".into(), out.clone().into()]);
    anchormap_ok(args);
    read_json(&out.join("not-for-publication/emissions_summary_exact.json"))
}

/// SUS with Data Dictionary headers: journeys only for attended appointments (5, 6 and 7), the
/// scenario on follow-ups. Every trip is 500 m from S1: 1 km return, 0.2 kg.
#[test]
fn a_sus_extract_runs_with_no_column_flags() {
    let dir = temp_dir();
    let mut sus = String::from(
        "POSTCODE OF USUAL ADDRESS,SITE CODE (OF TREATMENT),TREATMENT FUNCTION CODE,FIRST ATTENDANCE,CONSULTATION MEDIUM USED,ATTENDED OR DID NOT ATTEND,APPOINTMENT DATE\n",
    );
    for (count, first, medium, attended) in [
        (4, "1", "01", "5"),
        (6, "2", "01", "6"),
        (2, "2", "01", "3"),
        (1, "2", "01", "2"),
        (1, "2", "01", "7"),
        (2, "2", "02", "5"),
    ] {
        for _ in 0..count {
            sus.push_str(&format!("XX1 1AA,S1,110,{first},{medium},{attended},05/06/2025\n"));
        }
    }
    let file = write(dir.path(), "sus_outpatients.csv", &sus);
    let exact = emissions(dir.path(), &file, "sus");
    assert_eq!(exact["face_to_face"], 11.0, "4 + 6 + 1 (arrived late, not seen: still travelled)");
    assert_eq!(exact["virtual"], 2.0);
    let not_attended = serde_json::json!({"did_not_attend": 2, "cancelled_by_patient": 1});
    assert_eq!(exact["not_attended_by_reason"], not_attended, "counts as integers");
    assert_eq!(exact["appointments_total"], 16.0);
    assert!((exact["kgco2e_total"].as_f64().unwrap() - 2.2).abs() < 1e-9);
    // Half of the 7 attended face-to-face follow-ups: 3.5 trips of 0.2 kg.
    let published = read_json(&dir.path().join("sus/emissions_summary.json"));
    assert_eq!(published["scenario"]["applies_to"], "follow-ups");
    assert!((published["scenario"]["kgco2e_saved"].as_f64().unwrap() - 0.7).abs() < 1e-9);
    assert_eq!(exact["dates_not_read"], 0);
}

/// HES keyed by LSOA 2011, no consultation medium: FIRSTATT 3 and 4 are telephone appointments.
#[test]
fn a_hes_extract_keyed_by_lsoa_with_firstatt_codes_runs_with_no_column_flags() {
    let dir = temp_dir();
    let mut hes = String::from("LSOA11,SITETRET,TRETSPEF,FIRSTATT,ATTENDED,APPTDATE\n");
    for (count, firstatt, attended) in [(2, "1", "5"), (3, "2", "5"), (1, "3", "5"), (2, "4", "5"), (1, "2", "3")] {
        for _ in 0..count {
            hes.push_str(&format!("E01900003,S1,100,{firstatt},{attended},2025-06-05\n"));
        }
    }
    let file = write(dir.path(), "hes_op.csv", &hes);
    let exact = emissions(dir.path(), &file, "hes");
    assert_eq!(exact["face_to_face"], 5.0);
    assert_eq!(exact["virtual"], 3.0, "FIRSTATT 3 and 4: telephone or telemedicine");
    assert_eq!(exact["not_attended_by_reason"]["did_not_attend"], 1.0);
    assert_eq!(exact["patients_located_by"]["area_centroid"], 8.0, "every attended appointment, by its LSOA");
    let published = read_json(&dir.path().join("hes/emissions_summary.json"));
    assert!((published["scenario"]["kgco2e_saved"].as_f64().unwrap() - 0.3).abs() < 1e-9, "half of 3 follow-ups");
}

/// Never a silent wrong answer: no first/follow-up column with a scenario, a misread medium.
#[test]
fn degenerate_appointment_files_stop_naming_the_flag() {
    let dir = temp_dir();
    let sites = sites(dir.path());
    let run = |name: &str, text: &str, extra: &[&str]| {
        let file = write(dir.path(), name, text);
        let mut args: Vec<OsString> = vec!["emissions".into(), "--appointments".into(), file.into()];
        args.extend(reference(&sites));
        args.extend(extra.iter().map(OsString::from));
        args.extend(["--out".into(), dir.path().join(name).with_extension("out").into()]);
        anchormap_err(args)
    };
    let line = run("plain.csv", "postcode,site,mode\nXX1 1AA,S1,01\n", &["--shift-to-virtual", "0.25"]);
    assert!(
        line.contains("--appointment-columns first_follow_up=HEADER") && line.contains("--shift-applies-to all"),
        "{line}"
    );
    let misread = "postcode,site,mode\nXX1 1AA,S1,Phone call\nXX1 1AA,S1,In clinic\nXX1 1AA,S1,01\n";
    let line = run("misread.csv", misread, &[]);
    assert!(line.contains("column 'mode'") && line.contains("'Phone call' (1)"), "{line}");
    assert!(line.contains("--appointment-columns mode=HEADER"), "{line}");
}

/// The fixture reference data as LSOA 2021 (codes E019000xx become E019900xx), with the ONS
/// lookup from LSOA 2011: E01900003 split in two, the others unchanged.
fn reference_2021(dir: &Path) -> Vec<OsString> {
    let recode = |name: &str| {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let text = text.replace("E019000", "E019900").replace("LSOA11", "LSOA21").replace("(2011)", "(2021)");
        write(dir, &format!("2021_{name}"), &text)
    };
    let bridge = write(
        dir,
        "lsoa11_lsoa21.csv",
        "LSOA11CD,CHGIND,LSOA21CD\nE01900001,U,E01990001\nE01900002,U,E01990002\nE01900003,S,E01990003\nE01900003,S,E01990004\nE01900004,U,E01990004\n",
    );
    let mut args: Vec<OsString> =
        vec!["--sites".into(), sites(dir).into(), "--postcodes".into(), fixture("postcodes.csv").into()];
    for (flag, file) in
        [("--boundaries", "areas.geojson"), ("--deprivation", "imd.csv"), ("--population", "population.csv")]
    {
        args.extend([flag.into(), recode(file).into()]);
    }
    args.extend(["--area-bridge".into(), bridge.into()]);
    args.extend(["--min-count", "0", "--round-to", "1", "-q", "--mode-share", "car=1"].map(OsString::from));
    args
}

/// Issue 24: `inspect` reads a HES extract as `emissions` does (appointments, by its LSOA 2011
/// codes and FIRSTATT), and says how many rows hold LSOA 2011 codes, which a run on LSOA 2021
/// boundaries bridges: exactly those rows are bridged there.
#[test]
fn inspect_recognises_a_hes_extract_and_counts_the_lsoa_2011_codes_emissions_bridges() {
    let dir = temp_dir();
    let mut hes = String::from("LSOA11,SITETRET,TRETSPEF,FIRSTATT,ATTENDED,APPTDATE\n");
    for (count, lsoa, firstatt) in
        [(4, "E01900003", "1"), (3, "E01900003", "2"), (2, "E01900001", "2"), (2, "E01900002", "4")]
    {
        for _ in 0..count {
            hes.push_str(&format!("{lsoa},S1,100,{firstatt},5,2025-06-05\n"));
        }
    }
    let file = write(dir.path(), "hes_op.csv", &hes);
    let out = anchormap(["inspect".as_ref(), "--json".as_ref(), file.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inspected = &report["files"][0];
    assert_eq!(inspected["classification"]["kind"], "appointments", "{inspected}");
    let notes = inspected["notes"].to_string();
    assert!(
        notes.contains("'LSOA11' holds LSOA 2011 codes (by its header), on 11 rows") && notes.contains("--area-bridge"),
        "{notes}"
    );

    let run = dir.path().join("on-2021");
    let mut args: Vec<OsString> = vec!["emissions".into(), "--appointments".into(), file.into()];
    args.extend(reference_2021(dir.path()));
    args.extend(["--out".into(), run.clone().into()]);
    anchormap_ok(args);
    let exact = read_json(&run.join("not-for-publication/emissions_summary_exact.json"));
    let bridged = &exact["patient_areas_bridged_by_change"];
    assert_eq!((bridged["unchanged"].as_f64(), bridged["split"].as_f64()), (Some(4.0), Some(7.0)), "{bridged}");
    assert_eq!(exact["appointments_placed"].as_f64(), Some(11.0), "{exact}");
    // Counts as integers in the exact summary, the shares of a split area summed back whole.
    assert!(exact["appointments_placed"].is_u64() && bridged["split"].is_u64(), "{exact}");
    let text = std::fs::read_to_string(run.join("not-for-publication/emissions_summary_exact.json")).unwrap();
    assert!(!text.contains("00000000") && !text.contains(".0,"), "{text}");
}

/// `inspect --json`'s reading of one file.
fn inspected(file: &Path) -> serde_json::Value {
    let out = anchormap(["inspect".as_ref(), "--json".as_ref(), file.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["files"][0].clone()
}

/// The header inspect reads a role from.
fn column_of<'a>(inspected: &'a serde_json::Value, role: &str) -> &'a str {
    let columns = inspected["columns"].as_array().unwrap();
    columns.iter().find(|c| c["role"] == role).and_then(|c| c["column"].as_str()).unwrap_or_else(|| panic!("{role}"))
}

/// Rows inspect reads a role's values as meaning something containing `meaning`.
fn rows_read_as(inspected: &serde_json::Value, role: &str, meaning: &str) -> u64 {
    let profiles = inspected["profiles"].as_array().unwrap();
    let profile = profiles.iter().find(|p| p["role"] == role).unwrap_or_else(|| panic!("no profile of {role}"));
    let values = profile["values"].as_array().unwrap();
    let reads = |m: &str| m == meaning || (meaning.starts_with('(') && m.ends_with(meaning));
    values.iter().filter(|v| v["meaning"].as_str().is_some_and(reads)).map(|v| v["rows"].as_u64().unwrap()).sum()
}

fn profile_of<'a>(inspected: &'a serde_json::Value, role: &str) -> &'a serde_json::Value {
    inspected["profiles"].as_array().unwrap().iter().find(|p| p["role"] == role).unwrap()
}

/// Issue 24 item 6: on holdout-style extracts (a work postcode before the home one, other status and
/// medium wordings, values not read), `inspect --json` and each command's summary agree: the kind,
/// the column read as the home postcode, the rows, and how many rows read as each meaning.
#[test]
fn inspect_json_and_each_commands_summary_agree_on_holdout_extracts() {
    let dir = temp_dir();
    let sites = sites(dir.path());
    let community = fixture("community_codes.txt");
    let common = |args: &mut Vec<OsString>| {
        args.extend(reference(&sites));
        args.extend(["--community-codes".into(), community.clone().into()]);
    };

    // Staff (gaps): ESR with "Work Location Postcode" first; bands 2 (3), 6 (2), one "Bank".
    let mut esr = String::from("Employee Number,Work Location Postcode,Home Postcode,Pay Band,Staff Group\n");
    for (i, band) in ["Band 2", "Band 2", "Band 2", "Band 6", "Band 6", "Bank"].iter().enumerate() {
        esr.push_str(&format!("{i},XX1 1AG,XX1 1AA,{band},Nursing\n"));
    }
    let staff = write(dir.path(), "esr.csv", &esr);
    let seen = inspected(&staff);
    assert_eq!(seen["classification"]["kind"], "staff");
    assert_eq!(column_of(&seen, "postcode"), "Home Postcode");
    let out = dir.path().join("gaps");
    let mut args: Vec<OsString> = vec!["gaps".into(), "--staff".into(), staff.into(), "--by".into(), "band".into()];
    common(&mut args);
    args.extend(["--out".into(), out.clone().into()]);
    anchormap_ok(args);
    let summary = read_json(&out.join("gaps_summary.json"));
    assert!(summary["postcode_column"].as_str().unwrap().contains("column 'Home Postcode'"), "{summary}");
    let exact = read_json(&out.join("not-for-publication/gaps_summary_exact.json"));
    assert_eq!(exact["staff"]["rows"].as_f64(), seen["rows_read"].as_f64());
    let (_, bands) = read_csv(&out.join("gaps_by_decile_by_band.csv"));
    let total = |group: &str| {
        bands.iter().find(|r| r[0] == group && r[1] == "total").map_or(0, |r| r[2].parse::<u64>().unwrap())
    };
    assert_eq!(total("Bands 1-4"), rows_read_as(&seen, "band", "(Bands 1-4)"));
    assert_eq!(total("Bands 5-7"), rows_read_as(&seen, "band", "(Bands 5-7)"));
    let band = profile_of(&seen, "band");
    assert_eq!(total("Band not recorded"), band["unrecognised"].as_u64().unwrap() + band["blank"].as_u64().unwrap());

    // Applications (funnel): NHS Jobs wordings, one unclear.
    let mut text =
        String::from("Application ID,Job Location Postcode,Applicant Postcode,Ethnicity,Application Status\n");
    let statuses = [("Offer accepted", 5), ("Interviewed - Unsuccessful", 10), ("Not shortlisted", 24)];
    let mut id = 0;
    for (status, n) in statuses.into_iter().chain([("Successful at interview", 1)]) {
        for _ in 0..n {
            id += 1;
            text.push_str(&format!("A{id},XX1 1AG,XX1 1AA,White - British,{status}\n"));
        }
    }
    let applications = write(dir.path(), "nhs_jobs.csv", &text);
    let seen = inspected(&applications);
    assert_eq!(seen["classification"]["kind"], "applications");
    assert_eq!(column_of(&seen, "postcode"), "Applicant Postcode");
    let out = dir.path().join("funnel");
    let mut args: Vec<OsString> = vec!["funnel".into(), "--applications".into(), applications.into()];
    common(&mut args);
    args.extend(["--vacancies".into(), fixture("vacancies.csv").into(), "--out".into(), out.clone().into()]);
    anchormap_ok(args);
    let summary = read_json(&out.join("funnel_summary.json"));
    assert!(summary["postcode_column"].as_str().unwrap().contains("column 'Applicant Postcode'"), "{summary}");
    let exact = read_json(&out.join("not-for-publication/funnel_summary_exact.json"));
    let counted = &exact["applications"];
    assert_eq!(counted["rows"].as_f64(), seen["rows_read"].as_f64());
    assert_eq!(counted["appointed"].as_f64(), Some(rows_read_as(&seen, "stage", "appointed") as f64));
    let shortlisted =
        rows_read_as(&seen, "stage", "shortlisted, not appointed") + rows_read_as(&seen, "stage", "appointed");
    assert_eq!(counted["shortlisted"].as_f64(), Some(shortlisted as f64));
    assert_eq!(counted["status_unclear"].as_f64(), profile_of(&seen, "stage")["unrecognised"].as_f64());

    // Appointments (emissions): SUS headers, a site postcode column, a medium worded two ways.
    let mut sus = String::from(
        "SITE POSTCODE,POSTCODE OF USUAL ADDRESS,SITE CODE (OF TREATMENT),FIRST ATTENDANCE,CONSULTATION MEDIUM USED\n",
    );
    for (n, medium) in [(3, "01"), (2, "Face to face"), (2, "02"), (1, "Telephone")] {
        for _ in 0..n {
            sus.push_str(&format!("XX1 1AG,XX1 1AA,S1,2,{medium}\n"));
        }
    }
    let appointments = write(dir.path(), "sus.csv", &sus);
    let seen = inspected(&appointments);
    assert_eq!(seen["classification"]["kind"], "appointments");
    assert_eq!(column_of(&seen, "postcode"), "POSTCODE OF USUAL ADDRESS");
    let exact = emissions(dir.path(), &appointments, "emissions");
    let face_to_face = rows_read_as(&seen, "mode", "face to face");
    assert_eq!(exact["appointments_total"].as_f64(), seen["rows_read"].as_f64());
    assert_eq!(exact["face_to_face"].as_f64(), Some(face_to_face as f64));
    assert_eq!(exact["virtual"].as_f64(), Some((8 - face_to_face) as f64));
}
