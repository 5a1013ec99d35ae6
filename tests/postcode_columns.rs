//! Two postcode columns in one file (a work-location postcode beside the home postcode): the
//! home one is chosen by what the headers say, never by which comes first; two that could each
//! be the home postcode stop the run naming both and the flag; the summary says which was read.

use std::path::{Path, PathBuf};

use crate::util::*;

/// A staff file with `header` columns: the first holds a work postcode (unknown to the
/// directory, XX9 9ZZ), the second the home postcode (XX1 1AA, within the areas).
fn write_staff(dir: &Path, headers: [&str; 2]) -> PathBuf {
    let mut text = format!("Employee Number,{},{},Band\n", headers[0], headers[1]);
    for i in 0..12 {
        text.push_str(&format!("E{i},XX9 9ZZ,XX1 1AA,Band 5\n"));
    }
    let path = dir.join("staff.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn gaps(staff: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    args.extend(fixture_reference_args());
    args.extend(["--out".into(), out.into(), "-q".into(), "--min-count".into(), "0".into()]);
    args.extend(["--round-to".into(), "1".into(), "--community-codes".into(), fixture("community_codes.txt").into()]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap(args)
}

fn summaries(out: &Path) -> (serde_json::Value, serde_json::Value) {
    let read = |p: PathBuf| serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap()).unwrap();
    (read(out.join("gaps_summary.json")), read(out.join("not-for-publication/gaps_summary_exact.json")))
}

#[test]
fn the_home_postcode_is_read_whatever_column_comes_first_and_the_summary_says_which() {
    let dir = temp_dir();
    for (i, headers) in
        [["Work Location Postcode", "Postcode"], ["Postcode", "Home Postcode"], ["Site Postcode", "Employee Postcode"]]
            .into_iter()
            .enumerate()
    {
        let staff = write_staff(dir.path(), headers);
        let out = dir.path().join(format!("run{i}"));
        let run = gaps(&staff, &out, &[]);
        assert!(run.status.success(), "{headers:?}: {}", String::from_utf8_lossy(&run.stderr));
        let (published, exact) = summaries(&out);
        // Every one of the 12 placed by the home postcode; none unknown (the work postcode's fate).
        assert_eq!(exact["staff"]["match"]["within"].as_u64(), Some(12), "{headers:?}: {}", exact["staff"]);
        assert_eq!(exact["staff"]["match"]["unknown_postcode"].as_u64(), Some(0), "{headers:?}");
        let said = published["postcode_column"].as_str().unwrap();
        assert!(said.contains(&format!("read from column '{}'", headers[1])), "{said}");
        assert!(said.contains(&format!("not read: '{}'", headers[0])), "{said}");
        assert!(published["decisions"].to_string().contains(said), "{}", published["decisions"]);
    }
}

#[test]
fn two_columns_that_could_each_be_the_home_postcode_stop_the_run_naming_both_and_the_flag() {
    let dir = temp_dir();
    let staff = write_staff(dir.path(), ["Home Postcode", "Employee Postcode"]);
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.clone().into()];
    args.extend(fixture_reference_args());
    args.extend(["--out".into(), dir.path().join("run").into()]);
    let line = anchormap_err(args);
    assert!(
        line.contains("staff.csv")
            && line.contains("'Home Postcode' and 'Employee Postcode'")
            && line.contains("--staff-columns postcode=HEADER")
            && line.contains("staff_columns = { postcode = \"HEADER\" }"),
        "{line}"
    );
    // inspect says the same, and writes no postcode setting for a run to take silently.
    let report = String::from_utf8(anchormap(["inspect".as_ref(), staff.as_os_str()]).stdout).unwrap();
    assert!(report.contains("'Home Postcode' and 'Employee Postcode'"), "{report}");
    assert!(!report.contains("postcode = \"Home Postcode\""), "{report}");
    // Named: the run reads the column named.
    let out = dir.path().join("named");
    let run = gaps(&staff, &out, &["--staff-columns", "postcode=Employee Postcode"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (published, exact) = summaries(&out);
    assert_eq!(exact["staff"]["match"]["within"].as_u64(), Some(12));
    assert!(published["postcode_column"]
        .as_str()
        .unwrap()
        .contains("'Employee Postcode' (as the column map names it)"));
}
