//! Settings files: `anchormap.toml` in the working folder or named by `--config`, and the reference set that `fetch` recorded; flags override both.

use std::path::Path;

use crate::util::*;

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// The fixture reference data as a `[reference]` table.
fn reference_table() -> String {
    format!(
        "[reference]\npostcodes = {:?}\nboundaries = {:?}\ndeprivation = {:?}\n",
        fixture("postcodes.csv"),
        fixture("areas.geojson"),
        fixture("imd.csv")
    )
}

fn geocoded_areas(path: &Path) -> Vec<String> {
    let (headers, rows) = read_csv(path);
    let col = headers.iter().position(|h| h == "area_code").unwrap();
    rows.into_iter().map(|r| r[col].clone()).collect()
}

#[test]
fn the_project_file_supplies_options_and_relative_paths_are_the_files_own() {
    let dir = temp_dir();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::copy(fixture("staff.csv"), project.join("staff.csv")).unwrap();
    write(
        &project.join("anchormap.toml"),
        &format!(
            "{}population = {:?}\n[inputs]\nsites = {:?}\n[gaps]\nstaff = \"staff.csv\"\nout = \"out\"\nby = [\"band\"]\nmin_count = 1\nround_to = 1\n",
            reference_table(),
            fixture("population.csv"),
            fixture("sites.csv")
        ),
    );
    // Run from elsewhere, naming the file: paths in it are relative to it, not to the working folder.
    let status = anchormap_command()
        .current_dir(dir.path())
        .args(["--config", "project/anchormap.toml", "gaps", "-q"])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(project.join("out/gaps_by_decile_by_band.csv").is_file(), "[gaps] by = [\"band\"] applied");
    // From the project folder, found without --config; a flag replaces the file's value (and lists whole).
    let status = anchormap_command()
        .current_dir(&project)
        .args(["gaps", "-q", "--out", "other", "--by", "staff-group"])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(project.join("other/gaps_by_decile_by_staff_group.csv").is_file());
    assert!(!project.join("other/gaps_by_decile_by_band.csv").exists(), "the flag replaced the file's list");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("other/gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["disclosure"]["min_count"], 1, "the file's other settings still apply");
}

#[test]
fn the_fetched_reference_set_is_found_without_flags() {
    let dir = temp_dir();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    write(&home.join("reference.toml"), &reference_table());
    let out = dir.path().join("geocoded.csv");
    let run = anchormap_command()
        .env("ANCHORMAP_HOME", &home)
        .args(["geocode".as_ref(), fixture("staff.csv").as_os_str(), "-q".as_ref(), "-o".as_ref(), out.as_os_str()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(geocoded_areas(&out)[..2], ["E01900001", "E01900001"]);

    // A project file can name another fetched folder; its own keys and flags come on top.
    let other = dir.path().join("other-set");
    std::fs::create_dir(&other).unwrap();
    write(&other.join("reference.toml"), &reference_table().replace("imd.csv", "no-such-imd.csv"));
    let project = dir.path().join("anchormap.toml");
    write(&project, &format!("[reference]\ndir = {:?}\n", other));
    let run = anchormap_command()
        .env("ANCHORMAP_HOME", &home)
        .args(["--config".as_ref(), project.as_os_str(), "geocode".as_ref(), fixture("staff.csv").as_os_str()])
        .args(["-q".as_ref(), "-o".as_ref(), out.as_os_str()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("no-such-imd.csv"), "the named set was used: {stderr}");
    let run = anchormap_command()
        .env("ANCHORMAP_HOME", &home)
        .args(["--config".as_ref(), project.as_os_str(), "geocode".as_ref(), fixture("staff.csv").as_os_str()])
        .args(["-q".as_ref(), "-o".as_ref(), out.as_os_str(), "--deprivation".as_ref(), fixture("imd.csv").as_os_str()])
        .output()
        .unwrap();
    assert!(run.status.success(), "the flag overrides the set: {}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn bad_settings_files_get_one_line_errors_with_line_and_column() {
    let dir = temp_dir();
    let cases = [
        ("[gaps]\nstaff = \"s.csv\"\n  stafff = \"s.csv\"\n", "line 3, column 3: gaps has no option --stafff"),
        ("[gaps\n", "line 1, column 6"),
        ("[reprot]\ntitle = \"x\"\n", "line 1, column 2: unknown table [reprot]"),
        ("[report]\nquiet = \"yes\"\n", "line 2, column 9: this option is a flag"),
        ("[reference]\nnot_an_option = 1\n", "line 2, column 1: no command has option --not-an-option"),
        ("[reference]\ndir = \"nowhere\"\n", "has no reference.toml; fetch into it first"),
    ];
    for (text, expected) in cases {
        let path = dir.path().join("anchormap.toml");
        write(&path, text);
        let err =
            anchormap_err(["--config".as_ref(), path.as_os_str(), "report".as_ref(), "-o".as_ref(), "r.html".as_ref()]);
        assert!(err.contains("anchormap.toml") && err.contains(expected), "{text:?}: {err}");
    }
    let missing = anchormap_err(["--config", "no-such-file.toml", "report"]);
    assert!(missing.contains("no-such-file.toml"), "{missing}");
}

/// The README's example `anchormap.toml` is accepted as written: every table and key is known,
/// and `anchormap gaps` gets as far as reading the staff file it names.
#[test]
fn the_readme_settings_example_is_valid() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("```toml\n").expect("a toml example in the README") + "```toml\n".len();
    let example = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = temp_dir();
    std::fs::create_dir_all(dir.path().join("reference/iod2025")).unwrap();
    let fetched = format!("{}population = {:?}\n", reference_table(), fixture("population.csv"));
    write(&dir.path().join("reference/iod2025/reference.toml"), &fetched);
    write(&dir.path().join("anchormap.toml"), example);
    let out = anchormap_command().current_dir(dir.path()).args(["gaps", "-q"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("extracts/esr_staff.csv"), "stopped at the staff file, not the settings: {stderr}");
}

/// A setting's value is passed as one token, so one starting with a dash is not taken for an option.
#[test]
fn a_value_starting_with_a_dash_is_a_value() {
    let dir = temp_dir();
    let settings = dir.path().join("anchormap.toml");
    write(&settings, &format!("[map]\ntitle = \"-5 to +5\"\ndeprivation = {:?}\nquiet = true\n", fixture("imd.csv")));
    let svg = dir.path().join("map.svg");
    anchormap_ok([
        "--config".as_ref(),
        settings.as_os_str(),
        "map".as_ref(),
        fixture("areas.geojson").as_os_str(),
        "-o".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("-5 to +5"));
}

/// The README's table of recognised headers is the dictionary the readers use (issue 12).
/// `ANCHORMAP_REGENERATE=1 cargo test readme_header_table` rewrites it from src/dictionary.rs.
#[test]
fn the_readme_header_table_is_the_dictionary() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = "<!-- header dictionary: generated from src/dictionary.rs -->\n";
    let end = "<!-- end of header dictionary -->";
    let (before, rest) = readme.split_once(start).expect("README has the table");
    let (table, after) = rest.split_once(end).expect("README's table ends");
    let generated = anchormap::dictionary::markdown_table();
    if std::env::var("ANCHORMAP_REGENERATE").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{before}{start}{generated}{end}{after}")).unwrap();
        return;
    }
    assert_eq!(table, generated, "regenerate the README table: ANCHORMAP_REGENERATE=1 cargo test readme_header_table");
}
