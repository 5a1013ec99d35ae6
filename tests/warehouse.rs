//! `anchormap export lookups` and docs/warehouse.md: the lookups a data platform joins row data to, and the page's SQL recipes run on the demo (DuckDB, and Spark SQL through sqlglot) giving the CLI's exact tables to the unit.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use polars::prelude::*;

use crate::util::*;

/// The demo's folder, with its `anchormap.toml` and inputs.
fn demo(dir: &Path) -> PathBuf {
    let out = dir.join("demo");
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    out
}

/// Runs `anchormap --config demo/anchormap.toml ARGS`.
fn on_demo(demo: &Path, args: &[&OsString]) -> String {
    let mut all: Vec<OsString> = vec!["--config".into(), demo.join("anchormap.toml").into()];
    all.extend(args.iter().map(|a| (*a).clone()));
    anchormap_ok(all)
}

/// `export lookups` on the demo's reference (its ICB lookup, and `bridge` when given) into `out`.
fn export(demo: &Path, out: &Path, bridge: Option<&Path>) {
    let lookup = demo.join("inputs").join("anchorshire_fictional_area_lookup.csv");
    let mut args: Vec<OsString> = ["export", "lookups", "-q", "--icb-lookup"].map(OsString::from).to_vec();
    args.push(lookup.into());
    if let Some(bridge) = bridge {
        args.extend(["--area-bridge".into(), bridge.as_os_str().to_owned()]);
    }
    args.extend(["--out".into(), out.as_os_str().to_owned()]);
    on_demo(demo, &args.iter().collect::<Vec<_>>());
}

fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap()
}

fn strings(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
    let cells = frame.column(column).unwrap().str().unwrap();
    (0..cells.len()).map(|i| cells.get(i).map(str::to_string)).collect()
}

fn integers(frame: &DataFrame, column: &str) -> Vec<Option<i64>> {
    let cells = frame.column(column).unwrap().i64().unwrap();
    (0..cells.len()).map(|i| cells.get(i)).collect()
}

/// Every `step`th postcode of the lookup, through `geocode(input, output)`: the same area, decile and quintile.
fn placed_as_geocode_places(dir: &Path, postcodes: &DataFrame, step: usize, geocode: impl Fn(&Path, &Path)) {
    let (keys, codes) = (strings(postcodes, "postcode"), strings(postcodes, "area_code"));
    let (deciles, quintiles) = (integers(postcodes, "imd_decile"), integers(postcodes, "imd_quintile"));
    let sample: Vec<usize> = (0..keys.len()).step_by(step).collect();
    let input = dir.join("sample.csv");
    let lines: Vec<String> = sample.iter().map(|i| keys[*i].clone().unwrap()).collect();
    std::fs::write(&input, format!("postcode\n{}\n", lines.join("\n"))).unwrap();
    let geocoded = dir.join("geocoded.csv");
    geocode(&input, &geocoded);
    let (header, rows) = read_csv(&geocoded);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (area, decile) = (column("area_code"), column("imd_decile"));
    assert_eq!(rows.len(), sample.len());
    for (row, i) in rows.iter().zip(&sample) {
        assert_eq!(codes[*i].clone().unwrap_or_default(), row[area], "{}", row[0]);
        assert_eq!(deciles[*i].map(|d| d.to_string()).unwrap_or_default(), row[decile], "{}", row[0]);
        assert_eq!(quintiles[*i], deciles[*i].map(|d| (d + 1) / 2));
    }
}

