//! `anchormap geocode` on hand-made fixtures: every row out in order, exact areas, statuses and distances.

use std::path::Path;

use crate::util::*;

const ADDED: [&str; 9] = [
    "postcode_normalised",
    "easting",
    "northing",
    "area_code",
    "area_name",
    "imd_decile",
    "imd_rank",
    "match",
    "distance_m",
];

/// Runs `geocode` on an input with a directory and boundaries, plus extra arguments; returns stderr.
fn geocode(input: &Path, postcodes: &Path, boundaries: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args: Vec<std::ffi::OsString> =
        vec!["geocode".into(), input.into(), "--postcodes".into(), postcodes.into()];
    args.extend(["--boundaries".into(), boundaries.into(), "-o".into(), out.into()]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap_ok(args)
}

fn geocode_staff(postcodes: &Path, out_dir: &Path) -> (Vec<String>, Vec<Vec<String>>, serde_json::Value) {
    let out = out_dir.join("out.csv");
    let summary = out_dir.join("summary.json");
    geocode(
        &fixture("staff.csv"),
        postcodes,
        &fixture("areas.geojson"),
        &out,
        &["--deprivation", fixture("imd.csv").to_str().unwrap(), "--summary-json", summary.to_str().unwrap()],
    );
    let (headers, rows) = read_csv(&out);
    let summary = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    (headers, rows, summary)
}

/// (staff_id, postcode_normalised, easting, northing, area_code, imd_decile, imd_rank, match, distance_m)
const EXPECTED: [[&str; 9]; 16] = [
    ["1", "XX1 1AA", "400500", "300500", "E01900001", "1", "1234", "within", "0"],
    ["2", "XX1 1AB", "401000", "300500", "E01900001", "1", "1234", "within", "0"], // shared edge: smallest code
    ["3", "XX1 1AD", "401500", "300500", "E01900002", "4", "12345", "within", "0"],
    ["4", "XX1 1AE", "400500", "301500", "E01900004", "2", "5000", "within", "0"], // island in a hole
    ["5", "XX1 1AF", "400200", "301800", "E01900003", "10", "30000", "within", "0"],
    ["6", "XX1 1AG", "402500", "300500", "W01900001", "", "", "within", "0"], // Welsh: no English decile
    ["7", "XX1 1AH", "400500", "299700", "E01900001", "1", "1234", "nearest", "300"],
    ["8", "XX1 1AJ", "400500", "297000", "", "", "", "outside", ""],
    ["9", "XX1 1AL", "", "", "", "", "", "no_coordinates", ""],
    ["10", "ZZ99 3VZ", "", "", "", "", "", "unknown_postcode", ""],
    ["11", "", "", "", "", "", "", "invalid_postcode", ""],
    ["12", "", "", "", "", "", "", "invalid_postcode", ""],
    ["13", "XX1 1AN", "402500", "299900", "", "", "", "outside", ""], // Scottish, 100 m from a Welsh area
    ["14", "XX1 1AP", "401500", "300200", "", "", "", "outside", ""], // Scottish point inside an English area
    ["15", "XX1 1AQ", "405200", "300200", "E01900005", "", "", "within", "0"], // second part of a multipolygon
    ["16", "XX1 1AR", "403100", "300200", "E01900005", "", "", "nearest", "900"], // English: not the nearer Welsh area
];

fn check_rows(headers: &[String], rows: &[Vec<String>]) {
    let original = ["staff_id", "name", "postcode", "band"];
    let expected_headers: Vec<&str> = original.iter().chain(ADDED.iter()).copied().collect();
    assert_eq!(headers, expected_headers);
    assert_eq!(rows.len(), EXPECTED.len(), "every input row is in the output");
    for (row, want) in rows.iter().zip(EXPECTED) {
        let got = [&row[0], &row[4], &row[5], &row[6], &row[7], &row[9], &row[10], &row[11], &row[12]];
        assert_eq!(got, want, "row for staff {}", want[0]);
    }
    // Input columns are kept as they were, including the messy postcode text.
    assert_eq!(rows[1][2], " XX1  1AB ");
    assert_eq!(rows[0][8], "Testtown 001A");
    assert_eq!(rows[10][2], "NOT A POSTCODE");
}

#[test]
fn geocode_header_csv_directory() {
    let dir = temp_dir();
    let (headers, rows, summary) = geocode_staff(&fixture("postcodes.csv"), dir.path());
    check_rows(&headers, &rows);
    let m = &summary["match"];
    assert_eq!((m["within"].as_u64(), m["nearest"].as_u64(), m["outside"].as_u64()), (Some(7), Some(2), Some(3)));
    assert_eq!(
        (m["unknown_postcode"].as_u64(), m["invalid_postcode"].as_u64(), m["no_coordinates"].as_u64()),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(summary["rows"], 16);
    assert_eq!(summary["boundaries"]["crs"], "EPSG:27700");
    assert_eq!(summary["boundaries"]["geography"], "LSOA 2011");
    assert_eq!(summary["deprivation"]["coverage"]["english_areas"], 5);
    assert_eq!(summary["deprivation"]["coverage"]["english_areas_with_deprivation"], 4);
}

#[test]
fn geocode_code_point_folder_and_zip_agree() {
    let dir = temp_dir();
    let (headers, rows, summary) = geocode_staff(&fixture("codepoint"), dir.path());
    check_rows(&headers, &rows);
    assert_eq!(summary["postcodes"]["format"], "OS Code-Point Open");

    // The same data as a published-style zip.
    let zip_path = dir.path().join("codepo_test.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("Doc/readme.txt", options).unwrap();
    std::io::Write::write_all(&mut zip, b"fictional test data").unwrap();
    zip.start_file("Data/CSV/xx.csv", options).unwrap();
    std::io::Write::write_all(&mut zip, &std::fs::read(fixture("codepoint/Data/CSV/xx.csv")).unwrap()).unwrap();
    zip.finish().unwrap();
    let zipped = temp_dir();
    let (_, zip_rows, _) = geocode_staff(&zip_path, zipped.path());
    assert_eq!(zip_rows, rows);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let dir = temp_dir();
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    geocode_staff(&fixture("postcodes.csv"), dir.path());
    let (csv, summary) = (read("out.csv"), read("summary.json"));
    geocode_staff(&fixture("postcodes.csv"), dir.path());
    assert_eq!(read("out.csv"), csv);
    assert_eq!(read("summary.json"), summary);
}

/// Each distinct postcode is placed once and reused: repeats, in the same batch and in later
/// batches (65,536 rows each), must get exactly the answer the postcode gets on its own.
#[test]
fn repeated_postcodes_across_batches_get_the_same_answer() {
    let dir = temp_dir();
    let (headers, alone, _) = geocode_staff(&fixture("postcodes.csv"), dir.path());
    let text = std::fs::read_to_string(fixture("staff.csv")).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let copies = 70_000 / body.lines().count() + 1;
    let repeated = dir.path().join("repeated.csv");
    std::fs::write(&repeated, format!("{header}\n{}", body.repeat(copies))).unwrap();
    let out = dir.path().join("repeated_out.csv");
    geocode(
        &repeated,
        &fixture("postcodes.csv"),
        &fixture("areas.geojson"),
        &out,
        &["--deprivation", fixture("imd.csv").to_str().unwrap()],
    );
    let (repeated_headers, rows) = read_csv(&out);
    assert_eq!(repeated_headers, headers);
    assert!(rows.len() > 65_536, "{} rows", rows.len());
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row, &alone[i % alone.len()], "row {}", i + 2);
    }
}

#[test]
fn max_distance_decides_nearest_or_outside() {
    let dir = temp_dir();
    let out = dir.path().join("out.csv");
    geocode(
        &fixture("staff.csv"),
        &fixture("postcodes.csv"),
        &fixture("areas.geojson"),
        &out,
        &["--max-distance", "299"],
    );
    let (_, rows) = read_csv(&out);
    let status: Vec<&str> = rows.iter().map(|r| r[11].as_str()).collect();
    assert_eq!(status[6], "outside", "300 m is beyond a 299 m limit");
    assert_eq!(status[15], "outside");
    assert!(rows.iter().all(|r| r[9].is_empty()), "no deprivation file, no deciles");
}

#[test]
fn postcode_column_can_be_named_and_stdout_used() {
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "\u{feff}ref,Home Postcode\na,xx1 1ad\nb,\n").unwrap();
    let out = crate::util::anchormap([
        "geocode".as_ref(),
        input.as_os_str(),
        "--postcode-column".as_ref(),
        "home postcode".as_ref(),
        "--postcodes".as_ref(),
        fixture("postcodes.csv").as_os_str(),
        "--boundaries".as_ref(),
        fixture("areas.geojson").as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
        "--quiet".as_ref(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ref,Home Postcode,postcode_normalised,easting,northing,area_code,area_name,imd_decile,imd_rank,match,distance_m");
    assert_eq!(lines[1], "a,xx1 1ad,XX1 1AD,401500,300500,E01900002,Testtown 001B,,,within,0");
    assert_eq!(lines[2], "b,,,,,,,,,invalid_postcode,");
    assert!(out.stderr.is_empty(), "--quiet prints nothing: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn short_rows_are_kept_and_counted() {
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "postcode,team,note\nXX1 1AA,a,x\nXX1 1AD\n").unwrap();
    let out = dir.path().join("out.csv");
    let summary = dir.path().join("s.json");
    geocode(
        &input,
        &fixture("postcodes.csv"),
        &fixture("areas.geojson"),
        &out,
        &["--summary-json", summary.to_str().unwrap()],
    );
    let (_, rows) = read_csv(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][..4], ["XX1 1AD".to_string(), String::new(), String::new(), "XX1 1AD".to_string()]);
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(summary["short_rows"], 1);
}

#[test]
fn deprivation_of_another_vintage_is_reported() {
    let dir = temp_dir();
    // IoD2025-style headers: LSOA 2021 codes, 2024 districts.
    let imd_2025 = dir.path().join("File_1_IoD2025.csv");
    std::fs::write(
        &imd_2025,
        "\u{feff}LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),\
         Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n\
         E01900001,Testtown 001A,E07999999,Testtown,\"33,000\",10\n",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let summary = dir.path().join("s.json");
    let stderr = geocode(
        &fixture("staff.csv"),
        &fixture("postcodes.csv"),
        &fixture("areas.geojson"),
        &out,
        &["--deprivation", imd_2025.to_str().unwrap(), "--summary-json", summary.to_str().unwrap()],
    );
    assert!(
        stderr.contains("anchormap: warning: boundaries are LSOA 2011 and deprivation is LSOA 2021: 4 of 5 English areas have no deprivation figures"),
        "{stderr}"
    );
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(summary["deprivation"]["edition"], "IoD2025");
    assert_eq!(summary["deprivation"]["coverage"]["deprivation_geography"], "LSOA 2021");
    assert_eq!(summary["warnings"].as_array().unwrap().len(), 1);
    let (_, rows) = read_csv(&out);
    assert_eq!((rows[0][9].as_str(), rows[0][10].as_str()), ("10", "33000"));
}

#[test]
fn british_national_grid_is_recognised_without_a_crs_member() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(fixture("areas.geojson")).unwrap();
    let without_crs: String = text.lines().filter(|l| !l.starts_with("\"crs\"")).collect::<Vec<_>>().join("\n");
    let boundaries = dir.path().join("no_crs.geojson");
    std::fs::write(&boundaries, without_crs).unwrap();
    let (with, without) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    for (b, out) in [(fixture("areas.geojson"), &with), (boundaries, &without)] {
        geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &b, out, &[]);
    }
    assert_eq!(std::fs::read(&with).unwrap(), std::fs::read(&without).unwrap());
}

/// Regression: `-o /dev/null` once renamed a temporary file over the device node. Outputs that
/// are not regular files are written in place; symbolic links are followed, not replaced.
#[test]
fn regression_outputs_to_pipes_and_links_are_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = temp_dir();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    if made {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &fixture("areas.geojson"), &fifo, &[]);
        let text = reader.join().unwrap();
        assert_eq!(text.lines().count(), 17, "header and 16 rows came through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe is still a pipe");
    }

    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &fixture("areas.geojson"), &link, &[]);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    assert!(std::fs::read_to_string(&real).unwrap().starts_with("staff_id,name,postcode,band,"));
}

