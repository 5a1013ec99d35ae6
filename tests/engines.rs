//! `--format parquet,geoparquet,topojson`: the analysts' own engines read the outputs back (DuckDB with its spatial extension, GeoPandas, topojson-client) with the same numbers as the CSVs, the CSVs unchanged, the bytes stable.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// The demo's folder, with its `anchormap.toml`.
fn demo(dir: &Path) -> PathBuf {
    let out = dir.join("demo");
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    out
}

/// Runs `command` (gaps, emissions, commute) on the demo's settings into `out`, with `extra` flags.
fn run(demo: &Path, command: &str, out: &Path, extra: &[&str]) {
    let config = demo.join("anchormap.toml");
    let mut args: Vec<std::ffi::OsString> = vec!["--config".into(), config.into(), command.into()];
    args.extend(["--out".into(), out.as_os_str().to_owned(), "-q".into()]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap_ok(args);
}

/// The files of a folder with `extension`, sorted.
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> =
        published_files(dir).into_iter().filter(|p| p.to_string_lossy().ends_with(extension)).collect();
    found.sort();
    found
}

const ALL_FORMATS: &str = "parquet,geoparquet,topojson";

#[test]
fn other_formats_leave_the_csvs_as_they_were_and_write_the_same_bytes_twice() {
    let dir = temp_dir();
    let demo = demo(dir.path());
    for command in ["gaps", "emissions", "commute"] {
        let plain = dir.path().join(format!("{command}-csv"));
        let (first, second) = (dir.path().join(format!("{command}-1")), dir.path().join(format!("{command}-2")));
        run(&demo, command, &plain, &[]);
        run(&demo, command, &first, &["--format", ALL_FORMATS]);
        run(&demo, command, &second, &["--format", ALL_FORMATS]);
        assert!(files(&plain, ".parquet").is_empty() && files(&plain, ".topojson").is_empty(), "CSV by default");
        for csv in files(&plain, ".csv").iter().chain(&files(&plain, ".geojson")) {
            let name = csv.file_name().unwrap();
            assert_eq!(std::fs::read(csv).unwrap(), std::fs::read(first.join(name)).unwrap(), "{name:?} changed");
        }
        let written: Vec<PathBuf> = [".parquet", ".topojson"].iter().flat_map(|e| files(&first, e)).collect();
        assert_eq!(files(&first, ".csv").len(), files(&first, ".parquet").len() - files(&first, ".geo.parquet").len());
        assert_eq!(files(&first, ".geojson").len(), files(&first, ".geo.parquet").len());
        assert_eq!(files(&first, ".geojson").len(), files(&first, ".topojson").len());
        for file in written {
            let name = file.file_name().unwrap();
            assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(second.join(name)).unwrap(), "{name:?} unstable");
        }
    }
}

#[test]
fn a_format_named_in_anchormap_toml_is_written() {
    let dir = temp_dir();
    let demo = demo(dir.path());
    let config = std::fs::read_to_string(demo.join("anchormap.toml")).unwrap();
    std::fs::write(demo.join("anchormap.toml"), format!("{config}\n[output]\nformat = [\"parquet\"]\n")).unwrap();
    let out = dir.path().join("gaps");
    run(&demo, "gaps", &out, &[]);
    assert!(out.join("gaps_by_decile.parquet").is_file() && !out.join("gaps_by_area.topojson").exists());
    let err = anchormap_usage_err(["gaps", "--format", "shapefile"]);
    assert!(err.contains("shapefile"), "{err}");
}

/// The Python with DuckDB and its spatial extension (`ANCHORMAP_PYTHON`, else `python3`); none
/// (with a note) when it is missing, unless `ANCHORMAP_REQUIRE_ENGINES=1` (set by `.ci/run`).
fn python_with_duckdb() -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("ANCHORMAP_PYTHON").unwrap_or_else(|| "python3".into()));
    let has = Command::new(&python)
        .args(["-c", "import duckdb, importlib.metadata as m; m.distribution('duckdb-ext-spatial')"])
        .output();
    if has.is_ok_and(|o| o.status.success()) {
        return Some(python);
    }
    assert!(!required(), "ANCHORMAP_REQUIRE_ENGINES=1 but {python:?} cannot import duckdb and duckdb_ext_spatial");
    eprintln!("SKIPPED: no Python with duckdb and duckdb-ext-spatial (pip install -r tests/requirements.txt)");
    None
}

/// node with topojson-client on `ANCHORMAP_NODE_PATH`; none (with a note) when missing, unless required.
fn node_with_topojson() -> Option<Command> {
    let mut node = Command::new("node");
    node.env("NODE_PATH", std::env::var_os("ANCHORMAP_NODE_PATH").unwrap_or_default());
    let has = Command::new("node")
        .env("NODE_PATH", std::env::var_os("ANCHORMAP_NODE_PATH").unwrap_or_default())
        .args(["-e", "require('topojson-client')"])
        .output();
    if has.is_ok_and(|o| o.status.success()) {
        return Some(node);
    }
    assert!(!required(), "ANCHORMAP_REQUIRE_ENGINES=1 but node cannot load topojson-client (ANCHORMAP_NODE_PATH)");
    eprintln!("SKIPPED: no node with topojson-client (npm install topojson-client; ANCHORMAP_NODE_PATH)");
    None
}

