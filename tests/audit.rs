//! `anchormap audit RUN...`: runs over the same staff audited together, as the differencing attacker holding both.

use std::path::Path;

use crate::util::*;

/// `anchormap gaps` from the demo folder's settings (its reference data, staff and community), plus `extra`.
fn demo_gaps(demo: &Path, out: &Path, extra: &[&str]) {
    let mut command = anchormap_command();
    command.current_dir(demo).args(["gaps", "--quiet", "--out"]).arg(out).args(extra);
    let output = command.output().unwrap();
    assert!(output.status.success(), "gaps failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// `anchormap audit` on `runs`: exit code, stdout, and the JSON it wrote.
fn audit(runs: &[&Path], json: &Path) -> (Option<i32>, String, serde_json::Value) {
    let mut command = anchormap_command();
    command.arg("audit").args(runs).arg("--out").arg(json);
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let text = std::fs::read_to_string(json).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    (output.status.code(), stdout, serde_json::from_str(&text).unwrap())
}

/// The exact staff of each community area of a run, from its not-for-publication table.
fn exact_areas(run: &Path) -> Vec<(String, f64)> {
    let (headers, rows) = read_csv(&run.join("not-for-publication").join("gaps_by_area.csv"));
    let staff = headers.iter().position(|h| h == "staff").unwrap();
    rows.iter().map(|r| (r[0].clone(), r[staff].parse().unwrap())).collect()
}

#[test]
fn two_runs_of_the_demo_s_staff_with_other_breakdowns_are_audited_together() {
    let dir = temp_dir();
    let demo = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--quiet".as_ref(), "--out".as_ref(), demo.as_os_str()]);
    let second = dir.path().join("second");
    demo_gaps(&demo, &second, &["--by", "band"]);
    let first = demo.join("gaps");
    let (code, stdout, json) = audit(&[&first, &second], &dir.path().join("audit.json"));
    assert!(stdout.starts_with("2 runs audited together: an attacker with both"), "{stdout}");
    // The same staff and community: every area is one count across the two runs.
    assert_eq!(json["shared_cells"].as_u64().unwrap() as usize, exact_areas(&first).len(), "{json}");
    // An independent check: the same people under one rule are hidden the same way in both runs,
    // so the second run adds no area the first hides, and each run alone is what its own audit says.
    for (run, entry) in [&first, &second].iter().zip(json["runs"].as_array().unwrap()) {
        let own: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(run.join("disclosure_audit.json")).unwrap()).unwrap();
        assert_eq!(entry["alone"]["protected"], own["systems"][0]["protected"], "{entry}");
    }
    let (_, areas_first) = read_csv(&first.join("gaps_by_area.csv"));
    let (_, areas_second) = read_csv(&second.join("gaps_by_area.csv"));
    let stars = |rows: &[Vec<String>]| rows.iter().filter(|r| r.contains(&"*".to_string())).count();
    let differ = areas_first.iter().zip(&areas_second).filter(|(a, b)| (a[0] == b[0]) && a != b).count();
    let expect_protected = differ == 0 && json["runs"][0]["alone"]["protected"] == true;
    eprintln!(
        "demo audit: {stdout} ({} and {} hidden areas; {differ} area rows differ)",
        stars(&areas_first),
        stars(&areas_second)
    );
    assert_eq!(json["protected"], expect_protected, "{json}");
    assert_eq!(code, Some(if expect_protected { 0 } else { 1 }), "{stdout}");
    assert!(!json.to_string().contains("staff_geocoded"), "no exact file named in the audit");
}

#[test]
fn two_communities_that_differ_by_one_small_area_give_its_count_back() {
    // Community A is every demo area; community B is the same less one area with a few staff.
    // Each run alone is protected; A's total less B's (and A's deciles less B's) is that area's count.
    let dir = temp_dir();
    let demo = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--quiet".as_ref(), "--out".as_ref(), demo.as_os_str()]);
    let exact = ["--round-to", "1"];
    let a = dir.path().join("a");
    demo_gaps(&demo, &a, &exact);
    let areas = exact_areas(&a);
    let (small, _) = areas.iter().find(|(_, s)| (1.0..8.0).contains(s)).expect("an area with 1-7 staff");
    let codes = dir.path().join("b_codes.txt");
    let others: Vec<&str> = areas.iter().filter(|(c, _)| c != small).map(|(c, _)| c.as_str()).collect();
    std::fs::write(&codes, others.join("\n") + "\n").unwrap();
    let b = dir.path().join("b");
    demo_gaps(&demo, &b, &[&exact[..], &["--community-codes", codes.to_str().unwrap()]].concat());
    // Under exact publication B cannot be protected against A (it is A less one area): asked to,
    // the run stops with one line rather than publish what the pair would expose.
    let mut command = anchormap_command();
    command.current_dir(&demo).args(["gaps", "--quiet", "--round-to", "1", "--community-codes"]).arg(&codes);
    let output = command.arg("--protect-with").arg(&a).arg("--out").arg(dir.path().join("b2")).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("--protect-with: this run cannot be protected together"), "{err}");
    assert!(!dir.path().join("b2").exists(), "nothing is published");
    // The independent check: the attacker's own subtraction, A's published total less B's, is the area's count.
    let total = |run: &Path| -> f64 {
        let (headers, rows) = read_csv(&run.join("gaps_by_decile.csv"));
        let (class, staff) = (0, headers.iter().position(|h| h == "staff").unwrap());
        rows.iter().find(|r| r[class] == "total").unwrap()[staff].parse().unwrap()
    };
    let count = areas.iter().find(|(c, _)| c == small).unwrap().1;
    assert_eq!(total(&a) - total(&b), count, "the difference of the totals gives the hidden count back");
    for run in [&a, &b] {
        let (code, stdout, json) = audit(&[run], &dir.path().join("alone.json"));
        assert_eq!((code, &json["protected"]), (Some(0), &serde_json::Value::Bool(true)), "{stdout} {json}");
    }
    let (code, stdout, json) = audit(&[&a, &b], &dir.path().join("together.json"));
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(json["protected"], false, "{json}");
    assert!(stdout.contains("EXPOSED"), "{stdout}");
    let exposed = json["exposed"].as_array().unwrap();
    assert!(exposed.iter().any(|e| e["row"] == small.as_str() && e["file"] == "gaps_by_area.csv"), "{json}");
    for run in json["runs"].as_array().unwrap() {
        assert_eq!(run["alone"]["protected"], true, "{run}");
    }
    // The sentence and the JSON name places, never counts: no exact count appears beside the area's code.
    assert!(!stdout.contains(&format!("{small}: ")), "{stdout}");
}