/// Issue 14: a directory with the LSOA column of the boundaries' vintage (ONSPD/NSPL `lsoa11`)
/// places each postcode in the area ONS assigns (`directory`); a blank code or one not among the
/// boundaries falls back to the spatial join; the summary counts where the two disagree; the
/// column of the other vintage (`lsoa21`) is ignored with a note.
#[test]
fn the_directory_area_column_of_the_boundaries_vintage_is_used() {
    let dir = temp_dir();
    let directory = dir.path().join("onspd.csv");
    std::fs::write(
        &directory,
        "pcds,oseast1m,osnrth1m,osgrdind,ctry,lsoa11,lsoa21\n\
         XX1 1AA,400500,300500,1,E92000001,E01900002,E01990001\n\
         XX1 1AB,401000,300500,1,E92000001,E01900001,E01990001\n\
         XX1 1AD,401500,300500,1,E92000001,,\n\
         XX1 1AE,400500,301500,1,E92000001,E01999999,\n\
         XX1 1AJ,400500,297000,1,E92000001,E01900001,\n\
         XX1 1AL,,,9,E92000001,,\n",
    )
    .unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "postcode\nXX1 1AA\nXX1 1AB\nXX1 1AD\nXX1 1AE\nXX1 1AJ\nXX1 1AL\nXX1 1AA\n").unwrap();
    let (out, summary) = (dir.path().join("out.csv"), dir.path().join("summary.json"));
    let stderr =
        geocode(&input, &directory, &fixture("areas.geojson"), &out, &["--summary-json", summary.to_str().unwrap()]);
    assert!(stderr.contains("'lsoa21' is not used: the boundaries are LSOA 2011"), "{stderr}");
    let (headers, rows) = read_csv(&out);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[col("area_code")].as_str(), r[col("match")].as_str(), r[col("distance_m")].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("E01900002", "directory", "0"), // ONS says 001B; the spatial join says 001A
            ("E01900001", "directory", "0"),
            ("E01900002", "within", "0"),    // blank code: the spatial join
            ("E01900004", "within", "0"),    // a code not among the boundaries: the spatial join
            ("E01900001", "directory", "0"), // outside every polygon, but ONS assigns it
            ("", "no_coordinates", ""),
            ("E01900002", "directory", "0"),
        ]
    );
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(
        summary["directory_assignment"],
        serde_json::json!({
            "column": "lsoa11", "assigned": 4, "spatial_join_agrees": 1, "spatial_join_disagrees": 2,
            "spatial_join_outside": 1, "blank_code_spatial_join": 1, "code_not_in_boundaries_spatial_join": 1,
        })
    );
    assert_eq!(summary["match"]["directory"], 4);
    assert_eq!(
        (summary["postcodes"]["with_lsoa11_code"].as_u64(), summary["postcodes"]["with_lsoa21_code"].as_u64()),
        (Some(4), Some(2))
    );
    assert!(summary["warnings"][0].as_str().unwrap().contains("'lsoa21' is not used"), "{summary}");
}
