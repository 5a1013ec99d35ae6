//! Issue 15 on the national data: names people know, targets an anchor lead can act on, the community's own name, and emissions per 1,000 on the trust's own population.

use std::collections::HashMap;
use std::path::Path;

use crate::national::{postcodes_near, synthetic_staff, CODE_POINT};
use crate::util::*;

const ICB_NAME: &str = "NHS Herefordshire and Worcestershire Integrated Care Board";

/// A column of a CSV by header, as (key column value → cell).
fn column(path: &Path, key: &str, value: &str) -> HashMap<String, String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).unwrap();
    let (k, v) = (at(key), at(value));
    reader.records().map(|r| r.unwrap()).map(|r| (r[k].to_string(), r[v].to_string())).collect()
}

/// One part of an xlsx file (a zip of XML parts), as text.
fn xlsx_part(path: &Path, part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(part).unwrap(), &mut text).unwrap();
    text
}

/// Open vacancies at the ICB's two hospitals (codes of `hospital_sites.csv`), with titles and closing dates.
fn vacancies(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("vacancies.csv");
    std::fs::write(
        &path,
        "Vacancy Reference,Site,Pay Band,Job Title,Closing Date\n\
         V1,WR,Band 2,Healthcare Support Worker,15/01/2026\n\
         V2,WR,Band 3,Domestic Assistant,2026-01-10\n\
         V3,WR,Band 2,Healthcare Support Worker,2026-01-20\n\
         V4,HE,Band 2,Porter,2026-02-01\n\
         V5,WR,Band 6,Staff Nurse,2026-01-05\n",
    )
    .unwrap();
    path
}

/// The reference files of both commands: the 2021 set, the ICB's hospitals, the MSOAs and their names.
const COMMON: [(&str, &str); 7] = [
    ("--sites", "hospital_sites.csv"),
    ("--postcodes", CODE_POINT),
    ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
    ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
    ("--population", "census2021_lsoa21_age6_16to64.csv"),
    ("--msoa-lookup", "lsoa21_to_msoa21.csv"),
    ("--msoa-names", "MSOA-Names-2.2.csv"),
];

/// `anchormap COMMAND FIRST PATH` with the reference files (by name in `reference`), then `rest` and `--out OUT`.
fn command(
    first: [&str; 2],
    path: &Path,
    reference: &Path,
    files: &[(&str, &str)],
    rest: &[&str],
    out: &Path,
) -> Vec<std::ffi::OsString> {
    Line::new(first[0]).arg(first[1], path).files(reference, files).args(rest).out(out).into()
}

fn gaps_args(reference: &Path, staff: &Path, vacancies: &Path, out: &Path) -> Vec<std::ffi::OsString> {
    let mut files = COMMON.to_vec();
    files.extend([
        ("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"),
        ("--ward-lookup", "LSOA21_WD24_LAD24_EW_LU.csv"),
        ("--economic-activity", "census2021_ts066_lsoa21_economic_activity_5groups.csv"),
        ("--car-availability", "census2021-ts045-lsoa.csv"),
    ]);
    let vacancies = vacancies.to_str().unwrap();
    let rest = ["--vacancies", vacancies, "--community-filter", "icb24_code=E54000019", "--by", "band"];
    command(["gaps", "--staff"], staff, reference, &files, &rest, out)
}

