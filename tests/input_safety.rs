//! Issue 11, input safety: inputs that cannot hurt — no lost rows, no panics, no writes outside
//! their folder, no formulas or script breaking out of published outputs.

use std::path::{Path, PathBuf};

use crate::util::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `gaps` on the fixture reference data with a given staff file, plus extra arguments.
fn gaps_args(staff: &Path, out: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let line = Line::new("gaps").arg("--staff", staff).out(out).fixtures(&FIXTURE_REFERENCE);
    line.fixtures(&[("--community-codes", "community_codes.txt")]).args(extra).into()
}

fn emissions_args(appointments: &Path, out: &Path, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let line = Line::new("emissions").arg("--appointments", appointments).fixtures(&FIXTURE_REFERENCE);
    line.out(out).args(extra).into()
}

#[test]
fn issue_11_unbalanced_quote_in_staff_file_names_the_line_where_it_opened() {
    let dir = temp_dir();
    let staff = std::fs::read_to_string(fixture("staff.csv")).unwrap();
    // A stray quote at the start of a field on line 4: today the rest of the file is one field.
    let broken = staff.replacen("3,Cat,", "3,\"Cat,", 1);
    let staff = write(dir.path(), "staff.csv", broken.as_bytes());
    let line = anchormap_err(gaps_args(&staff, &dir.path().join("out"), &[]));
    assert!(line.contains("staff.csv, line 4: a quoted field opens on this line and is never closed"), "{line}");

    // The same reading path serves geocode, vacancies, sites and appointments.
    let out = dir.path().join("g.csv");
    let line = anchormap_err([
        "geocode".as_ref(),
        staff.as_os_str(),
        "--postcodes".as_ref(),
        fixture("postcodes.csv").as_os_str(),
        "--boundaries".as_ref(),
        fixture("areas.geojson").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(line.contains("staff.csv, line 4"), "{line}");

    let appointments =
        std::fs::read_to_string(fixture("appointments.csv")).unwrap().replacen("3,XX1 1AD", "3,\"XX1 1AD", 1);
    let appointments = write(dir.path(), "appointments.csv", appointments.as_bytes());
    let line = anchormap_err(emissions_args(&appointments, &dir.path().join("e"), &[]));
    assert!(line.contains("appointments.csv, line 4: a quoted field opens"), "{line}");

    // Two stray quotes: the rows between them would vanish into one field.
    let vacancies = write(
        dir.path(),
        "vacancies.csv",
        b"vacancy_id,site,staff_group,band\nV1,S1,\"Estates,3\nV2,S1,Admin\"x,2\nV3,S1,Nursing,6\n",
    );
    let mut args = gaps_args(&fixture("staff.csv"), &dir.path().join("v"), &["--vacancies"]);
    args.push(vacancies.into());
    let line = anchormap_err(args);
    assert!(line.contains("vacancies.csv, line 2: text follows the closing quote"), "{line}");
}

/// An ICB's extract of IoD2019 File 1 with the decile column dropped: its ranks are national, so
/// deciles cannot be worked out from its own row count (6,735 of 6,740 staff were put in decile 10).
#[test]
fn issue_11_deprivation_extract_without_deciles_is_refused_on_national_data() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (_, lookup) = read_csv(&reference.join("lsoa11_to_sicbl_icb.csv"));
    let icb: std::collections::HashSet<String> =
        lookup.into_iter().filter(|r| r[4] == "E54000019").map(|r| r[0].clone()).collect();
    let (headers, rows) = read_csv(&reference.join("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"));
    let mut writer = csv::Writer::from_path(dir.path().join("icb.csv")).unwrap();
    writer.write_record(&headers[..5]).unwrap();
    for row in rows.iter().filter(|r| icb.contains(&r[0])) {
        writer.write_record(&row[..5]).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    let line = anchormap_err([
        "geocode".as_ref(),
        fixture("staff.csv").as_os_str(),
        "--postcodes".as_ref(),
        fixture("postcodes.csv").as_os_str(),
        "--boundaries".as_ref(),
        fixture("areas.geojson").as_os_str(),
        "--deprivation".as_ref(),
        dir.path().join("icb.csv").as_os_str(),
        "-o".as_ref(),
        dir.path().join("out.csv").as_os_str(),
    ]);
    assert!(line.contains("icb.csv: the file has IMD ranks but no IMD decile"), "{line}");

    // The whole national file without its decile column is a full scale: deciles as published.
    let mut writer = csv::Writer::from_path(dir.path().join("national.csv")).unwrap();
    writer.write_record(&headers[..5]).unwrap();
    for row in &rows {
        writer.write_record(&row[..5]).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    let none = anchormap::columns::ColumnMap::default();
    let derived = anchormap::reference::Deprivation::load(&dir.path().join("national.csv"), &none).unwrap();
    for row in rows.iter().step_by(97) {
        assert_eq!(derived.get(&row[0]).unwrap().decile.to_string(), row[5], "{}", row[0]);
    }
}

/// A source list is the user's file: a name with `../` or an absolute path must not make fetch
/// write outside its folder, and an empty list is an error, not a panic.
#[test]
fn issue_11_fetch_source_lists_are_checked() {
    let dir = temp_dir();
    let mirror = dir.path().join("mirror");
    std::fs::create_dir(&mirror).unwrap();
    std::fs::write(mirror.join("x.csv"), "a\n").unwrap();
    let run = |name: &str, list: &str| {
        let sources = write(dir.path(), name, list.as_bytes());
        anchormap_err([
            "fetch".as_ref(),
            "--from".as_ref(),
            mirror.as_os_str(),
            "--dir".as_ref(),
            dir.path().join("ref").as_os_str(),
            "--sources".as_ref(),
            sources.as_os_str(),
        ])
    };
    let line = run("empty.toml", "set = []\nfile = []\n");
    assert!(line.contains("empty.toml: lists no [[set]]"), "{line}");
    for evil in ["../escaped.csv", "/tmp/anchormap-escaped.csv", "sub/x.csv"] {
        let list = format!(
            "[[set]]\nname = \"a\"\ntitle = \"A\"\n[[file]]\nname = {evil:?}\nroles = [\"postcodes\", \"boundaries\", \
             \"deprivation\", \"population\"]\nsets = [\"a\"]\ntitle = \"t\"\n"
        );
        let line = run("evil.toml", &list);
        assert!(line.contains("is not a plain file name"), "{line}");
    }
    assert!(!dir.path().join("escaped.csv").exists());
    assert!(!Path::new("/tmp/anchormap-escaped.csv").exists());
}

fn geocode(input: &Path, postcodes: &Path, boundaries: &Path, out: &Path) -> Vec<std::ffi::OsString> {
    vec![
        "geocode".into(),
        input.into(),
        "--postcodes".into(),
        postcodes.into(),
        "--boundaries".into(),
        boundaries.into(),
        "-o".into(),
        out.into(),
    ]
}

#[test]
fn issue_11_huge_boundary_coordinates_are_refused_naming_the_feature() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(fixture("areas.geojson")).unwrap();
    let huge = text.replacen("[[[400000, 300000], [401000, 300000]", "[[[1e200, 300000], [401000, 300000]", 1);
    assert_ne!(huge, text);
    let boundaries = write(dir.path(), "huge.geojson", huge.as_bytes());
    let line = anchormap_err(geocode(
        &fixture("staff.csv"),
        &fixture("postcodes.csv"),
        &boundaries,
        &dir.path().join("o.csv"),
    ));
    assert!(line.contains("huge.geojson, line 7, column 1: feature 2 (E01900001) has easting 1e200"), "{line}");
}

#[test]
fn issue_11_geojson_with_a_byte_order_mark_is_read() {
    let dir = temp_dir();
    let text = std::fs::read(fixture("areas.geojson")).unwrap();
    let boundaries = write(dir.path(), "bom.geojson", &[b"\xef\xbb\xbf".as_slice(), &text].concat());
    let out = dir.path().join("o.csv");
    anchormap_ok(geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &boundaries, &out));
    let plain = dir.path().join("plain.csv");
    anchormap_ok(geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &fixture("areas.geojson"), &plain));
    assert_eq!(std::fs::read(out).unwrap(), std::fs::read(plain).unwrap());
}

