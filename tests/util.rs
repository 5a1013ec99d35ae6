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
    anchormap_command().args(args).output().expect("the anchormap binary runs")
}

/// The binary, with an empty `ANCHORMAP_HOME` so that reference data fetched on this machine is not picked up.
pub fn anchormap_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_anchormap"));
    command.env("ANCHORMAP_HOME", Path::new(env!("CARGO_TARGET_TMPDIR")).join("anchormap-home-left-empty"));
    // The fetch tests talk to a server on loopback: never through a proxy the machine may set.
    command.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost");
    command
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

/// The files of a run folder meant for publication: all but its `not-for-publication/` subfolder.
pub fn published_files(dir: impl AsRef<Path>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.as_ref()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
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

/// Poppler's `pdftotext` for the print test: skipped loudly where it is missing, a failure under
/// `ANCHORMAP_REQUIRE_BROWSER=1` (`.ci/run` installs `poppler-utils` with chromium).
pub fn pdftotext() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    if let Some(found) = std::env::split_paths(&path).map(|dir| dir.join("pdftotext")).find(|p| p.is_file()) {
        return Some(found);
    }
    let required = std::env::var("ANCHORMAP_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(!required, "ANCHORMAP_REQUIRE_BROWSER=1 but no pdftotext was found (install poppler-utils)");
    let _ = writeln!(std::io::stderr(), "SKIPPED: no pdftotext on the PATH (print test not run)");
    None
}

/// The fixture files that place postcodes: Code-Point-style postcodes, boundaries and deprivation.
pub const FIXTURE_PLACEMENT: [(&str, &str); 3] =
    [("--postcodes", "postcodes.csv"), ("--boundaries", "areas.geojson"), ("--deprivation", "imd.csv")];

/// The fixture reference options shared by the analysis commands: placement, sites and population.
pub const FIXTURE_REFERENCE: [(&str, &str); 5] = [
    ("--sites", "sites.csv"),
    FIXTURE_PLACEMENT[0],
    FIXTURE_PLACEMENT[1],
    FIXTURE_PLACEMENT[2],
    ("--population", "population.csv"),
];

/// The fixture reference options shared by the analysis commands, as arguments.
pub fn fixture_reference_args() -> Vec<std::ffi::OsString> {
    Line::default().fixtures(&FIXTURE_REFERENCE).into()
}

/// An `anchormap` command line built up in steps: the subcommand, files by folder, options, the
/// output folder; then given to [`anchormap_ok`] and its siblings, or extended further as a `Vec`.
///
/// `Line::new("gaps").arg("--staff", &staff).fixtures(&FIXTURE_REFERENCE).out(&out).args(["--by", "band"])`
#[derive(Debug, Clone, Default)]
pub struct Line(Vec<std::ffi::OsString>);

impl Line {
    /// A line for a subcommand.
    pub fn new(subcommand: &str) -> Line {
        Line(vec![subcommand.into()])
    }

    /// An option and its value.
    pub fn arg(mut self, flag: &str, value: impl AsRef<std::ffi::OsStr>) -> Line {
        self.0.extend([flag.into(), value.as_ref().to_owned()]);
        self
    }

    /// More words as they are (flags, options and values).
    pub fn args<I, S>(mut self, words: I) -> Line
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.0.extend(words.into_iter().map(|w| w.as_ref().to_owned()));
        self
    }

    /// Each option with a file of a folder (the reference folder, the repository for the demo's files).
    pub fn files(self, folder: &Path, files: &[(&str, &str)]) -> Line {
        files.iter().fold(self, |line, (flag, name)| line.arg(flag, folder.join(name)))
    }

    /// Each option with a file of `tests/fixtures`.
    pub fn fixtures(self, files: &[(&str, &str)]) -> Line {
        self.files(&fixture(""), files)
    }

    /// The output folder, and no progress on the terminal.
    pub fn out(self, folder: &Path) -> Line {
        self.arg("--out", folder).args(["-q"])
    }
}

impl From<Line> for Vec<std::ffi::OsString> {
    fn from(line: Line) -> Self {
        line.0
    }
}

impl IntoIterator for Line {
    type Item = std::ffi::OsString;
    type IntoIter = std::vec::IntoIter<std::ffi::OsString>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A run's summary (published or exact) read through its type, as `report` reads it.
pub fn read_summary<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} does not read as its type: {e}", path.display()))
}

