//! Unusable inputs fail with one line naming the file (and line and column where they exist); never a panic.

use std::path::{Path, PathBuf};

use crate::util::*;

struct Case {
    input: PathBuf,
    postcodes: PathBuf,
    boundaries: PathBuf,
    deprivation: Option<PathBuf>,
    output: PathBuf,
}

impl Case {
    fn good(dir: &Path) -> Case {
        Case {
            input: fixture("staff.csv"),
            postcodes: fixture("postcodes.csv"),
            boundaries: fixture("areas.geojson"),
            deprivation: Some(fixture("imd.csv")),
            output: dir.join("out.csv"),
        }
    }

    fn fails(&self) -> String {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "geocode".as_ref(),
            self.input.as_os_str(),
            "--postcodes".as_ref(),
            self.postcodes.as_os_str(),
            "--boundaries".as_ref(),
            self.boundaries.as_os_str(),
            "-o".as_ref(),
            self.output.as_os_str(),
        ];
        if let Some(d) = &self.deprivation {
            args.extend(["--deprivation".as_ref(), d.as_os_str()]);
        }
        let line = anchormap_err(args);
        assert!(!self.output.exists(), "no output is left behind after an error");
        line
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn missing_and_empty_inputs() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());
    case.input = dir.path().join("nope.csv");
    assert!(case.fails().contains("nope.csv: No such file"));

    case.input = write(dir.path(), "empty.csv", b"");
    assert!(case.fails().contains("empty.csv: the file is empty"));

    case.input = write(dir.path(), "nopc.csv", b"id,name\n1,a\n");
    let line = case.fails();
    assert!(line.contains("nopc.csv: no postcode column") && line.contains("'id', 'name'"), "{line}");
}

#[test]
fn ragged_long_rows_name_line_and_column() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());
    case.input = write(dir.path(), "ragged.csv", b"id,postcode\n1,XX1 1AA\n2,XX1 1AD,extra\n");
    let line = case.fails();
    assert!(line.contains("ragged.csv, line 3, column 3: this row has 3 fields but the header has 2"), "{line}");
}

#[test]
fn broken_geojson() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());
    let text = std::fs::read_to_string(fixture("areas.geojson")).unwrap();

    case.boundaries = write(dir.path(), "truncated.geojson", &text.as_bytes()[..text.len() / 2]);
    let line = case.fails();
    assert!(line.contains("truncated.geojson, line") && line.contains("ends too early"), "{line}");

    case.boundaries = write(dir.path(), "point.geojson", br#"{"type": "Point", "coordinates": [1, 2]}"#);
    assert!(case.fails().contains("point.geojson: is a GeoJSON Point; expected a FeatureCollection"));

    case.boundaries = write(dir.path(), "array.geojson", b"[1, 2]");
    assert!(case.fails().contains("array.geojson, line 1, column 1: is not a JSON object"));

    case.boundaries = write(dir.path(), "empty.geojson", b"  \n");
    assert!(case.fails().contains("empty.geojson: the file is empty"));

    let no_code = text.replacen("\"LSOA11CD\": \"E01900001\", ", "", 1);
    case.boundaries = write(dir.path(), "nocode.geojson", no_code.as_bytes());
    let line = case.fails();
    assert!(
        line.contains("nocode.geojson, line 7, column 1: feature 2 has no 'LSOA11CD' (area code) property"),
        "{line}"
    );

    let line_string = concat!(
        "{\"type\": \"FeatureCollection\", \"features\": [\n",
        "{\"type\": \"Feature\", \"properties\": {\"code\": \"A\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[400000, 300000], [400010, 300000], [400010, 300010], [400000, 300000]]]}},\n",
        "{\"type\": \"Feature\", \"properties\": {\"code\": \"B\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[400000, 300000], [400010, 300000]]}}\n",
        "]}\n"
    );
    case.boundaries = write(dir.path(), "line.geojson", line_string.as_bytes());
    let line = case.fails();
    assert!(
        line.contains(
            "line.geojson, line 3, column 1: feature 2 (B) is a LineString; boundaries must be Polygon or MultiPolygon"
        ),
        "{line}"
    );

    let bad_json = text.replacen("\"Testtown 001A\"}", "\"Testtown 001A\" oops}", 1);
    case.boundaries = write(dir.path(), "syntax.geojson", bad_json.as_bytes());
    let line = case.fails();
    assert!(line.contains("syntax.geojson, line 7, column"), "{line}");

    let web_mercator = text.replace("urn:ogc:def:crs:EPSG::27700", "urn:ogc:def:crs:EPSG::3857");
    case.boundaries = write(dir.path(), "3857.geojson", web_mercator.as_bytes());
    assert!(case.fails().contains("coordinates are in urn:ogc:def:crs:EPSG::3857"));
}

