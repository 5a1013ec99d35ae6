//! Snapshots of the published tables: each CSV's header and first rows on the demo, against a
//! committed expected file. A change to a table's columns, order or rounding shows here as a diff
//! to review; `UPDATE_SNAPSHOTS=1 cargo test snapshots` rewrites the file when the change is meant.

use std::path::Path;

use crate::util::*;

/// The committed snapshot of the demo's published tables.
const EXPECTED: &str = "tests/fixtures/snapshots/demo_tables.txt";

/// Rows shown of each table, after its header.
const ROWS: usize = 3;

/// Every published CSV under `dir` (not the inputs, not the exact counts), by path.
fn published_tables(dir: &Path) -> Vec<String> {
    let mut tables = Vec::new();
    for analysis in std::fs::read_dir(dir).unwrap() {
        let analysis = analysis.unwrap().path();
        let name = analysis.file_name().unwrap().to_string_lossy().to_string();
        if !analysis.is_dir() || name == "inputs" || name == "not-for-publication" {
            continue;
        }
        for file in std::fs::read_dir(&analysis).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "csv") {
                tables.push(format!("{name}/{}", file.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    tables.sort();
    tables
}

/// Each table's path, header and first rows, one block each.
fn snapshot(dir: &Path) -> String {
    let mut blocks = Vec::new();
    for table in published_tables(dir) {
        let text = std::fs::read_to_string(dir.join(&table)).unwrap();
        let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).take(ROWS + 1).collect();
        blocks.push(format!("== {table}\n{}\n", lines.join("\n")));
    }
    blocks.join("\n")
}

#[test]
fn the_demo_tables_headers_and_first_rows_are_as_committed() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "--quiet".as_ref()]);
    let got = snapshot(&out);
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(EXPECTED);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    if got != expected {
        let first = got.lines().zip(expected.lines()).position(|(g, e)| g != e);
        let line = first.unwrap_or(got.lines().count().min(expected.lines().count()));
        panic!(
            "the demo's published tables differ from {EXPECTED} at line {}:\n  got:      {:?}\n  expected: {:?}\n\
             (UPDATE_SNAPSHOTS=1 rewrites it when the change is meant)",
            line + 1,
            got.lines().nth(line),
            expected.lines().nth(line)
        );
    }
}