/// A page open in headless Chromium, with every console message and exception it produced.
pub struct OpenedPage {
    _browser: headless_chrome::Browser,
    pub tab: std::sync::Arc<headless_chrome::Tab>,
    problems: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Opens a local HTML file in headless Chromium (None, with the skip message, where there is no browser).
pub fn open_in_chromium(html: &Path) -> Option<OpenedPage> {
    use std::sync::{Arc, Mutex};
    let browser_path = chromium()?;
    let options = headless_chrome::LaunchOptions::default_builder()
        .path(Some(browser_path))
        .sandbox(false)
        .window_size(Some((1200, 1600)))
        .build()
        .unwrap();
    let browser = headless_chrome::Browser::new(options).unwrap();
    let tab = browser.new_tab().unwrap();
    let problems = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&problems);
    tab.enable_log().unwrap().enable_runtime().unwrap();
    tab.add_event_listener(Arc::new(move |event: &headless_chrome::protocol::cdp::types::Event| {
        use headless_chrome::protocol::cdp::types::Event;
        match event {
            Event::RuntimeExceptionThrown(e) => {
                seen.lock().unwrap().push(format!("exception: {:?}", e.params.exception_details.text))
            }
            Event::LogEntryAdded(e) => {
                seen.lock().unwrap().push(format!("log {:?}: {}", e.params.entry.level, e.params.entry.text))
            }
            Event::RuntimeConsoleAPICalled(e) => seen.lock().unwrap().push(format!("console {:?}", e.params.Type)),
            _ => {}
        }
    }))
    .unwrap();
    tab.navigate_to(&format!("file://{}", html.display())).unwrap().wait_until_navigated().unwrap();
    Some(OpenedPage { _browser: browser, tab, problems })
}

impl OpenedPage {
    /// How many elements match a CSS selector.
    pub fn count(&self, selector: &str) -> u64 {
        let js = format!("document.querySelectorAll({}).length", serde_json::Value::String(selector.to_string()));
        self.tab.evaluate(&js, false).unwrap().value.and_then(|v| v.as_u64()).unwrap_or(0)
    }

    /// A screenshot has many colours, and the page wrote nothing to the console and threw nothing.
    pub fn assert_not_blank_and_quiet(&self) {
        let png = self
            .tab
            .capture_screenshot(
                headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption::Png,
                None,
                None,
                true,
            )
            .unwrap();
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        let colours: std::collections::HashSet<[u8; 3]> =
            pixmap.pixels().iter().map(|p| [p.red(), p.green(), p.blue()]).collect();
        assert!(colours.len() > 50, "the page looks blank: {} colours", colours.len());
        let problems = self.problems.lock().unwrap();
        assert!(problems.is_empty(), "console output or errors: {problems:?}");
    }
}

/// A published file's text; for an Excel workbook (a zip of XML parts), the text of all its parts,
/// so that a search for postcodes looks inside it.
pub fn published_text(path: &Path) -> String {
    if path.extension().is_none_or(|e| e != "xlsx") {
        return String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    }
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    for i in 0..archive.len() {
        std::io::Read::read_to_string(&mut archive.by_index(i).unwrap(), &mut text).unwrap();
        text.push('\n');
    }
    text
}

/// A run's report (`anchormap report --from out`), as text.
pub fn report_of(out: &Path) -> String {
    let report = out.with_extension("html");
    anchormap_ok([
        "report".as_ref(),
        "--from".as_ref(),
        out.as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    std::fs::read_to_string(report).unwrap()
}

/// The staff counts of a folder's commute tables and summary an attacker reads, counted from the
/// files: every row of every commute table that is not the tables' total row (a nation's total
/// row is a count of its own), their one total row, and the summary's rows, placed and each reason
/// not placed.
pub fn commute_staff_cells(folder: &Path) -> usize {
    let tables = ["decile", "decile_band", "band", "staff_group", "site", "distance", "area", "msoa"];
    let mut cells = 1;
    for table in tables {
        let path = folder.join(format!("commute_by_{table}.csv"));
        if !path.is_file() {
            continue;
        }
        let (headers, rows) = read_csv(&path);
        let nation = headers.iter().position(|h| h == "nation");
        let everyone = |r: &Vec<String>| r.contains(&"total".to_string()) && nation.is_none_or(|n| r[n].is_empty());
        cells += rows.iter().filter(|r| !everyone(r)).count();
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("commute_summary.json")).unwrap()).unwrap();
    cells + 2 + summary["unplaced_by_reason"].as_object().map_or(0, |r| r.len())
}

/// `anchormap audit FOLDER... --out JSON`: its exit code, its JSON and how long it took (s).
pub fn audit_json(folders: &[&Path], json: &Path) -> (Option<i32>, serde_json::Value, f64) {
    let started = std::time::Instant::now();
    let mut command = anchormap_command();
    command.arg("audit").args(folders).arg("--out").arg(json);
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let text = std::fs::read_to_string(json).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (output.status.code(), serde_json::from_str(&text).unwrap(), started.elapsed().as_secs_f64())
}
