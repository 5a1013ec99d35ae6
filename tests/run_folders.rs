//! Outputs never destroy inputs: run folders are written whole, an earlier run is replaced only with `--force`, and no output names an input (issue 11).

use std::ffi::OsString;
use std::path::Path;

use crate::util::*;

fn gaps(out: &Path, extra: &[&str]) -> Vec<OsString> {
    let line = Line::new("gaps").fixtures(&[("--staff", "staff.csv")]).out(out).fixtures(&FIXTURE_REFERENCE);
    line.args(["--community-radius-km", "50"]).args(extra).into()
}

fn emissions(out: &Path, extra: &[&str]) -> Vec<OsString> {
    let line = Line::new("emissions").fixtures(&[("--appointments", "appointments.csv")]).out(out);
    line.fixtures(&FIXTURE_REFERENCE).args(extra).into()
}

#[test]
fn issue_11_gaps_and_emissions_sharing_out_never_mix_runs() {
    let dir = temp_dir();
    let out = dir.path().join("run");
    anchormap_ok(gaps(&out, &[]));
    assert!(out.join("gaps_summary.json").is_file());
    let line = anchormap_err(emissions(&out, &[]));
    assert!(line.contains("holds an earlier run") && line.contains("--force"), "{line}");
    assert!(out.join("gaps_by_decile.csv").is_file(), "the refused run left the earlier one alone");
    anchormap_ok(emissions(&out, &["--force"]));
    assert!(out.join("emissions_summary.json").is_file());
    assert!(!out.join("gaps_by_decile.csv").exists(), "the run folder was replaced whole");
    let siblings: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(siblings, ["run"], "no staging folder left behind");
}

#[test]
fn issue_11_no_output_replaces_an_input_or_a_folder_of_other_files() {
    let dir = temp_dir();
    // An --out folder holding the user's own files (here: the staff extract) is never replaced.
    let own = dir.path().join("extracts");
    std::fs::create_dir(&own).unwrap();
    let staff = own.join("staff.csv");
    std::fs::copy(fixture("staff.csv"), &staff).unwrap();
    let mut args = gaps(&own, &["--force"]);
    args[2] = staff.clone().into();
    let line = anchormap_err(args);
    assert!(line.contains("holds the input") || line.contains("not an anchormap run"), "{line}");
    assert!(staff.is_file());

    // geocode: -o or --summary-json naming an input or a reference file.
    let input = dir.path().join("input.csv");
    std::fs::copy(fixture("staff.csv"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let geocode = |output: &Path, summary: Option<&Path>| {
        let mut args: Vec<OsString> = vec!["geocode".into(), input.clone().into(), "-o".into(), output.into()];
        args.extend(["--postcodes".into(), fixture("postcodes.csv").into()]);
        args.extend(["--boundaries".into(), fixture("areas.geojson").into()]);
        if let Some(s) = summary {
            args.extend(["--summary-json".into(), s.into()]);
        }
        anchormap_err(args)
    };
    assert!(geocode(&input, None).contains("is an input of this run"));
    let postcodes = dir.path().join("postcodes.csv");
    std::fs::copy(fixture("postcodes.csv"), &postcodes).unwrap();
    let line = geocode(&dir.path().join("out.csv"), Some(&input));
    assert!(line.contains("is an input of this run"), "{line}");
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is untouched");
}

#[test]
fn issue_11_demo_replaces_an_earlier_demo_only_with_force() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    let line = anchormap_err(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    assert!(line.contains("--force"), "{line}");
    std::fs::write(out.join("gaps/stale.csv"), "left from an earlier run").unwrap();
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref(), "--force".as_ref()]);
    assert!(!out.join("gaps/stale.csv").exists());
    assert!(out.join("report.html").is_file());
}

/// Issue 24: a run killed with SIGKILL leaves its hidden partial folder (staff rows with
/// postcodes in it); the next run into the same place removes it and says so. A partial of a
/// run still going (this test's own process) is named and left alone, another folder's never touched.
#[test]
fn a_killed_runs_partial_folder_is_removed_by_the_next_run_and_said() {
    let dir = temp_dir();
    let out = dir.path().join("run");
    // A real kill, at whatever moment it lands: the next run must not care.
    let mut child = anchormap_command().args(gaps(&out, &[])).spawn().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let stale = dir.path().join(".run.4194999.AbC123.partial");
    let legacy = dir.path().join(".run.XyZ789.partial");
    let running = dir.path().join(format!(".run.{}.Qw3rty.partial", std::process::id()));
    let other = dir.path().join(".run.v2.4194999.AbC123.partial");
    for folder in [&stale, &legacy, &running, &other] {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join("staff_rows.csv"), "postcode\nXX1 1AA\n").unwrap();
    }
    let mut args = gaps(&out, &["--force"]);
    args.retain(|a| a != "-q");
    let stderr = anchormap_ok(args);
    assert!(out.join("gaps_summary.json").is_file());
    for gone in [&stale, &legacy] {
        assert!(!gone.exists(), "{} left", gone.display());
        assert!(stderr.contains(&format!("removed {}", gone.display())), "{stderr}");
    }
    assert!(running.is_dir() && stderr.contains("is being written by another run"), "{stderr}");
    assert!(other.is_dir() && !stderr.contains(".run.v2."), "another destination's folder: {stderr}");
    let mut siblings: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    siblings.sort();
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let mut expected = vec![name(&other), name(&running), "run".to_string()];
    expected.sort();
    assert_eq!(siblings, expected, "nothing else left behind");
}