#[test]
fn a_run_published_with_protect_with_is_protected_together_with_the_earlier_one() {
    // The default rule: community A is every demo area, B the same less one area of 1-7 staff.
    // Published side by side, the pair exposes that area (A's deciles less B's); B published
    // with --protect-with A hides what it must so the pair is protected, and costs few cells.
    let dir = temp_dir();
    let demo = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--quiet".as_ref(), "--out".as_ref(), demo.as_os_str()]);
    let a = dir.path().join("a");
    demo_gaps(&demo, &a, &[]);
    let areas = exact_areas(&a);
    let (small, _) = areas.iter().find(|(_, s)| (1.0..8.0).contains(s)).expect("an area with 1-7 staff");
    let codes = dir.path().join("b_codes.txt");
    let others: Vec<&str> = areas.iter().filter(|(c, _)| c != small).map(|(c, _)| c.as_str()).collect();
    std::fs::write(&codes, others.join("\n") + "\n").unwrap();
    let b = dir.path().join("b");
    demo_gaps(&demo, &b, &["--community-codes", codes.to_str().unwrap()]);
    let (code, stdout, _) = audit(&[&a, &b], &dir.path().join("together.json"));
    assert_eq!(code, Some(1), "side by side, the pair is exposed: {stdout}");
    let b2 = dir.path().join("b2");
    demo_gaps(&demo, &b2, &["--community-codes", codes.to_str().unwrap(), "--protect-with", a.to_str().unwrap()]);
    let (code, stdout, json) = audit(&[&a, &b2], &dir.path().join("protected.json"));
    assert_eq!((code, &json["protected"]), (Some(0), &serde_json::Value::Bool(true)), "{stdout} {json}");
    let own = |run: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(run.join("disclosure_audit.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["systems"][0].clone()
    };
    let (alone, linked) = (own(&b), own(&b2));
    assert!(linked["cells_of"].as_str().unwrap().contains("linked with the run published before it"), "{linked}");
    assert_eq!(linked["protected"], true, "{linked}");
    let (before, after) = (alone["cells_hidden"].as_u64().unwrap(), linked["cells_hidden"].as_u64().unwrap());
    eprintln!("--protect-with: {before} cells hidden alone, {after} linked with the earlier run");
    assert!(after > before && after <= before + 10, "hides what it must, and little more: {before} -> {after}");
    // A folder that is not a gaps run, or a run under another rule, stops the run with one line.
    let mut command = anchormap_command();
    command.current_dir(&demo).args(["gaps", "--quiet", "--round-to", "1", "--protect-with"]).arg(&a);
    let output = command.arg("--out").arg(dir.path().join("c")).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "a usage error: {err}");
    assert!(err.contains("--protect-with") && err.contains("same rule"), "{err}");
}

