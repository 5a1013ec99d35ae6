//! `anchormap inspect`: real-style extracts (ESR staff in post, TRAC vacancies, SUS outpatients) and the national reference files are told apart, their columns named, their values profiled without a postcode, and the settings written.

use std::path::{Path, PathBuf};

use crate::util::*;

/// Home postcodes of the ESR fixture: none may appear in what inspect prints.
const ESR_POSTCODES: [&str; 5] = ["WR5 1DD", "WR1 3AS", "B60 1AX", "HR1 2ER", "WR9 7DQ"];

/// An ESR staff-in-post export as the Business Intelligence report writes it, with `postcodes` for homes.
fn esr_staff(dir: &Path, postcodes: &[&str]) -> PathBuf {
    let mut text = String::from(
        "Employee Number,Assignment Number,Staff Group,Grade,Pay Band,Latest Start Date,Postcode,Age Band,Gender,Ethnic Origin,Contracted WTE\n",
    );
    let rows = [
        (
            "Additional Clinical Services",
            "Healthcare Assistant",
            "Band 2",
            "01/04/2024",
            "26-30",
            "Female",
            "A White - British",
            "1.00",
        ),
        (
            "Additional Clinical Services",
            "Healthcare Assistant",
            "Band 3",
            "15/09/2021",
            "31-35",
            "Male",
            "A White - British",
            "0.80",
        ),
        (
            "Nursing and Midwifery Registered",
            "Staff Nurse",
            "Band 5",
            "2019-03-01",
            "41-45",
            "Female",
            "H Asian or Asian British - Indian",
            "1.00",
        ),
        ("Medical and Dental", "Foundation Year 1", "", "02/08/2023", "21-25", "Male", "A White - British", "1.00"),
        ("Administrative and Clerical", "Manager", "Band 8A", "01/04/2024", "46-50", "Female", "Z Not Stated", "1.00"),
        ("Estates and Ancillary", "Porter", "Bank", "soon", "56-60", "Male", "A White - British", "0.50"),
        ("Estates and Ancillary", "Porter", "Bank", "01/01/2020", "61-65", "Male", "A White - British", "0.40"),
    ];
    for (i, (group, grade, band, start, age, gender, ethnic, wte)) in rows.iter().enumerate() {
        let postcode = postcodes[i % postcodes.len()];
        let postcode = if i == 5 { "NOT KNOWN" } else { postcode };
        text.push_str(&format!(
            "{},{},{group},{grade},{band},{start},{postcode},{age},{gender},{ethnic},{wte}\n",
            10_000 + i,
            20_000 + i
        ));
    }
    let path = dir.join("esr_staff_in_post.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// A TRAC vacancy export: sites by name, bands as TRAC writes them.
fn trac_vacancies(dir: &Path) -> PathBuf {
    let path = dir.join("trac_vacancies.csv");
    std::fs::write(
        &path,
        "Vacancy Reference,Job Title,Site,Band,Closing Date\n\
         C9180-24-0001,Healthcare Assistant,Worcestershire Royal Hospital,Band 3,30/06/2024\n\
         C9180-24-0002,Domestic Assistant,Alexandra Hospital,Band 2,30/06/2024\n\
         C9180-24-0003,Staff Nurse,Worcestershire Royal Hospital,Band 5,14/07/2024\n\
         C9180-24-0004,Service Manager,Kidderminster Hospital,Band 8 - Range A,14/07/2024\n\
         C9180-24-0005,Ward Clerk,Alexandra Hospital,TBC,31/07/2024\n",
    )
    .unwrap();
    path
}

/// A SUS outpatients extract with NHS Data Dictionary headers.
fn sus_outpatients(dir: &Path) -> PathBuf {
    let mut text = String::from(
        "POSTCODE OF USUAL ADDRESS,SITE CODE (OF TREATMENT),TREATMENT FUNCTION CODE,FIRST ATTENDANCE,CONSULTATION MEDIUM USED,ATTENDED OR DID NOT ATTEND,APPOINTMENT DATE\n",
    );
    let rows = [
        ("WR5 1DD", "RWP50", "110", "1", "01", "5", "2024-05-01"),
        ("WR1 3AS", "RWP50", "110", "2", "02", "6", "2024-05-02"),
        ("B60 1AX", "RWP01", "130", "3", "03", "2", "2024-05-03"),
        ("HR1 2ER", "RWP01", "130", "4", "01", "7", "2024-05-03"),
        ("WR9 7DQ", "RWP50", "300", "2", "99", "5", "2024-05-07"),
    ];
    for (postcode, site, tfc, first, medium, attended, date) in rows {
        text.push_str(&format!("{postcode},{site},{tfc},{first},{medium},{attended},{date}\n"));
    }
    let path = dir.join("sus_outpatients.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs inspect and returns its stdout (it must succeed).
fn inspect(args: &[&std::ffi::OsStr]) -> String {
    let mut all: Vec<&std::ffi::OsStr> = vec!["inspect".as_ref()];
    all.extend(args);
    let out = anchormap(&all);
    assert!(out.status.success(), "inspect failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The line of `text` that starts (after spaces) with `start`.
fn line_starting<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines().find(|l| l.trim_start().starts_with(start)).unwrap_or_else(|| panic!("no line '{start}' in:\n{text}"))
}

fn assert_no_postcode(text: &str) {
    for postcode in ESR_POSTCODES {
        assert!(!text.contains(postcode), "a postcode ({postcode}) is printed:\n{text}");
        assert!(!text.contains(&postcode.replace(' ', "")), "a postcode ({postcode}) is printed:\n{text}");
    }
}

#[test]
fn an_esr_export_is_staff_with_its_postcode_and_band_columns_named() {
    let dir = temp_dir();
    let esr = esr_staff(dir.path(), &ESR_POSTCODES);
    let text = inspect(&[esr.as_os_str()]);
    assert!(text.lines().next().unwrap().ends_with("esr_staff_in_post.csv: staff"), "{text}");
    assert!(line_starting(&text, "Postcode ").contains("postcode"), "{text}");
    assert!(line_starting(&text, "Pay Band ").contains("band"), "{text}");
    assert!(line_starting(&text, "Latest Start Date ").contains("start_date"), "{text}");
    assert!(line_starting(&text, "unused:").contains("'Grade'"), "the second grade column is left unused: {text}");
    assert!(text.contains("note: 'Grade' is also a pay band or grade column; 'Pay Band' is read (to read the other: --staff-columns band=Grade)"), "{text}");
    // Values: bands with their groups, the unrecognised ones listed with counts, postcodes counted only.
    assert!(line_starting(&text, "Pay Band (band):").contains("2 UNRECOGNISED"), "{text}");
    let unrecognised = &text[text.find("UNRECOGNISED:").unwrap()..];
    assert!(line_starting(unrecognised, "Bank").ends_with(" 2"), "{text}");
    assert!(line_starting(&text, "Band 8A").contains("Bands 8a-9"), "{text}");
    assert!(line_starting(&text, "Postcode (postcode):").contains("6 valid, 1 invalid, 0 blank"), "{text}");
    assert!(
        line_starting(&text, "Latest Start Date (start_date):").contains("from 2019-03-01 to 2024-04-01"),
        "{text}"
    );
    assert!(line_starting(&text, "Staff Group (staff_group):").contains("0 blank"), "{text}");
    assert!(line_starting(&text, "Medical and Dental").ends_with(" 1"), "{text}");
    assert!(line_starting(&text, "staff_columns = ").contains(r#"postcode = "Postcode""#), "{text}");
    assert_no_postcode(&text);
    assert!(!text.contains("NOT KNOWN"), "an invalid postcode's text is not printed either");
}

#[test]
fn a_trac_export_is_vacancies_and_a_sus_extract_is_appointments() {
    let dir = temp_dir();
    let (trac, sus) = (trac_vacancies(dir.path()), sus_outpatients(dir.path()));
    let text = inspect(&[trac.as_os_str(), sus.as_os_str()]);
    assert!(text.contains("trac_vacancies.csv: vacancies\n"), "{text}");
    assert!(line_starting(&text, "Vacancy Reference ").contains("id"), "{text}");
    assert!(line_starting(&text, "Worcestershire Royal Hospital").ends_with(" 2"), "{text}");
    assert!(line_starting(&text, "Band (band):").contains("4 recognised, 0 blank, 1 UNRECOGNISED"), "{text}");
    assert!(line_starting(&text, "TBC").ends_with(" 1"), "{text}");

    assert!(text.contains("sus_outpatients.csv: appointments\n"), "{text}");
    for (header, role) in [
        ("SITE CODE (OF TREATMENT) ", "site"),
        ("CONSULTATION MEDIUM USED ", "mode"),
        ("FIRST ATTENDANCE ", "first_follow_up"),
        ("ATTENDED OR DID NOT ATTEND ", "attended"),
        ("APPOINTMENT DATE ", "date"),
        ("TREATMENT FUNCTION CODE ", "specialty"),
        ("POSTCODE OF USUAL ADDRESS ", "postcode"),
    ] {
        assert!(line_starting(&text, header).split_whitespace().any(|w| w == role), "{header}: {text}");
    }
    let mode = line_starting(&text, "CONSULTATION MEDIUM USED (mode):");
    assert!(mode.contains("4 recognised, 0 blank, 1 UNRECOGNISED"), "{text}");
    assert!(line_starting(&text, "FIRST ATTENDANCE (first_follow_up):").contains("5 recognised"), "{text}");
    assert!(line_starting(&text, "99 ").ends_with(" 1"), "the unrecognised medium with its count: {text}");
    assert!(line_starting(&text, "appointment_columns = ").contains(r#"mode = "CONSULTATION MEDIUM USED""#), "{text}");
    assert_no_postcode(&text);
}

#[test]
fn json_and_forced_kinds_and_files_nothing_recognises() {
    let dir = temp_dir();
    let esr = esr_staff(dir.path(), &ESR_POSTCODES);
    let notes = dir.path().join("notes.csv");
    std::fs::write(&notes, "colour,size\nred,big\n").unwrap();
    let json = inspect(&["--json".as_ref(), esr.as_os_str(), notes.as_os_str()]);
    assert_no_postcode(&json);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["files"][0]["classification"]["kind"], "staff");
    assert_eq!(report["files"][1]["classification"]["kind"], serde_json::Value::Null);
    let text = inspect(&[notes.as_os_str()]);
    assert!(text.contains("notes.csv: NOT RECOGNISED"), "{text}");
    let text = inspect(&["--as".as_ref(), "vacancies".as_ref(), esr.as_os_str()]);
    assert!(text.contains("esr_staff_in_post.csv: vacancies (as told by --as)"), "{text}");
    // A missing file is one line, exit 1.
    let err = anchormap_err(["inspect", "no_such_file.csv"]);
    assert!(err.contains("no_such_file.csv"), "{err}");
}

#[test]
fn write_config_writes_settings_that_gaps_runs_with() {
    let dir = temp_dir();
    // The fixture directory's postcodes, so that gaps can place the staff.
    let esr = esr_staff(dir.path(), &["XX1 1AA", "XX1 1AB", "XX1 1AD", "XX1 1AE"]);
    let config = dir.path().join("anchormap.toml");
    let text = inspect(&[esr.as_os_str(), "--write-config".as_ref(), config.as_os_str()]);
    assert!(text.contains("wrote "), "{text}");
    let settings: toml::Table = toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(settings["gaps"]["staff_columns"]["postcode"].as_str(), Some("Postcode"));
    assert_eq!(settings["gaps"]["staff_columns"]["band"].as_str(), Some("Pay Band"));

    let out = dir.path().join("out");
    let mut args: Vec<std::ffi::OsString> = vec!["--config".into(), config.clone().into(), "gaps".into(), "-q".into()];
    args.extend(["--staff".into(), esr.clone().into(), "--out".into(), out.clone().into()]);
    args.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
    args.extend(fixture_reference_args());
    anchormap_ok(&args);
    assert!(out.join("gaps_summary.json").is_file());

    // An existing file is kept unless --force.
    let err = anchormap_err(["inspect".as_ref(), esr.as_os_str(), "--write-config".as_ref(), config.as_os_str()]);
    assert!(err.contains("exists; use --force"), "{err}");
    inspect(&[esr.as_os_str(), "--write-config".as_ref(), config.as_os_str(), "--force".as_ref()]);
}

#[test]
fn the_national_reference_files_are_recognised() {
    let Some(reference) = reference_dir() else { return };
    let cases = [
        ("File_1_IoD2025_Index_of_Multiple_Deprivation.csv", "deprivation (IoD)"),
        ("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", "deprivation (IoD)"),
        ("File_6_-_IoD2019_Population_Denominators.csv", "population"),
        ("census2021_lsoa21_age6_16to64.csv", "population"),
        ("lsoa21_to_sicbl24_icb24.csv", "area lookup"),
        ("lsoa11_to_sicbl_icb.csv", "area lookup"),
        ("hospital_sites.csv", "sites"),
        ("LSOA_2021_EW_BSC_V4.geojson", "boundaries (GeoJSON)"),
    ];
    let paths: Vec<PathBuf> = cases.iter().map(|(file, _)| reference.join(file)).collect();
    let args: Vec<&std::ffi::OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
    let text = inspect(&args);
    for (file, kind) in cases {
        assert!(text.contains(&format!("{file}: {kind}\n")), "{file} is not {kind}:\n{text}");
    }
    assert!(line_starting(&text, "LSOA21CD ").contains("code_property"), "{text}");
    assert!(text.contains(r#"community_lookup_columns = { code = "lsoa21_code" }"#), "{text}");
    // The IoD2025 deciles, a tenth of LSOAs each.
    assert!(line_starting(
        &text,
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA (decile)"
    )
    .contains("0 blank"));
}

/// Issue 16: an NHS Jobs export is applications; each status is shown with the stage it is read as,
/// each ethnicity with its census group; no postcode printed.
#[test]
fn an_nhs_jobs_export_is_applications_with_its_stages_shown() {
    let dir = temp_dir();
    let path = dir.path().join("nhs_jobs.csv");
    std::fs::write(
        &path,
        "Application ID,Vacancy Reference,Postcode,Ethnicity,Sex,Application Status\n\
         A1,V1,WR5 1DD,Chinese,Female,Not shortlisted\nA2,V1,WR1 3AS,White - Irish,Male,Interviewed - not appointed\n\
         A3,V1,B60 1AX,Prefer not to say,Female,Offer accepted\nA4,V1,HR1 2ER,Asian or Asian British - Indian,Female,Pending\n",
    )
    .unwrap();
    let text = inspect(&[path.as_os_str()]);
    assert!(text.lines().next().unwrap().ends_with("nhs_jobs.csv: applications"), "{text}");
    assert!(line_starting(&text, "Not shortlisted").ends_with("applied, not shortlisted"), "{text}");
    assert!(line_starting(&text, "Interviewed - not appointed").ends_with("shortlisted, not appointed"), "{text}");
    assert!(line_starting(&text, "Offer accepted").ends_with("appointed"), "{text}");
    assert!(line_starting(&text, "Application Status (stage):").contains("1 UNRECOGNISED"), "{text}");
    assert!(line_starting(&text, "Chinese").contains("Asian (Census 2021 group; BME)"), "{text}");
    assert!(line_starting(&text, "application_columns = ").contains(r#"stage = "Application Status""#), "{text}");
    assert_no_postcode(&text);
}

/// Issue 24 (bad input): a postcode inside a longer value (an address in a staff group or status
/// column) is never printed by `inspect`, as text or JSON, nor written to the settings it writes.
#[test]
fn inspect_never_prints_a_postcode_inside_a_longer_value() {
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    let mut text = String::from("Employee Number,Home Postcode,Staff Group,Band\n");
    for (i, group) in ["12 High Street WR1 2AB", "Flat 3, wr12ab Worcester", "Nursing", "Nursing"].iter().enumerate() {
        text.push_str(&format!("{i},XX1 1AA,\"{group}\",Band 5\n"));
    }
    std::fs::write(&staff, text).unwrap();
    let config = dir.path().join("anchormap.toml");
    let shown = inspect(&[staff.as_os_str()]);
    let json = inspect(&["--json".as_ref(), staff.as_os_str()]);
    inspect(&["--write-config".as_ref(), config.as_os_str(), staff.as_os_str()]);
    let written = std::fs::read_to_string(&config).unwrap();
    for text in [&shown, &json, &written] {
        for postcode in ["WR1 2AB", "WR12AB", "wr12ab", "High Street"] {
            assert!(!text.contains(postcode), "'{postcode}' is printed:\n{text}");
        }
    }
    assert!(shown.contains("(a postcode, not shown: text holding one)"), "{shown}");
    assert!(shown.contains("Nursing"), "other values are still shown: {shown}");
}

/// Issue 24 item 4: two columns that both fit the start date stop `gaps --by starter`, naming both
/// and the flag; `inspect` says the same; a post's start beside the date of joining is told apart.
#[test]
fn two_start_date_columns_stop_the_run_unless_the_dictionary_tells_them_apart() {
    let dir = temp_dir();
    let write = |name: &str, dates: [&str; 2]| {
        let path = dir.path().join(name);
        let mut text = format!("id,home_postcode,band,{},{}\n", dates[0], dates[1]);
        for i in 0..4 {
            text.push_str(&format!("{i},XX1 1AA,Band 5,01/0{}/2025,01/01/2010\n", i + 1));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    let run = |staff: &Path, out: &str, extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> =
            vec!["gaps".into(), "--staff".into(), staff.into(), "--out".into(), dir.path().join(out).into()];
        for (flag, file) in [
            ("--postcodes", "postcodes.csv"),
            ("--boundaries", "areas.geojson"),
            ("--deprivation", "imd.csv"),
            ("--population", "population.csv"),
            ("--community-codes", "community_codes.txt"),
        ] {
            args.extend([flag.into(), fixture(file).into()]);
        }
        args.extend(
            ["--by", "starter", "--new-starters-since", "2025-01-01", "--min-count", "0", "--round-to", "1", "-q"]
                .map(std::ffi::OsString::from),
        );
        args.extend(extra.iter().map(std::ffi::OsString::from));
        anchormap(args)
    };
    let two = write("two.csv", ["Hire Date", "Date Started"]);
    let out = run(&two, "two", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error = stderr.lines().last().unwrap();
    assert!(
        error.contains("two.csv")
            && error.contains("'Hire Date' and 'Date Started'")
            && error.contains("--staff-columns start_date=HEADER"),
        "{error}"
    );
    let shown = inspect(&[two.as_os_str()]);
    assert!(shown.contains("'Hire Date' and 'Date Started'") && shown.contains("the commands stop"), "{shown}");
    // The user's choice is read.
    let out = run(&two, "named", &["--staff-columns", "start_date=Date Started"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // An assignment's start beside the date of joining: the date of joining is read, and said.
    let apart = write("apart.csv", ["Assignment Start Date", "Latest Start Date"]);
    let out = run(&apart, "apart", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = inspect(&[apart.as_os_str()]);
    assert!(!shown.contains("the commands stop"), "{shown}");
}