#[test]
fn export_lookups_writes_typed_parquet_named_in_its_manifest_and_agrees_with_geocode() {
    let dir = temp_dir();
    let demo = demo(dir.path());
    let out = dir.path().join("lookups");
    export(&demo, &out, None);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("lookups_manifest.json")).unwrap()).unwrap();
    let named: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(named, ["postcodes.parquet", "areas.parquet", "site_trips.parquet"]);
    assert_eq!(manifest["not_written"][0]["file"], "lsoa_bridge.parquet");
    assert_eq!(manifest["warnings"][0], "msoa_code left empty: give --msoa-lookup", "{manifest}");
    assert!(manifest["not_written"][0]["needs"].as_str().unwrap().contains("LSOA11_LSOA21"), "{manifest}");
    let mut on_disk: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    on_disk.sort();
    assert_eq!(
        on_disk,
        ["README.txt", "areas.parquet", "lookups_manifest.json", "postcodes.parquet", "site_trips.parquet"]
    );
    let readme = std::fs::read_to_string(out.join("README.txt")).unwrap();
    assert!(readme.contains("IMD (fictional), LSOA 2021") && readme.contains("Not written: lsoa_bridge.parquet"));

    let again = dir.path().join("again");
    export(&demo, &again, None);
    for file in &on_disk {
        assert_eq!(std::fs::read(out.join(file)).unwrap(), std::fs::read(again.join(file)).unwrap(), "{file} unstable");
    }

    let postcodes = read_parquet(&out.join("postcodes.parquet"));
    assert_eq!(postcodes.column("imd_decile").unwrap().dtype(), &DataType::Int64);
    assert_eq!(manifest["files"][0]["rows"].as_u64().unwrap() as usize, postcodes.height());
    let areas = read_parquet(&out.join("areas.parquet"));
    assert_eq!(areas.column("population").unwrap().dtype(), &DataType::Float64);
    assert!(
        strings(&areas, "icb_code").iter().all(|c| c.as_deref() == Some("E54999999")),
        "every demo area in the ICB"
    );
    let sites = read_csv(&demo.join("inputs").join("anchorshire_fictional_sites.csv")).1.len();
    assert_eq!(read_parquet(&out.join("site_trips.parquet")).height(), areas.height() * sites);

    // Every placed postcode's area and decile are geocode's.
    let geocode = |input: &Path, output: &Path| {
        let args: [OsString; 5] = ["geocode".into(), input.into(), "-o".into(), output.into(), "-q".into()];
        on_demo(&demo, &args.iter().collect::<Vec<_>>());
    };
    placed_as_geocode_places(dir.path(), &postcodes, 97, geocode);
    let (keys, codes) = (strings(&postcodes, "postcode"), strings(&postcodes, "area_code"));
    assert!(codes.iter().filter(|c| c.is_some()).count() > keys.len() * 9 / 10, "most postcodes placed");
}

#[test]
fn export_lookups_are_the_same_bytes_from_a_prepared_store() {
    let dir = temp_dir();
    let demo = demo(dir.path());
    let store = dir.path().join("store");
    let (read, stored) = (dir.path().join("read"), dir.path().join("stored"));
    let prepare: [OsString; 4] = ["prepare".into(), "--store".into(), store.clone().into(), "-q".into()];
    on_demo(&demo, &prepare.iter().collect::<Vec<_>>());
    for (out, store_flag) in
        [(&read, vec![OsString::from("--no-store")]), (&stored, vec!["--store".into(), store.into()])]
    {
        let mut args: Vec<OsString> = ["export", "lookups", "-q", "--out"].map(OsString::from).to_vec();
        args.push(out.into());
        args.extend(store_flag);
        on_demo(&demo, &args.iter().collect::<Vec<_>>());
    }
    for file in ["postcodes.parquet", "areas.parquet", "site_trips.parquet", "lookups_manifest.json", "README.txt"] {
        assert_eq!(std::fs::read(read.join(file)).unwrap(), std::fs::read(stored.join(file)).unwrap(), "{file}");
    }
}

#[test]
fn export_lookups_stops_with_one_line_on_what_it_cannot_use() {
    let dir = temp_dir();
    let demo = demo(dir.path());
    let out = dir.path().join("lookups");
    let staff = demo.join("inputs").join("anchorshire_fictional_staff.csv");
    let mut args: Vec<OsString> = vec!["--config".into(), demo.join("anchormap.toml").into()];
    args.extend(["export", "lookups", "--icb-lookup"].map(OsString::from));
    args.push(staff.clone().into());
    args.extend(["--out".into(), out.clone().into()]);
    let err = anchormap_err(args);
    assert!(err.contains("anchorshire_fictional_staff.csv") && err.contains("--icb-column"), "{err}");
    let mut args: Vec<OsString> = vec!["--config".into(), demo.join("anchormap.toml").into()];
    args.extend(["export", "lookups", "--distance-matrix"].map(OsString::from));
    args.extend([staff.into(), "--out".into(), out.into()]);
    let refused = anchormap(args);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "a usage error: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("anchormap: error: ") && err.contains("leave out --distance-matrix"), "{err}");
}

/// The Python with DuckDB and sqlglot (`ANCHORMAP_PYTHON`, else `python3`); none (with a note) when
/// it is missing, unless `ANCHORMAP_REQUIRE_ENGINES=1` (set by CI).
fn python_with_duckdb_and_sqlglot() -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("ANCHORMAP_PYTHON").unwrap_or_else(|| "python3".into()));
    let has = Command::new(&python).args(["-c", "import duckdb, sqlglot"]).output();
    if has.is_ok_and(|o| o.status.success()) {
        return Some(python);
    }
    let required = std::env::var("ANCHORMAP_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    assert!(!required, "ANCHORMAP_REQUIRE_ENGINES=1 but {python:?} cannot import duckdb and sqlglot");
    eprintln!("SKIPPED: no Python with duckdb and sqlglot (pip install -r tests/requirements.txt)");
    None
}