#[test]
fn issue_11_absurd_numbers_in_files_are_range_checked() {
    let dir = temp_dir();
    // An easting of 1e300 in a postcode directory: that postcode has no usable coordinates.
    let postcodes =
        std::fs::read_to_string(fixture("postcodes.csv")).unwrap().replacen("XX1 1AA,400500", "XX1 1AA,1e300", 1);
    let postcodes = write(dir.path(), "postcodes.csv", postcodes.as_bytes());
    let out = dir.path().join("o.csv");
    anchormap_ok(geocode(&fixture("staff.csv"), &postcodes, &fixture("areas.geojson"), &out));
    let (headers, rows) = read_csv(&out);
    let m = headers.iter().position(|h| h == "match").unwrap();
    assert_eq!(rows[0][m], "no_coordinates");

    // A count of 1e300 appointments in one row is an invalid count, counted, not summed.
    let appointments =
        std::fs::read_to_string(fixture("appointments.csv")).unwrap().replacen("S1,01,3,100", "S1,01,1e300,100", 1);
    let appointments = write(dir.path(), "appointments.csv", appointments.as_bytes());
    anchormap_ok(emissions_args(&appointments, &dir.path().join("e"), &[]));
    let summary = std::fs::read_to_string(dir.path().join("e").join("emissions_summary.json")).unwrap();
    assert!(!summary.contains("e+") && !summary.contains("inf") && !summary.contains("NaN"), "{summary}");

    // A site 1e300 metres east.
    let sites =
        write(dir.path(), "sites.csv", b"site_code,site_name,postcode,easting,northing\nS1,Far,,1e300,301000\n");
    let mut args = emissions_args(&fixture("appointments.csv"), &dir.path().join("s"), &[]);
    let i = args.iter().position(|a| a == "--sites").unwrap();
    args[i + 1] = sites.into();
    let line = anchormap_err(args);
    assert!(line.contains("sites.csv, line 2, column 'easting': site S1 has easting 1e300"), "{line}");
}