/// Done when (issue 15): for the Herefordshire and Worcestershire ICB on the 2021 geography every
/// target carries its MSOA's House of Commons Library name, its nearest site's name and the titles of
/// the open jobs within reach; the report names the top target, the band cut and the ICB.
#[test]
fn issue_15_targets_for_the_icb_carry_names_sites_and_jobs() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = synthetic_staff(&reference, dir.path(), 3000);
    let out = dir.path().join("gaps");
    anchormap_ok(gaps_args(&reference, &staff, &vacancies(dir.path()), &out));

    let library = column(&reference.join("MSOA-Names-2.2.csv"), "msoa21cd", "msoa21hclnm");
    let msoa_of = column(&reference.join("lsoa21_to_msoa21.csv"), "LSOA21CD", "MSOA21CD");
    let ward_of = column(&reference.join("LSOA21_WD24_LAD24_EW_LU.csv"), "LSOA21CD", "WD24NM");
    let ts066 = reference.join("census2021_ts066_lsoa21_economic_activity_5groups.csv");
    let [unemployed, students, other] =
        ["Unemployed", "Students (inactive)", "Other inactive"].map(|c| column(&ts066, "code", c));
    let (headers, targets) = read_csv(&out.join("targets.csv"));
    assert!(targets.len() >= 5, "{} targets", targets.len());
    let cell = |row: &[String], name: &str| row[headers.iter().position(|h| h == name).unwrap()].clone();
    let sites = ["Worcestershire Royal Hospital, Worcester", "Hereford County Hospital"];
    for row in &targets {
        let code = cell(row, "area_code");
        let msoa = &msoa_of[&code];
        assert_eq!(cell(row, "msoa_code"), *msoa);
        assert_eq!(cell(row, "msoa_name"), library[msoa], "{code}: the library's name for {msoa}");
        assert_eq!(cell(row, "neighbourhood"), format!("{} ({})", library[msoa], cell(row, "area_name")));
        assert_eq!(cell(row, "ward_name"), ward_of[&code]);
        assert!(sites.contains(&cell(row, "nearest_site_name").as_str()), "{code}: {}", cell(row, "nearest_site_name"));
        assert!(!cell(row, "entry_level_job_titles").is_empty(), "{code}: titles of the jobs within reach");
        assert!(cell(row, "shortfall").parse::<f64>().unwrap() >= 0.5, "{code}");
        let pool: f64 = [&unemployed, &students, &other].iter().map(|c| c[&code].parse::<f64>().unwrap()).sum();
        assert_eq!(cell(row, "residents_out_of_work"), format!("{pool:.0}"), "{code}");
        assert!(cell(row, "reason").starts_with("In the most deprived"), "{}", cell(row, "reason"));
    }
    let first = &targets[0];
    eprintln!("issue 15: {} targets; first {}: {}", targets.len(), cell(first, "neighbourhood"), cell(first, "reason"));
    let (_, by_msoa) = read_csv(&out.join("targets_by_msoa.csv"));
    eprintln!("issue 15: targets by MSOA, first: {}", by_msoa[0][7]);
    let (area_headers, _) = read_csv(&out.join("gaps_by_area.csv"));
    assert_eq!(area_headers[..6], ["area_code", "area_name", "neighbourhood", "msoa_code", "msoa_name", "ward_name"]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["name"], ICB_NAME);
    assert!(summary["area_names"]["attribution"].as_str().unwrap().contains("Open Parliament Licence v3.0"));

    // The MSOA level: every community MSOA, its staff the sum of its areas' in the system of sums.
    let (mh, msoas) = read_csv(&out.join("gaps_by_msoa.csv"));
    assert_eq!(mh[..3], ["area_code", "area_name", "neighbourhood"]);
    let lsoas: usize = msoas.iter().map(|r| r[3].parse::<usize>().unwrap()).sum();
    assert_eq!(lsoas, 491, "every LSOA of the ICB in one MSOA");
    assert!(msoas.iter().all(|r| r[2] == library[&r[0]]), "named by the library");
    let hidden =
        |rows: &[Vec<String>], col: usize| rows.iter().filter(|r| r[col] == "*").count() as f64 / rows.len() as f64;
    let (ah, areas) = read_csv(&out.join("gaps_by_area.csv"));
    let staff_col = |h: &[String]| h.iter().position(|x| x == "staff").unwrap();
    eprintln!(
        "issue 15: {} MSOAs, {:.0}% of them hidden, against {:.0}% of {} LSOAs",
        msoas.len(),
        hidden(&msoas, staff_col(&mh)) * 100.0,
        hidden(&areas, staff_col(&ah)) * 100.0,
        areas.len()
    );
    assert!(hidden(&msoas, staff_col(&mh)) < hidden(&areas, staff_col(&ah)));
    assert!(out.join("gaps_by_msoa.geojson").is_file());

    // The workbook: numbers as numbers, shares as percentages, suppressed cells as text, notes.
    let sheet = xlsx_part(&out.join("gaps.xlsx"), "xl/worksheets/sheet1.xml");
    let xml_cell = |r: &str| {
        let start = sheet.find(&format!("<c r=\"{r}\"")).unwrap_or_else(|| panic!("no cell {r}"));
        sheet[start..start + sheet[start..].find("</c>").unwrap()].to_string()
    };
    assert!(
        !xml_cell("B2").contains("t=\"") && xml_cell("B2").contains("<v>"),
        "staff in decile 1 is a number: {}",
        xml_cell("B2")
    );
    assert!(
        xml_cell("C2").contains(" s=\"") && !xml_cell("C2").contains("t=\""),
        "a share is a formatted number: {}",
        xml_cell("C2")
    );
    let strings = xlsx_part(&out.join("gaps.xlsx"), "xl/sharedStrings.xml");
    assert!(strings.contains("Open Parliament Licence") && strings.contains("Disclosure control"), "notes");
    let workbook = xlsx_part(&out.join("gaps.xlsx"), "xl/workbook.xml");
    // Headings in words with units, and a sheet naming each CSV column.
    assert!(strings.contains("Staff share, lower 95% limit (%)") && strings.contains("Column in the CSV"), "headings");
    assert!(
        !strings.contains(">staff_share_ci_low<") || strings.contains("Heading here"),
        "snake_case only in Columns"
    );
    for sheet in ["by decile", "by msoa", "targets", "targets by msoa", "Columns", "Notes"] {
        assert!(workbook.contains(&format!("name=\"{sheet}\"")), "{sheet}: {workbook}");
    }

    let report = dir.path().join("report.html");
    anchormap_ok(["report", "--from", out.to_str().unwrap(), "-o", report.to_str().unwrap(), "-q"]);
    let html = std::fs::read_to_string(&report).unwrap();
    let escaped = |s: String| s.replace('&', "&amp;").replace('\'', "&#x27;");
    assert!(
        html.contains(&escaped(format!("The first neighbourhood to recruit from is {}", cell(first, "neighbourhood")))),
        "top target"
    );
    assert!(html.contains(ICB_NAME), "the community's own name");
    assert!(!html.contains("lsoa21_to_sicbl24_icb24.csv"), "no file name for the community");
    assert!(html.contains("Pay band group") && html.contains("Bands 1-4"), "the band cut");
    assert!(html.contains("Open Parliament Licence"), "attribution");
    assert!(html.contains("residents, by neighbourhood (MSOA)"), "the map by MSOA");
    in_chromium(&report, &cell(first, "msoa_code"), &cell(first, "msoa_name"), msoas.len());
}

