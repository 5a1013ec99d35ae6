//! Shared test helpers: run the binary, temp dirs, fixture paths, and the one place that finds `../shared/reference`.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `anchormap` with arguments.
pub fn anchormap<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_anchormap")).args(args).output().expect("the anchormap binary runs")
}

/// Runs `anchormap` and insists it succeeded; returns stderr.
pub fn anchormap_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = anchormap(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "anchormap failed ({:?}): {stderr}", out.status);
    stderr
}

/// Runs `anchormap` expecting failure with exit code 1, a one-line message and no panic; returns that line.
pub fn anchormap_err<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = anchormap(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "expected a clean failure, got {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("anchormap: error: ")).collect();
    assert_eq!(errors.len(), 1, "expected one error line, got: {stderr}");
    assert_eq!(stderr.lines().last(), Some(errors[0]), "the error is the last line: {stderr}");
    errors[0].to_string()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(name)
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Reads a CSV into a header and rows of strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("output CSV opens");
    let headers = reader.headers().expect("header").iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.expect("row").iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

/// The national reference data at `../shared/reference`, if present.
///
/// Where it is absent (a user's fresh clone) the calling test is skipped with a loud message;
/// with `ANCHORMAP_REQUIRE_REFERENCE=1` (set by `.ci/run`) a missing folder fails the test instead.
pub fn reference_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("reference");
    if dir.join("codepo_gb.zip").is_file() {
        return Some(dir);
    }
    let required = std::env::var("ANCHORMAP_REQUIRE_REFERENCE").is_ok_and(|v| v == "1");
    assert!(!required, "ANCHORMAP_REQUIRE_REFERENCE=1 but the reference data is not at {}", dir.display());
    // Written to the stderr handle, not with eprintln!, so the test harness does not capture it.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: national reference data not found at {} (real-data test not run)",
        dir.display()
    );
    None
}

/// Runs `anchormap` expecting an option to be refused by the argument parser (exit code 2); returns its first line.
pub fn anchormap_usage_err<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = anchormap(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected a usage error, got {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: invalid value"), "{stderr}");
    first.to_string()
}

/// A Chromium or Chrome binary for the browser tests (`ANCHORMAP_CHROMIUM`, else on the PATH).
///
/// Where there is none the calling test is skipped with a loud message; with
/// `ANCHORMAP_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs Debian's `chromium`) it fails.
pub fn chromium() -> Option<PathBuf> {
    let from_env = std::env::var_os("ANCHORMAP_CHROMIUM").map(PathBuf::from);
    let on_path = || {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| ["chromium", "chromium-browser", "google-chrome"].map(|n| dir.join(n)))
            .find(|p| p.is_file())
    };
    if let Some(found) = from_env.or_else(on_path) {
        return Some(found);
    }
    let required = std::env::var("ANCHORMAP_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "ANCHORMAP_REQUIRE_BROWSER=1 but no chromium was found (set ANCHORMAP_CHROMIUM or install chromium)"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED: no chromium on the PATH (browser test not run)");
    None
}

/// The fixture reference options shared by the analysis commands: sites, postcodes, boundaries,
/// deprivation and population.
pub fn fixture_reference_args() -> Vec<std::ffi::OsString> {
    let mut args = Vec::new();
    for (flag, file) in [
        ("--sites", "sites.csv"),
        ("--postcodes", "postcodes.csv"),
        ("--boundaries", "areas.geojson"),
        ("--deprivation", "imd.csv"),
        ("--population", "population.csv"),
    ] {
        args.extend([flag.into(), fixture(file).into()]);
    }
    args
}