#[test]
fn broken_postcode_directories() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());

    case.postcodes = write(dir.path(), "corrupt.zip", b"PK\x03\x04 this is not really a zip");
    let line = case.fails();
    assert!(line.contains("corrupt.zip: is not a readable zip file"), "{line}");

    case.postcodes = write(dir.path(), "text.zip", b"hello");
    assert!(case.fails().contains("text.zip: is not a valid zip file"));

    case.postcodes = write(dir.path(), "nocoords.csv", b"pcds,ctry\nXX1 1AA,E92000001\n");
    assert!(case.fails().contains("nocoords.csv: the postcode directory needs easting/northing"));

    // A zip whose data entry is cut short.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("Data/CSV/xx.csv", zip::write::SimpleFileOptions::default()).unwrap();
    let rows: String =
        (0..20_000).map(|i| format!("\"XX{} {}AA\",10,400000,300000,\"E92000001\"\n", i % 90 + 1, i % 10)).collect();
    std::io::Write::write_all(&mut zip, rows.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    case.postcodes = write(dir.path(), "truncated.zip", &bytes[..bytes.len() * 2 / 3]);
    let line = case.fails();
    assert!(line.contains("truncated.zip"), "{line}");
}

#[test]
fn unknown_deprivation_headers() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());
    case.deprivation = Some(write(dir.path(), "imd.csv", b"area,thing\nE01900001,3\n"));
    let line = case.fails();
    assert!(line.contains("imd.csv: no area code") && line.contains("'area', 'thing'"), "{line}");

    case.deprivation = Some(write(dir.path(), "imd2.csv", b"LSOA code (2011),something\nE01900001,3\n"));
    assert!(case.fails().contains("imd2.csv: no IMD rank, decile or score column"));

    case.deprivation = Some(write(
        dir.path(),
        "imd3.csv",
        b"LSOA code (2011),Index of Multiple Deprivation (IMD) Rank\nE01900001,12\nE01900002,twelve\n",
    ));
    let line = case.fails();
    assert!(
        line.contains("imd3.csv, line 3, column 'Index of Multiple Deprivation (IMD) Rank': 'twelve' is not a number"),
        "{line}"
    );
}

#[test]
fn unwritable_output_fails_before_work() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());
    case.output = dir.path().join("no-such-folder").join("out.csv");
    assert!(case.fails().contains("no-such-folder/out.csv"));
    case.output = dir.path().to_path_buf();
    let out = anchormap([
        "geocode".as_ref(),
        case.input.as_os_str(),
        "--postcodes".as_ref(),
        case.postcodes.as_os_str(),
        "--boundaries".as_ref(),
        case.boundaries.as_os_str(),
        "-o".as_ref(),
        case.output.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));
}

#[test]
fn existing_added_column_is_refused() {
    let dir = temp_dir();
    let mut case = Case::good(dir.path());
    case.input = write(dir.path(), "again.csv", b"postcode,match\nXX1 1AA,within\n");
    assert!(case.fails().contains("again.csv, line 1, column 'match': the input already has a 'match' column"));
}