/// Issue 31: a `commute` run folder is audited, not refused: the demo's and a second commute run of
/// the same staff (staff on site 2 days a week) together, every area row of `commute_by_area.csv`
/// one count across the two (the same staff placed there), every staff count of both runs' files a
/// cell, none recovered; a commute run without its exact twins is named, with the fix.
#[test]
fn the_demo_s_commute_runs_are_audited_together_and_one_without_its_exact_twins_is_named() {
    let dir = temp_dir();
    let demo = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--quiet".as_ref(), "--out".as_ref(), demo.as_os_str()]);
    let (first, second) = (demo.join("commute"), dir.path().join("second"));
    let mut command = anchormap_command();
    command.current_dir(&demo).args(["commute", "--quiet", "--days-on-site", "2", "--out"]).arg(&second);
    let output = command.output().unwrap();
    assert!(output.status.success(), "commute failed: {}", String::from_utf8_lossy(&output.stderr));
    let (code, stdout, json) = audit(&[&first, &second], &dir.path().join("audit.json"));
    assert_eq!((code, &json["protected"]), (Some(0), &serde_json::json!(true)), "{stdout}");
    assert_eq!(json["commute_cells"], commute_staff_cells(&first) + commute_staff_cells(&second), "{stdout}");
    let (_, areas) = read_csv(&first.join("commute_by_area.csv"));
    let placed_in_areas = areas.iter().filter(|r| !r[0].is_empty()).count();
    assert!(placed_in_areas > 20, "{placed_in_areas} areas");
    assert_eq!(json["shared_cells"], placed_in_areas, "every area one count across the two runs");
    for run in json["runs"].as_array().unwrap() {
        assert_eq!(run["analysis"], "commute");
        assert_eq!(run["notes"], serde_json::json!([]), "every table read, every sum held: {run}");
    }
    // A commute run without its exact twins (as an earlier version wrote it): named, with the fix.
    std::fs::remove_file(second.join("not-for-publication/commute_by_decile.csv")).unwrap();
    let line = anchormap_err(["audit".as_ref(), second.as_os_str()]);
    assert!(line.contains("commute_by_decile.csv") && line.contains("run commute again"), "{line}");
}