#[test]
fn issue_11_absurd_numeric_options_are_usage_errors() {
    let dir = temp_dir();
    let appointments = fixture("appointments.csv");
    let out = dir.path().join("e");
    for (flag, value) in [
        ("--circuity", "NaN"),
        ("--circuity", "1e300"),
        ("--shift-to-virtual", "NaN"),
        ("--shift-to-virtual", "inf"),
        ("--max-distance", "1e300"),
        ("--max-distance", "NaN"),
        ("--speed-kmh", "inf"),
        ("--mileage-rate", "1e300"),
    ] {
        anchormap_usage_err(emissions_args(&appointments, &out, &[flag, value]));
    }
    let staff = fixture("staff.csv");
    for value in ["NaN", "inf", "1e300", "0"] {
        anchormap_usage_err(gaps_args(&staff, &dir.path().join("g"), &["--community-radius-km", value]));
    }
}

/// A zip that inflates to one enormous line: refused after at most a megabyte, in one short line.
#[test]
fn issue_11_zip_with_one_huge_line_is_refused_quickly_and_briefly() {
    let dir = temp_dir();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("Data/CSV/xx.csv", zip::write::SimpleFileOptions::default()).unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..64 {
        std::io::Write::write_all(&mut zip, &chunk).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let postcodes = write(dir.path(), "bomb.zip", &bytes);
    let started = std::time::Instant::now();
    let line =
        anchormap_err(geocode(&fixture("staff.csv"), &postcodes, &fixture("areas.geojson"), &dir.path().join("o.csv")));
    assert!(line.contains("bomb.zip") && line.contains("a line is longer than 1024 KB"), "{line}");
    assert!(line.len() < 300, "{}", line.len());
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// No error echoes a whole field: values are quoted as a short excerpt.
#[test]
fn issue_11_errors_quote_only_an_excerpt_of_a_value() {
    let dir = temp_dir();
    let huge = "9x".repeat(200_000);
    let imd = format!(
        "LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\nE01900001,{huge},1\n"
    );
    let imd = write(dir.path(), "imd.csv", imd.as_bytes());
    let mut args =
        geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &fixture("areas.geojson"), &dir.path().join("o.csv"));
    args.extend(["--deprivation".into(), imd.into()]);
    let line = anchormap_err(args);
    assert!(line.contains("9x9x9x") && line.contains("… (400000 characters)' is not a number"), "{line}");
    assert!(line.len() < 400, "{}", line.len());

    // A staff file with a 2 MB line.
    let staff = format!("id,postcode\n1,XX1 1AA\n2,{}\n", "Z".repeat(2 << 20));
    let staff = write(dir.path(), "long.csv", staff.as_bytes());
    let line =
        anchormap_err(geocode(&staff, &fixture("postcodes.csv"), &fixture("areas.geojson"), &dir.path().join("o.csv")));
    assert!(line.contains("long.csv") && line.contains("a line is longer than"), "{line}");
}

/// Every cell of every CSV in a folder: none is a formula a spreadsheet would run.
fn assert_no_formulas(dir: &Path) -> usize {
    let mut neutralised = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let (headers, rows) = read_csv(&path);
            for cell in headers.iter().chain(rows.iter().flatten()) {
                let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
                assert!(!risky || cell.parse::<f64>().is_ok(), "{}: {cell}", path.display());
                neutralised += usize::from(cell.starts_with("'=") || cell.starts_with("'@"));
            }
        }
    }
    neutralised
}