/// Runs tests/engines/warehouse.py; panics with its output when it fails.
fn warehouse_py(python: &Path, args: &[&Path]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("engines").join("warehouse.py");
    let out = Command::new(python).arg(script).args(args).output().expect("python runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    text
}

#[test]
fn the_recipes_of_docs_warehouse_md_give_the_exact_gaps_and_emissions_tables() {
    let Some(python) = python_with_duckdb_and_sqlglot() else { return };
    let dir = temp_dir();
    let demo = demo(dir.path());
    let plain = dir.path().join("plain");
    export(&demo, &plain, None);
    // HES-shaped rows: the patient's LSOA (some of an older vintage, through a bridge), FIRSTATT, ATTENDED.
    let appointments = demo.join("inputs").join("anchorshire_fictional_appointments.csv");
    warehouse_py(&python, &[Path::new("hes"), &appointments, &plain, dir.path()]);
    let (hes, bridge) = (dir.path().join("hes.csv"), dir.path().join("bridge.csv"));
    let lookups = dir.path().join("lookups");
    export(&demo, &lookups, Some(&bridge));
    let emissions = dir.path().join("emissions");
    let args: Vec<OsString> = vec![
        "emissions".into(),
        "--appointments".into(),
        hes.clone().into(),
        "--area-bridge".into(),
        bridge.into(),
        "--out".into(),
        emissions.clone().into(),
        "-q".into(),
    ];
    on_demo(&demo, &args.iter().collect::<Vec<_>>());
    let exact_emissions = emissions.join("not-for-publication").join("emissions_by_decile.csv");
    let (_, rows) = read_csv(&exact_emissions);
    assert!(rows[1][1].contains('.'), "decile 2 holds a bridged area's shares: {:?}", rows[1]);
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join("warehouse.md");
    let staff = demo.join("inputs").join("anchorshire_fictional_staff.csv");
    let exact_gaps = demo.join("gaps").join("not-for-publication").join("gaps_by_decile.csv");
    let said =
        warehouse_py(&python, &[Path::new("check"), &doc, &lookups, &staff, &hes, &exact_gaps, &exact_emissions]);
    for table in [
        "gaps_by_decile (duckdb)",
        "gaps_by_decile (spark)",
        "emissions_by_decile (duckdb)",
        "emissions_by_decile (spark)",
    ] {
        assert!(said.contains(&format!("{table}: ")), "{said}");
    }
}

/// Real data: IoD2025 on LSOA 2021 for England and Wales, with the ONS LSOA 2011 -> 2021 lookup and
/// three hospital sites: every area once, Welsh areas without an English decile, each old code's
/// weights adding up to 1, and postcodes placed as `geocode` places them.
#[test]
fn national_lookups_of_lsoa_2021_with_the_bridge() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let sites = dir.path().join("sites.csv");
    let all_sites = std::fs::read_to_string(reference.join("hospital_sites.csv")).unwrap();
    std::fs::write(&sites, all_sites.lines().take(4).collect::<Vec<_>>().join("\n") + "\n").unwrap();
    let out = dir.path().join("lookups");
    let mut args: Vec<OsString> = vec!["export".into(), "lookups".into(), "-q".into()];
    let reference_args = [
        ("--postcodes", crate::national::CODE_POINT),
        ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--msoa-lookup", "lsoa21_to_msoa21.csv"),
        ("--icb-lookup", "lsoa21_to_sicbl24_icb24.csv"),
        ("--area-bridge", "LSOA11_LSOA21_LAD22_EW_LU.csv"),
    ];
    for (flag, file) in reference_args {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--sites".into(), sites.into(), "--no-store".into(), "--out".into(), out.clone().into()]);
    anchormap_ok(&args);
    let areas = read_parquet(&out.join("areas.parquet"));
    assert_eq!(areas.height(), 35_672, "every LSOA 2021 of England and Wales");
    let codes = strings(&areas, "area_code");
    let deciles = integers(&areas, "imd_decile");
    let english = codes.iter().filter(|c| c.as_deref().is_some_and(|c| c.starts_with('E'))).count();
    assert_eq!(deciles.iter().flatten().count(), english, "33,755 English areas with a decile, no Welsh one");
    assert_eq!(english, 33_755);
    let bridge = read_parquet(&out.join("lsoa_bridge.parquet"));
    let weights = bridge.column("weight").unwrap().f64().unwrap();
    let mut by_code: std::collections::BTreeMap<String, f64> = Default::default();
    for (i, code) in strings(&bridge, "other_code").into_iter().enumerate() {
        *by_code.entry(code.unwrap()).or_default() += weights.get(i).unwrap();
    }
    assert!(by_code.len() > 34_000 && by_code.values().all(|w| (w - 1.0).abs() < 1e-9));
    let trips = read_parquet(&out.join("site_trips.parquet"));
    assert_eq!(trips.height(), 35_672 * 3);

    let postcodes = read_parquet(&out.join("postcodes.parquet"));
    placed_as_geocode_places(dir.path(), &postcodes, 3_001, |input, output| {
        let mut args: Vec<OsString> = vec!["geocode".into(), input.into(), "-q".into(), "--no-store".into()];
        for (flag, file) in &reference_args[..3] {
            args.extend([flag.into(), reference.join(file).into_os_string()]);
        }
        args.extend(["-o".into(), output.into()]);
        anchormap_ok(&args);
    });
}

/// Issue 30 in the lookups: with `--wimd`, `--simd` and Scotland's data zones, every postcode of
/// Great Britain has its nation (the one Code-Point Open gives it, for the CH, LL and DG postcode
/// areas) and its area's decile in its own nation's index, as IoD2025 File 1, WIMD 2025 and SIMD
/// 2020v2 give it for the area (read here from the files), England's `imd_decile` unchanged and
/// never given to a Welsh or Scottish area; each area of `areas.parquet` the same.
#[test]
fn lookups_across_nations_give_each_postcode_its_own_nations_decile() {
    use crate::nations::{deciles, gb_options, IMD2025, SIMD, WIMD2025};
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let out = dir.path().join("lookups");
    let mut args: Vec<OsString> = vec!["export".into(), "lookups".into(), "-q".into(), "--no-store".into()];
    args.extend(gb_options(&reference));
    args.extend(["--out".into(), out.clone().into()]);
    anchormap_ok(&args);
    let (imd, wimd, simd) = (
        deciles(&reference.join(IMD2025), 0, 5),
        deciles(&reference.join(WIMD2025), 0, 5),
        deciles(&reference.join(SIMD), 0, 3),
    );
    let points = crate::nations_analyses::code_point(&reference, &["ch", "ll", "dg"]);
    let postcodes = read_parquet(&out.join("postcodes.parquet"));
    let (keys, codes, nations) =
        (strings(&postcodes, "postcode"), strings(&postcodes, "area_code"), strings(&postcodes, "nation"));
    let (own, english, index) = (
        integers(&postcodes, "deprivation_decile"),
        integers(&postcodes, "imd_decile"),
        strings(&postcodes, "deprivation_index"),
    );
    let mut checked = std::collections::HashMap::<&str, usize>::new();
    for i in 0..keys.len() {
        let (Some(postcode), Some(code)) = (keys[i].as_deref(), codes[i].as_deref()) else { continue };
        let Some(point) = points.get(postcode) else { continue };
        let nation = crate::nations_analyses::nation_of(&point.country);
        assert_eq!(nations[i].as_deref(), Some(nation), "{postcode}: the nation Code-Point Open gives it");
        let (file, name) = match nation {
            "England" => (&imd, "IMD 2025"),
            "Wales" => (&wimd, "WIMD 2025"),
            _ => (&simd, "SIMD 2020v2"),
        };
        let decile: i64 = file[code].parse().unwrap();
        assert_eq!((own[i], index[i].as_deref()), (Some(decile), Some(name)), "{postcode} in {code}");
        let imd_decile = (nation == "England").then_some(decile);
        assert_eq!(english[i], imd_decile, "{postcode}: England's IMD decile only for an English area");
        *checked.entry(nation).or_default() += 1;
    }
    for nation in ["England", "Wales", "Scotland"] {
        assert!(checked.get(nation).copied().unwrap_or(0) > 5_000, "{nation}: {checked:?} postcodes checked");
    }
    let areas = read_parquet(&out.join("areas.parquet"));
    let (codes, own) = (strings(&areas, "area_code"), integers(&areas, "deprivation_decile"));
    for (code, decile) in codes.iter().zip(&own) {
        let code = code.as_deref().unwrap();
        let file = match &code[..1] {
            "E" => &imd,
            "W" => &wimd,
            _ => &simd,
        };
        assert_eq!(*decile, file.get(code).map(|d| d.parse::<i64>().unwrap()), "{code}");
    }
    eprintln!("lookups across nations: {checked:?} postcodes checked, {} areas", codes.len());
}