/// The report in headless Chromium: the staff map by MSOA draws every MSOA, pointing at the first
/// target's MSOA names it, and the page is not blank and logs no error.
fn in_chromium(report: &Path, msoa: &str, name: &str, msoas: usize) {
    let Some(page) = open_in_chromium(report) else { return };
    let tab = &page.tab;
    tab.wait_for_element("#gaps-map svg").unwrap();
    let count = tab.evaluate("document.querySelectorAll('#gaps-map path[data-code]').length", false).unwrap();
    assert_eq!(count.value.and_then(|v| v.as_u64()), Some(msoas as u64), "every MSOA drawn");
    let area = tab.wait_for_element(&format!("#gaps-map path[data-code='{msoa}']")).unwrap();
    area.scroll_into_view().unwrap();
    area.move_mouse_over().unwrap();
    let tooltip = tab
        .evaluate("document.querySelector('#gaps-map .tooltip').textContent", false)
        .unwrap()
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    assert!(tooltip.contains(name) && tooltip.contains(msoa), "{tooltip}");
    let text = tab.evaluate("document.body.innerText", false).unwrap().value.unwrap_or_default().to_string();
    assert!(
        text.contains("The first neighbourhood to recruit from is") && text.contains("Pay band group"),
        "the new sections are shown"
    );
    page.assert_not_blank_and_quiet();
}