#[test]
fn usage_errors_exit_2() {
    let out = anchormap(["geocode", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    // Issue 24: a decile outside 1-10 is refused as written, not silently matched by nothing.
    let out = anchormap(["gaps", "--staff", "s.csv", "--target-deciles", "0,11", "--out", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--target-deciles") && stderr.contains("1..=10"), "{stderr}");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let dir = temp_dir();
    let mut seed = 0x2545F4914F6CDD1Du64;
    for i in 0..12 {
        let mut bytes = Vec::new();
        for _ in 0..(200 + i * 97) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(match seed % 7 {
                0 => b',',
                1 => b'\n',
                2 => b'"',
                _ => (seed >> 8) as u8,
            });
        }
        let input = write(dir.path(), &format!("noise{i}.csv"), &[b"postcode,x\n".as_slice(), &bytes].concat());
        let boundaries = write(dir.path(), &format!("noise{i}.geojson"), &bytes);
        for (inp, bnd) in [(&input, &fixture("areas.geojson")), (&fixture("staff.csv"), &boundaries)] {
            let out = anchormap([
                "geocode".as_ref(),
                inp.as_os_str(),
                "--postcodes".as_ref(),
                fixture("postcodes.csv").as_os_str(),
                "--boundaries".as_ref(),
                bnd.as_os_str(),
                "-o".as_ref(),
                dir.path().join("o.csv").as_os_str(),
            ]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "panic on noise {i}: {stderr}");
            assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
        }
    }
}

/// gaps and emissions compare by deprivation decile: without `--deprivation` they stop with a
/// usage error naming the flag, before reading anything else.
#[test]
fn analyses_without_deprivation_are_refused() {
    let dir = temp_dir();
    for (command, input_flag, input) in
        [("gaps", "--staff", "staff.csv"), ("emissions", "--appointments", "appointments.csv")]
    {
        let mut args: Vec<std::ffi::OsString> = vec![command.into(), input_flag.into(), fixture(input).into()];
        for pair in fixture_reference_args().chunks(2).filter(|p| p[0] != "--deprivation") {
            args.extend(pair.iter().cloned());
        }
        if command == "gaps" {
            args.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
        }
        args.extend(["--out".into(), dir.path().join(command).into()]);
        let out = anchormap(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains(&format!("{command} needs --deprivation")), "{command}: {stderr}");
    }
}

/// Issue 24: a population of 1.7e308, a negative one or NaN is not a population: counted and
/// named (file, line, column) in one warning, its area left without a population (no rate, no
/// expected staff), the others unchanged; text that is not a number still stops the run.
#[test]
fn implausible_populations_are_named_and_kept_out() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(fixture("population.csv")).unwrap();
    let absurd = text
        .replace("E01900002,1500", "E01900002,1.7e308")
        .replace("E01900003,2000", "E01900003,-5")
        .replace("E01900004,500", "E01900004,NaN");
    let population = dir.path().join("population.csv");
    std::fs::write(&population, absurd).unwrap();
    let run = |population: &Path, out: &Path| {
        let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), fixture("staff.csv").into()];
        let reference = fixture_reference_args();
        let given = reference.chunks(2).filter(|pair| pair[0] != "--population");
        args.extend(given.flat_map(|pair| pair.iter().cloned()));
        args.extend(["--population".into(), population.into(), "--out".into(), out.into()]);
        args.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
        args
    };
    let out = dir.path().join("run");
    let stderr = anchormap_ok(run(&population, &out));
    assert!(!stderr.contains("panicked"), "{stderr}");
    let warning = stderr.lines().find(|l| l.contains("not a population an area can have"));
    let warning = warning.unwrap_or_else(|| panic!("{stderr}"));
    let named = "population.csv, line 3, column 'population' and 2 more";
    assert!(warning.contains("3 population values") && warning.contains(named), "{warning}");
    let (headers, rows) = read_csv(&out.join("gaps_by_area.csv"));
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (code, pop) = (at("area_code"), at("population"));
    let population_of = |c: &str| rows.iter().find(|r| r[code] == c).map(|r| r[pop].clone()).unwrap_or_default();
    for kept_out in ["E01900002", "E01900003", "E01900004"] {
        let population = population_of(kept_out);
        assert!(population.is_empty() || population == "0", "{kept_out}: {population}");
    }
    assert_eq!(population_of("E01900001"), "1000");

    std::fs::write(&population, text.replace("E01900002,1500", "E01900002,lots")).unwrap();
    let line = anchormap_err(run(&population, &dir.path().join("text")));
    assert!(line.contains("population.csv, line 3, column 'population': 'lots' is not a population count"), "{line}");
}