fn required() -> bool {
    std::env::var("ANCHORMAP_REQUIRE_ENGINES").is_ok_and(|v| v == "1")
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("engines").join(name)
}

/// Runs a checking script; panics with its output when it fails.
fn check(mut command: Command) {
    let out = command.output().expect("the checker runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    eprint!("{text}");
}

#[test]
fn parquet_and_geoparquet_read_back_in_duckdb_and_geopandas_as_the_csvs_say() {
    let Some(python) = python_with_duckdb() else { return };
    let dir = temp_dir();
    let demo = demo(dir.path());
    for command in ["gaps", "emissions", "commute"] {
        let out = dir.path().join(command);
        run(&demo, command, &out, &["--format", "parquet,geoparquet"]);
        let mut read_back = Command::new(&python);
        read_back.arg(script("read_back.py")).arg(&out);
        check(read_back);
    }
}

#[test]
fn topojson_round_trips_through_topojson_client() {
    let Some(_) = node_with_topojson() else { return };
    let dir = temp_dir();
    let demo = demo(dir.path());
    let out = dir.path().join("gaps");
    run(&demo, "gaps", &out, &["--format", "topojson"]);
    let layers = files(&out, ".topojson");
    assert!(!layers.is_empty());
    for layer in layers {
        let name = layer.file_stem().unwrap().to_string_lossy().into_owned();
        let mut node = node_with_topojson().unwrap();
        node.arg(script("topojson_round_trip.js")).arg(&layer).arg(out.join(format!("{name}.geojson"))).arg(&name);
        check(node);
    }
}

/// Real data: gaps for an ICB (Herefordshire and Worcestershire, LSOA 2011, IoD2019) around a real
/// hospital, in every format, read back in DuckDB, GeoPandas and topojson-client.
#[test]
fn national_areas_of_an_icb_in_every_format() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = crate::national::synthetic_staff(&reference, dir.path(), 2_000);
    let out = dir.path().join("gaps");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    for (flag, file) in [
        ("--postcodes", crate::national::CODE_POINT),
        ("--boundaries", "LSOA_2011_EW_BSC.geojson"),
        ("--deprivation", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
        ("--population", "File_6_-_IoD2019_Population_Denominators.csv"),
        ("--community-lookup", "lsoa11_to_sicbl_icb.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--community-filter", "icb_code=E54000019", "-q", "--format", ALL_FORMATS, "--out"].map(Into::into));
    args.push(out.clone().into_os_string());
    anchormap_ok(args);
    if let Some(python) = python_with_duckdb() {
        let mut read_back = Command::new(&python);
        read_back.arg(script("read_back.py")).arg(&out);
        check(read_back);
    }
    if let Some(mut node) = node_with_topojson() {
        node.arg(script("topojson_round_trip.js"));
        node.arg(out.join("gaps_by_area.topojson")).arg(out.join("gaps_by_area.geojson")).arg("gaps_by_area");
        check(node);
    }
}

/// `publish`: a platform's table of counts under the rule, with totals, its audit, CSV and Parquet.
#[test]
fn publish_applies_the_rule_and_the_audit_to_a_table_made_elsewhere() {
    use polars::prelude::*;
    let dir = temp_dir();
    let mut frame = df!(
        "imd_decile" => [1i64, 2, 3, 4],
        "appointments" => [1200i64, 3, 46, 81],
        "patients" => [400i64, 2, 19, 30],
        "kg_exact" => [10.5f64, 0.2, 1.0, 2.0],
    )
    .unwrap();
    let table = dir.path().join("hes_by_decile.parquet");
    ParquetWriter::new(std::fs::File::create(&table).unwrap()).finish(&mut frame).unwrap();
    let out = dir.path().join("published");
    let mut args: Vec<std::ffi::OsString> = vec!["publish".into(), table.clone().into()];
    args.extend(["--keys", "imd_decile", "--counts", "appointments,patients", "--out"].map(Into::into));
    args.push(out.clone().into());
    anchormap_ok(args);
    let (header, rows) = read_csv(&out.join("hes_by_decile.csv"));
    assert_eq!(header, ["imd_decile", "appointments", "patients"], "only keys and counts are published");
    assert_eq!(rows[1][1..], ["*", "*"], "decile 2's small counts hidden");
    assert_eq!(rows[0][1], "1200");
    assert_eq!(rows[4][0], "Total");
    assert!(
        rows.iter().flat_map(|r| &r[1..]).all(|c| c == "*" || c.parse::<f64>().map_or(true, |v| v % 5.0 == 0.0)),
        "{rows:?}"
    );
    assert!(out.join("hes_by_decile.parquet").is_file());
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("disclosure_audit.json")).unwrap()).unwrap();
    assert_eq!(audit["systems"][0]["protected"], true, "{audit}");

    let mut bad = df!("imd_decile" => [1i64], "appointments" => [2.5f64]).unwrap();
    let bad_table = dir.path().join("bad.parquet");
    ParquetWriter::new(std::fs::File::create(&bad_table).unwrap()).finish(&mut bad).unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["publish".into(), bad_table.into()];
    args.extend(["--keys", "imd_decile", "--counts", "appointments", "--out"].map(Into::into));
    args.push(dir.path().join("bad-out").into());
    let err = anchormap_err(args);
    assert!(err.contains("bad.parquet") && err.contains("line 2") && err.contains("appointments"), "{err}");
}