/// Issue 15: emissions per 1,000 divide by the population of the areas the patients come from, not
/// England's: the by-decile population is the sum over the by-area table's areas.
#[test]
fn issue_15_emissions_per_1000_use_the_trusts_own_population() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let mut text = String::from("postcode,site,mode\n");
    for (postcode, _, _) in postcodes_near(&reference, (387_714.0, 254_789.0), 2000, 0x5EED) {
        text.push_str(&format!("{postcode},WR,01\n"));
    }
    let appointments = dir.path().join("appointments.csv");
    std::fs::write(&appointments, text).unwrap();
    let out = dir.path().join("emissions");
    let rest = ["--population-columns", "population=total_sum_of_cells"];
    let args = command(["emissions", "--appointments"], &appointments, &reference, &COMMON, &rest, &out);
    anchormap_ok(args);
    let (ah, areas) = read_csv(&out.join("emissions_by_area.csv"));
    let at = |h: &[String], name: &str| h.iter().position(|x| x == name).unwrap();
    let catchment: f64 = areas
        .iter()
        .filter(|r| !r[at(&ah, "imd_decile")].is_empty())
        .map(|r| r[at(&ah, "population")].parse::<f64>().unwrap())
        .sum();
    let (dh, deciles) = read_csv(&out.join("emissions_by_decile.csv"));
    let total = deciles.iter().find(|r| r[0] == "total").unwrap();
    assert_eq!(total[at(&dh, "population")], format!("{catchment:.0}"));
    assert!(catchment < 2_000_000.0, "the catchment, not England's 56 million: {catchment}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("emissions_summary.json")).unwrap()).unwrap();
    let basis = summary["population_basis"].as_str().unwrap();
    assert!(basis.contains("areas the patients come from") && basis.contains("not England"), "{basis}");
    let (_, msoas) = read_csv(&out.join("emissions_by_msoa.csv"));
    assert!(!msoas.is_empty() && msoas.len() < areas.len());
    eprintln!("issue 15: emissions per 1,000 on {catchment:.0} residents of {} areas", areas.len());
}

/// Issue 24: after `fetch` (the 2025 set: its MSOA and ward lookups are of LSOA 2021), a run given
/// LSOA 2011 boundaries by flag leaves the set's optional lookups out with one note, never an
/// error; the same lookup named by flag still stops the run. Run on the fixtures, with the real
/// national lookups as the fetched set's when `../shared/reference` is there.
#[test]
fn optional_lookups_of_another_vintage_from_the_fetched_set_are_left_out_with_a_note() {
    let dir = temp_dir();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (msoa, ward) = match reference_dir() {
        Some(reference) => (reference.join("lsoa21_to_msoa21.csv"), reference.join("LSOA21_WD24_LAD24_EW_LU.csv")),
        None => {
            let msoa = home.join("lsoa21_to_msoa21.csv");
            std::fs::write(&msoa, "LSOA21CD,MSOA21CD,MSOA21NM\nE01990001,E02990001,Testtown 001\n").unwrap();
            let ward = home.join("LSOA21_WD24_LAD24_EW_LU.csv");
            std::fs::write(&ward, "LSOA21CD,WD24CD,WD24NM\nE01990001,E05990001,Testtown Central\n").unwrap();
            (msoa, ward)
        }
    };
    let toml = |p: &Path| toml::Value::String(p.display().to_string()).to_string();
    let set = format!(
        "# Written by anchormap fetch\n[reference]\nmsoa_lookup = {}\nward_lookup = {}\n",
        toml(&msoa),
        toml(&ward)
    );
    std::fs::write(home.join("reference.toml"), set).unwrap();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "Home Postcode\nXX1 1AA\nXX1 1AD\n").unwrap();
    let run = |out: &str, extra: &[&str]| {
        let mut command = anchormap_command();
        command.env("ANCHORMAP_HOME", &home).current_dir(dir.path());
        command.args(["gaps".as_ref(), "--staff".as_ref(), staff.as_os_str()]).args(fixture_reference_args());
        command.args(["--community-codes".into(), fixture("community_codes.txt").into_os_string()]);
        command.args(["--out", out, "--min-count", "0", "--round-to", "1", "-q"]).args(extra);
        command.output().unwrap()
    };
    let fetched = run("defaulted", &[]);
    let stderr = String::from_utf8_lossy(&fetched.stderr);
    assert!(fetched.status.success(), "{stderr}");
    let summary = std::fs::read_to_string(dir.path().join("defaulted/gaps_summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert!(summary["area_names"].is_null(), "no names attached: {}", summary["area_names"]);
    let exact =
        std::fs::read_to_string(dir.path().join("defaulted/not-for-publication/gaps_summary_exact.json")).unwrap();
    let note =
        "(from the fetched reference set) not used: lookups of LSOA 2021 areas, and the boundaries are LSOA 2011";
    assert_eq!(exact.matches(note).count(), 1, "one note: {exact}");
    assert!(exact.contains("lsoa21_to_msoa21.csv and LSOA21_WD24_LAD24_EW_LU.csv"), "{exact}");

    // Named by flag: the user asked for it, so the mismatch stops the run.
    let named = run("named", &["--msoa-lookup", msoa.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert_eq!(named.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("lsoa21_to_msoa21.csv") && stderr.contains("use lookups of the boundaries' vintage"),
        "{stderr}"
    );
}