#[test]
fn issue_11_formulas_in_names_are_neutralised_in_csv_outputs() {
    let dir = temp_dir();
    let link = "=HYPERLINK(\"http://evil.example/\",\"click\")";
    let areas =
        std::fs::read_to_string(fixture("areas.geojson")).unwrap().replace("Testtown 001A", &link.replace('"', "\\\""));
    let boundaries = write(dir.path(), "areas.geojson", areas.as_bytes());
    let staff = std::fs::read_to_string(fixture("staff.csv"))
        .unwrap()
        .replace("Band 2", "@SUM(1+1)")
        .replace(",Ada,", ",\"=1+2\",");
    let staff = write(dir.path(), "staff.csv", staff.as_bytes());

    // geocode passes the user's own columns through: text cells are neutralised, numbers kept.
    let out = dir.path().join("geo");
    std::fs::create_dir(&out).unwrap();
    anchormap_ok(geocode(&staff, &fixture("postcodes.csv"), &boundaries, &out.join("o.csv")));
    assert!(assert_no_formulas(&out) >= 3);
    let (headers, rows) = read_csv(&out.join("o.csv"));
    assert_eq!(rows[0][1], "'=1+2");
    assert_eq!(rows[0][headers.iter().position(|h| h == "area_name").unwrap()], format!("'{link}"));

    // gaps: area names, bands and site names in published tables.
    let sites = write(
        dir.path(),
        "sites.csv",
        b"site_code,site_name,postcode,easting,northing\nS1,=cmd|' /C calc'!A0,,400500,301000\n",
    );
    let mut args = gaps_args(&staff, &dir.path().join("gaps"), &["--min-count", "1"]);
    let i = args.iter().position(|a| a == "--boundaries").unwrap();
    args[i + 1] = boundaries.clone().into();
    let i = args.iter().position(|a| a == "--sites").unwrap();
    args[i + 1] = sites.into();
    anchormap_ok(args);
    assert!(assert_no_formulas(&dir.path().join("gaps")) >= 1);
}

