//! Issue 11, input safety: inputs that cannot hurt — no lost rows, no panics, no writes outside
//! their folder, no formulas or script breaking out of published outputs.

use std::path::{Path, PathBuf};

use crate::util::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `gaps` on the fixture reference data with a given staff file, plus extra arguments.
fn gaps_args(staff: &Path, out: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> =
        vec!["gaps".into(), "--staff".into(), staff.into(), "--out".into(), out.into(), "-q".into()];
    args.extend(fixture_reference_args());
    args.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    args
}

fn emissions_args(appointments: &Path, out: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["emissions".into(), "--appointments".into(), appointments.into()];
    args.extend(fixture_reference_args());
    args.extend(["--out".into(), out.into(), "-q".into()]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    args
}

#[test]
fn issue_11_unbalanced_quote_in_staff_file_names_the_line_where_it_opened() {
    let dir = temp_dir();
    let staff = std::fs::read_to_string(fixture("staff.csv")).unwrap();
    // A stray quote at the start of a field on line 4: today the rest of the file is one field.
    let broken = staff.replacen("3,Cat,", "3,\"Cat,", 1);
    let staff = write(dir.path(), "staff.csv", broken.as_bytes());
    let line = anchormap_err(gaps_args(&staff, &dir.path().join("out"), &[]));
    assert!(line.contains("staff.csv, line 4: a quoted field opens on this line and is never closed"), "{line}");

    // The same reading path serves geocode, vacancies, sites and appointments.
    let out = dir.path().join("g.csv");
    let line = anchormap_err([
        "geocode".as_ref(),
        staff.as_os_str(),
        "--postcodes".as_ref(),
        fixture("postcodes.csv").as_os_str(),
        "--boundaries".as_ref(),
        fixture("areas.geojson").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(line.contains("staff.csv, line 4"), "{line}");

    let appointments =
        std::fs::read_to_string(fixture("appointments.csv")).unwrap().replacen("3,XX1 1AD", "3,\"XX1 1AD", 1);
    let appointments = write(dir.path(), "appointments.csv", appointments.as_bytes());
    let line = anchormap_err(emissions_args(&appointments, &dir.path().join("e"), &[]));
    assert!(line.contains("appointments.csv, line 4: a quoted field opens"), "{line}");

    // Two stray quotes: the rows between them would vanish into one field.
    let vacancies = write(
        dir.path(),
        "vacancies.csv",
        b"vacancy_id,site,staff_group,band\nV1,S1,\"Estates,3\nV2,S1,Admin\"x,2\nV3,S1,Nursing,6\n",
    );
    let mut args = gaps_args(&fixture("staff.csv"), &dir.path().join("v"), &["--vacancies"]);
    args.push(vacancies.into());
    let line = anchormap_err(args);
    assert!(line.contains("vacancies.csv, line 2: text follows the closing quote"), "{line}");
}