/// An area name that opens an HTML comment and a script inside the report's map data.
#[test]
fn issue_11_report_script_data_is_escaped_for_script() {
    let dir = temp_dir();
    let evil = "<!--<script>\u{2028}</script>";
    let areas = std::fs::read_to_string(fixture("areas.geojson")).unwrap().replace("Testtown 001A", evil);
    let boundaries = write(dir.path(), "areas.geojson", areas.as_bytes());
    let mut args = gaps_args(&fixture("staff.csv"), &dir.path().join("gaps"), &["--min-count", "0", "--round-to", "1"]);
    let i = args.iter().position(|a| a == "--boundaries").unwrap();
    args[i + 1] = boundaries.into();
    anchormap_ok(args);
    let report = dir.path().join("report.html");
    anchormap_ok([
        "report".as_ref(),
        "--from".as_ref(),
        dir.path().join("gaps").as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
        "-q".as_ref(),
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    let script = &html[html.rfind("<script>").unwrap()..];
    assert!(script.contains("\\u003c!--\\u003cscript\\u003e\\u2028\\u003c/script\\u003e"), "the name, escaped");
    assert!(!script.contains("<!--") && !script.contains('\u{2028}'));
    assert_eq!(html.matches("<script>").count(), 1, "no script element but the report's own");
    assert_eq!(html.matches("<!--").count(), 0, "no comment opened by data");
    if let Some(page) = open_in_chromium(&report) {
        assert_eq!(page.count(".map path[data-code]") > 0, true);
        page.assert_not_blank_and_quiet();
    }
}

/// Reference tables read by polars: a broken row is named by its line, in one line.
#[test]
fn issue_11_reference_table_errors_are_one_line_with_the_line() {
    let dir = temp_dir();
    let header =
        "LSOA code (2011),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n";
    for (name, body, expected) in [
        (
            "wide.csv",
            "E01900001,1,1\nE01900002,2,1,extra,more\n".as_bytes(),
            "wide.csv, line 3, column 4: this row has 5 fields but the header has 3",
        ),
        ("latin1.csv", b"E01900001,1,1\nE01900002,2\xe9,1\n".as_slice(), "latin1.csv, line 3: text is not UTF-8"),
        (
            "quote.csv",
            b"E01900001,1,1\n\"E01900002,2,1\nE01900003,3,1\n".as_slice(),
            "quote.csv, line 3: a quoted field opens",
        ),
    ] {
        let imd = write(dir.path(), name, &[header.as_bytes(), body].concat());
        let mut args = geocode(
            &fixture("staff.csv"),
            &fixture("postcodes.csv"),
            &fixture("areas.geojson"),
            &dir.path().join("o.csv"),
        );
        args.extend(["--deprivation".into(), imd.into()]);
        let line = anchormap_err(args);
        assert!(line.contains(expected), "{line}");
    }
}

/// Errors in how the command line was written exit 2, like clap's; one line, no panic.
fn anchormap_usage_line(args: Vec<std::ffi::OsString>) -> String {
    let out = anchormap(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected a usage error, got {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("anchormap: error: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0].to_string()
}

#[test]
fn issue_11_usage_errors_exit_2() {
    let dir = temp_dir();
    let staff = fixture("staff.csv");
    let mut args = gaps_args(&staff, &dir.path().join("a"), &["--community-filter", "icb_code"]);
    args.extend(["--community-lookup".into(), fixture("community_codes.txt").into()]);
    let line = anchormap_usage_line(args);
    assert!(line.contains("--community-filter 'icb_code' is not COLUMN=VALUE"), "{line}");
    let line = anchormap_usage_line(gaps_args(&staff, &dir.path().join("b"), &["--by", "starter"]));
    assert!(line.contains("--by starter needs --new-starters-since"), "{line}");
    // A file that cannot be used is still exit 1.
    anchormap_err(gaps_args(&dir.path().join("missing.csv"), &dir.path().join("c"), &[]));
}

/// A no-break space inside a postcode, as Excel writes it (Windows-1252 0xA0 or UTF-8 C2 A0).
#[test]
fn issue_11_no_break_space_in_a_postcode_is_a_space() {
    let dir = temp_dir();
    let input = write(dir.path(), "nbsp.csv", b"id,postcode\n1,XX1\xa01AA\n2,XX1\xc2\xa01AD\n");
    let out = dir.path().join("o.csv");
    anchormap_ok(geocode(&input, &fixture("postcodes.csv"), &fixture("areas.geojson"), &out));
    let text = String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned();
    let mut lines = text.lines().skip(1);
    assert!(lines.next().unwrap().contains(",XX1 1AA,400500,300500,E01900001,"), "{text}");
    assert!(lines.next().unwrap().contains(",XX1 1AD,401500,300500,E01900002,"), "{text}");
}

/// Ctrl-C during geocode: the hidden partial output (postcodes) is removed, exit code 130.
#[test]
fn issue_11_interrupt_leaves_no_partial_file() {
    let dir = temp_dir();
    let mut text = String::from("id,postcode\n");
    for i in 0..2_000_000 {
        text.push_str(&format!("{i},XX1 1A{}\n", ["A", "B", "D", "E"][i % 4]));
    }
    let input = write(dir.path(), "big.csv", text.as_bytes());
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut child = anchormap_command()
        .args(geocode(&input, &fixture("postcodes.csv"), &fixture("areas.geojson"), &out_dir.join("o.csv")))
        .arg("-q")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let partial = out_dir.join(".o.csv.partial");
    let started = std::time::Instant::now();
    while !partial.exists() && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(partial.exists(), "the partial file appears while geocode runs");
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    if status.success() {
        eprintln!("geocode finished before the interrupt arrived; nothing to check");
        return;
    }
    assert_eq!(status.code(), Some(130), "{status:?}");
    let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// A postcode given as a site, a vacancy id or mapped as a staff group never reaches a published table.
#[test]
fn issue_11_postcodes_given_as_labels_are_withheld() {
    let dir = temp_dir();
    let staff = write(dir.path(), "staff.csv", b"id,postcode,staff_group\n1,XX1 1AA,XX1 1AB\n2,XX1 1AD,Nursing\n");
    let vacancies = write(
        dir.path(),
        "vacancies.csv",
        b"vacancy_id,site,staff_group,band\nXX1 1AE,XX1 1AG,xx11ah,3\nV2,S1,Nursing,6\n",
    );
    let sites = write(
        dir.path(),
        "sites.csv",
        b"site_code,site_name,postcode,easting,northing\nS1,XX1 1AJ,,400500,301000\nXX1 1AN,,,400600,301000\n",
    );
    let out = dir.path().join("gaps");
    let mut args = gaps_args(&staff, &out, &["--by", "staff-group", "--min-count", "0", "--round-to", "1"]);
    args.extend(["--vacancies".into(), vacancies.into()]);
    let i = args.iter().position(|a| a == "--sites").unwrap();
    args[i + 1] = sites.clone().into();
    anchormap_ok(args);
    let appointments = write(
        dir.path(),
        "appointments.csv",
        b"appointment_id,patient_postcode,site_code,attendance_mode,count\n1,XX1 1AA,XX1 1AN,01,3\n2,XX1 1AD,S1,01,2\n",
    );
    let emissions = dir.path().join("emissions");
    let mut args = emissions_args(&appointments, &emissions, &["--min-count", "0", "--round-to", "1"]);
    let i = args.iter().position(|a| a == "--sites").unwrap();
    args[i + 1] = sites.into();
    anchormap_ok(args);
    let mut withheld = 0;
    for folder in [&out, &emissions] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let upper = text.to_uppercase();
            for postcode in ["XX1 1AA", "XX1 1AB", "XX1 1AD", "XX1 1AE", "XX1 1AG", "XX11AH", "XX1 1AJ", "XX1 1AN"] {
                assert!(!upper.contains(postcode), "{postcode} in {}", path.display());
            }
            withheld += text.matches("(a postcode: withheld)").count();
        }
    }
    assert!(withheld >= 5, "{withheld}");
    // Warnings (with their counts) are for the analyst: in the run's internal summary.
    let summary = std::fs::read_to_string(out.join("not-for-publication/gaps_summary_exact.json")).unwrap();
    assert!(summary.contains("shaped like a postcode"), "{summary}");
}

/// A Windows file (CR LF line ends): errors name the same line as for LF.
#[test]
fn crlf_files_errors_name_the_right_line() {
    let dir = temp_dir();
    let input = write(dir.path(), "crlf.csv", b"id,postcode\r\n1,XX1 1AA\r\n2,XX1 1AD,extra\r\n");
    let line =
        anchormap_err(geocode(&input, &fixture("postcodes.csv"), &fixture("areas.geojson"), &dir.path().join("o.csv")));
    assert!(line.contains("crlf.csv, line 3, column 3: this row has 3 fields"), "{line}");
}

/// Windows files (CR LF line ends) for every input and reference file: the same tables and
/// GeoJSON as from the LF files.
#[test]
fn crlf_inputs_give_the_same_outputs_as_lf() {
    let dir = temp_dir();
    let names = [
        "staff.csv",
        "vacancies.csv",
        "appointments.csv",
        "sites.csv",
        "postcodes.csv",
        "areas.geojson",
        "imd.csv",
        "population.csv",
        "community_codes.txt",
    ];
    for name in names {
        let text = std::fs::read_to_string(fixture(name)).unwrap().replace("\r\n", "\n");
        write(dir.path(), name, text.replace('\n', "\r\n").as_bytes());
    }
    let run = |file: &dyn Fn(&str) -> PathBuf, out: &Path| {
        let reference = ["--sites", "sites.csv", "--postcodes", "postcodes.csv", "--boundaries", "areas.geojson"];
        let reference = reference.chunks(2).flat_map(|pair| [pair[0].into(), file(pair[1]).into_os_string()]);
        let deprivation =
            ["--deprivation".into(), file("imd.csv").into(), "--population".into(), file("population.csv").into()];
        let mut gaps: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), file("staff.csv").into()];
        gaps.extend(["--vacancies".into(), file("vacancies.csv").into()]);
        gaps.extend(["--community-codes".into(), file("community_codes.txt").into()]);
        gaps.extend(reference.clone().chain(deprivation.clone()));
        gaps.extend(["--out".into(), out.join("gaps").into(), "-q".into()]);
        anchormap_ok(gaps);
        let mut emissions: Vec<std::ffi::OsString> =
            vec!["emissions".into(), "--appointments".into(), file("appointments.csv").into()];
        emissions.extend(reference.chain(deprivation));
        emissions.extend(["--out".into(), out.join("emissions").into(), "-q".into()]);
        anchormap_ok(emissions);
    };
    let (lf, crlf) = (dir.path().join("lf"), dir.path().join("crlf"));
    run(&fixture, &lf);
    run(&|name| dir.path().join(name), &crlf);
    let mut compared = 0;
    for folder in ["gaps", "emissions"] {
        for file in published_files(lf.join(folder)) {
            if matches!(file.extension().and_then(|e| e.to_str()), Some("csv" | "geojson")) {
                let twin = crlf.join(folder).join(file.file_name().unwrap());
                assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(&twin).unwrap(), "{}", twin.display());
                compared += 1;
            }
        }
    }
    assert!(compared >= 8, "{compared} files compared");
}

/// Issue 24 (bad input): a deprivation file with deciles but neither ranks nor scores says it cannot
/// rank its areas (one line naming the file and the flag), never a run with every decile blank.
#[test]
fn a_deprivation_file_of_deciles_without_ranks_says_it_cannot_rank() {
    let dir = temp_dir();
    let imd = write(
        dir.path(),
        "deciles.csv",
        b"LSOA code (2011),Index of Multiple Deprivation (IMD) Decile\nE01900001,1\nE01900002,4\nE01900003,10\n",
    );
    let mut args =
        geocode(&fixture("staff.csv"), &fixture("postcodes.csv"), &fixture("areas.geojson"), &dir.path().join("o.csv"));
    args.extend(["--deprivation".into(), imd.into()]);
    let line = anchormap_err(args);
    assert!(
        line.contains("deciles.csv")
            && line.contains("IMD deciles but no IMD rank or score column")
            && line.contains("--deprivation-columns rank=HEADER"),
        "{line}"
    );
    assert!(!dir.path().join("o.csv").exists(), "nothing written");
}
