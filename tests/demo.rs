//! `anchormap demo`: the committed sample is what the generator makes, and the demo runs end to end offline, labelled fictional, with no postcode in anything meant for publication.

use std::path::Path;

use anchormap::demo;

use crate::util::*;

/// The committed files are exactly what the generator writes from the seed.
#[test]
fn the_committed_sample_is_what_the_seed_generates() {
    let generated = demo::region::generate(demo::region::SEED);
    assert_eq!(generated.len(), demo::EMBEDDED.len());
    for (path, committed) in demo::EMBEDDED {
        let made = generated.get(path).unwrap_or_else(|| panic!("{path} is not generated"));
        assert!(
            made == committed,
            "{path} differs from the generator's output: run `anchormap demo --regenerate-sample .`"
        );
    }
}

/// A generated region of plausible size and make-up; another seed gives another region.
#[test]
fn the_sample_is_a_plausible_region() {
    let csv_rows = |path: &str| {
        let text = demo::EMBEDDED.iter().find(|(p, _)| *p == path).unwrap().1;
        csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect::<Vec<_>>()
    };
    let imd = csv_rows(demo::DEPRIVATION);
    assert!((300..=400).contains(&imd.len()), "{} areas", imd.len());
    let mut deciles = [0; 11];
    for row in &imd {
        deciles[row[5].parse::<usize>().unwrap()] += 1;
    }
    assert!(deciles[1..].iter().all(|&n| n > 0), "every decile present: {deciles:?}");
    assert!(deciles[1] + deciles[2] > deciles[9] + deciles[10], "more deprived than affluent: {deciles:?}");
    let staff = csv_rows(demo::STAFF).len();
    let vacancies = csv_rows(demo::VACANCIES).len();
    let appointments = csv_rows(demo::APPOINTMENTS).len();
    assert!((3_000..10_000).contains(&staff) && (100..1_000).contains(&vacancies) && appointments >= 100_000);
    assert_eq!(csv_rows(demo::SITES).len(), 4);
    // Every postcode is in the fictional area QZ, which no real postcode can be in.
    for row in csv_rows(demo::POSTCODES) {
        assert!(row[0].starts_with("QZ"), "{}", &row[0]);
    }
    let other = demo::region::generate(demo::region::SEED + 1);
    assert_ne!(other.get(demo::BOUNDARIES), Some(&demo::EMBEDDED[0].1.to_string()));
}

fn run_demo(out: &Path) -> String {
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str()])
}

/// Postcode-shaped text in the fictional area.
fn has_postcode(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(6)
        .any(|w| w[0] == b'Q' && w[1] == b'Z' && w[2].is_ascii_digit() && (w[3] == b' ' || w[3].is_ascii_digit()))
}

#[test]
fn the_demo_runs_everything_offline_and_says_it_is_fictional() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    let stderr = run_demo(&out);
    assert!(stderr.contains(&format!("{}", out.join("report.html").display())), "says where the report is: {stderr}");
    for step in ["geocode", "gaps", "funnel", "emissions", "map", "report"] {
        assert!(stderr.contains(&format!("anchormap {step}")), "{step} ran: {stderr}");
    }
    assert!(
        stderr.contains("Workforce (fictional): ") && stderr.contains("Outpatient travel (fictional): "),
        "{stderr}"
    );
    // Funnel (issue 16): the built-in disparity shows: White applicants more likely to be appointed
    // from shortlisting than BME applicants, and least deprived than Core20, intervals above 1.
    let funnel: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("funnel/funnel_summary.json")).unwrap()).unwrap();
    for key in ["wres_indicator_2", "deprivation_relative_likelihood"] {
        assert!(funnel[key]["ci_low"].as_f64().unwrap() > 1.0, "{key}: {}", funnel[key]);
    }
    assert!(stderr.contains("Recruitment (fictional): White applicants were"), "{stderr}");

    // Gaps: every staff row is counted, the community is the fictional ICB's 340-odd areas.
    let gaps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps/gaps_summary.json")).unwrap()).unwrap();
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("gaps/not-for-publication/gaps_summary_exact.json")).unwrap(),
    )
    .unwrap();
    let matched: u64 = exact["staff"]["match"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(matched, exact["staff"]["rows"].as_u64().unwrap());
    for status in ["within", "nearest", "invalid_postcode", "unknown_postcode", "no_coordinates"] {
        assert!(exact["staff"]["match"][status].as_u64().unwrap() > 0, "the sample exercises {status}");
    }
    // The published summary holds the same counts under the rule: rounded to 5, or suppressed.
    for (status, v) in gaps["staff"]["match"].as_object().unwrap() {
        assert!(v.is_null() || v.as_f64().unwrap() % 5.0 == 0.0, "{status}: {v}");
    }
    assert_eq!(gaps["deprivation"]["edition"], "IoD (fictional)");
    let ratio = gaps["core20_staff_share"].as_f64().unwrap() / gaps["core20_population_share"].as_f64().unwrap();
    assert!(ratio < 1.0, "the demo's story: deprived areas under-represented ({ratio})");
    let (_, targets) = read_csv(&out.join("gaps/targets.csv"));
    assert!(!targets.is_empty());

    // Emissions: every appointment counted; the scenario saves carbon.
    let emissions: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("emissions/emissions_summary.json")).unwrap()).unwrap();
    // Rounded to 5 each, placed and unplaced add up to the total within the rounding.
    let unplaced: f64 =
        emissions["unplaced_by_reason"].as_object().unwrap().values().map(|v| v.as_f64().unwrap_or(0.0)).sum();
    let reasons = emissions["unplaced_by_reason"].as_object().unwrap().len() as f64;
    let difference = emissions["appointments_placed"].as_f64().unwrap() + unplaced
        - emissions["appointments_total"].as_f64().unwrap();
    assert!(difference.abs() <= 2.5 * (reasons + 2.0) + 7.0 * reasons, "{difference}");
    assert!(emissions["scenario_kgco2e_saved"].as_f64().unwrap() > 0.0);

    // Area names say fictional wherever areas are named; the report and maps say so in their titles.
    let (headers, rows) = read_csv(&out.join("gaps/gaps_by_area.csv"));
    let name = headers.iter().position(|h| h == "area_name").unwrap();
    assert!(rows.iter().all(|r| r[name].ends_with("(fictional)")));
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("FICTIONAL DEMO DATA"));
    // The report's headline count of staff is the decile table's (disclosure-controlled) total, not a raw count.
    let (headers, deciles) = read_csv(&out.join("gaps/gaps_by_decile.csv"));
    let staff = headers.iter().position(|h| h == "staff").unwrap();
    let total: u64 = deciles.last().unwrap()[staff].parse().unwrap();
    assert_eq!(total % 5, 0);
    let shown = format!("<strong>{}</strong> staff live in the community", anchormap::io::format::thousands(total));
    assert!(report.contains(&shown), "{shown}");
    assert!(report.contains("FICTIONAL DATA generated by anchormap demo") && !report.contains("Crown copyright"));
    for map in ["deprivation.svg", "staff_per_1000.svg"] {
        let svg = std::fs::read_to_string(out.join("maps").join(map)).unwrap();
        assert!(svg.contains("(fictional)"), "{map} title");
        // No OS or ONS data went into a fictional map: its attribution says what it is instead.
        assert!(
            svg.contains("FICTIONAL DATA generated by anchormap demo") && !svg.contains("Crown copyright"),
            "{map}"
        );
    }
    assert!(std::fs::metadata(out.join("maps/emissions_per_1000.png")).unwrap().len() > 10_000);

    // Postcodes only where the folder name says so.
    for folder in ["gaps", "funnel", "emissions", "maps"] {
        for entry in published_files(out.join(folder)) {
            let path = entry;
            assert!(!has_postcode(&published_text(&path)), "a postcode in {}", path.display());
        }
    }
    // Issue 13's live bug: the targets table asked for a column gaps never wrote, and dropped it.
    assert!(report.contains("Entry-level jobs in reach") && report.contains(">Nearest site<"), "targets' columns");
    assert!(!has_postcode(&report), "a postcode in the report");
    assert!(
        report.contains("Who applies, who is shortlisted, who is appointed")
            && report.contains("This is WRES indicator 2.")
    );
    assert!(has_postcode(&std::fs::read_to_string(out.join("not-for-publication/staff_geocoded.csv")).unwrap()));

    // Issue 31: the network's report has its pooled staff's travel to work, the pool's published total.
    let network = std::fs::read_to_string(out.join("network/report.html")).unwrap().replace("&#x27;", "'");
    let pool: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network/all-employers/commute_summary.json")).unwrap())
            .unwrap();
    let total = anchormap::io::format::mass(pool["kgco2e_total"].as_f64().unwrap());
    let section = &network[network.find("<section id=\"commute\">").expect("the pool's travel section")..];
    assert!(section.starts_with("<section id=\"commute\">\n  <h2>How the network's staff get to work"), "{section}");
    let headline =
        format!("Journeys to work by the network's staff (all 3 partners' staff pooled) come to {total} CO2e");
    assert!(section.contains(&headline) && network.matches(&headline).count() == 2, "{headline}: section and summary");
}

/// Same seed, same bytes: two demo runs write identical outputs.
#[test]
fn the_demo_is_deterministic() {
    let dir = temp_dir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_demo(&a);
    run_demo(&b);
    let read = |root: &Path, file: &str| std::fs::read(root.join(file)).unwrap();
    for file in [
        "gaps/gaps_by_area.csv",
        "gaps/targets.csv",
        "emissions/emissions_by_area.csv",
        "maps/deprivation.svg",
        "funnel/funnel_by_imd_decile.csv",
        "funnel/funnel_by_ethnic_group.csv",
        "report.html",
    ] {
        assert!(read(&a, file) == read(&b, file), "{file} differs between runs");
    }
}

/// The demo's report in a real browser: quiet console, maps of every demo area.
#[test]
fn the_demo_report_opens_in_chromium() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    run_demo(&out);
    let Some(page) = open_in_chromium(&out.join("report.html")) else { return };
    page.tab.wait_for_element("#gaps-map svg").unwrap();
    let areas = read_csv(&out.join("gaps/gaps_by_area.csv")).1.len() as u64;
    assert_eq!(page.count("#gaps-map path[data-code]"), areas);
    assert!(page.count("#emissions-map path[data-code]") > 300);
    page.assert_not_blank_and_quiet();
}

/// From the demo folder, the settings file makes each step one short command, and flags override it.
#[test]
fn the_demo_settings_rerun_a_step_and_flags_override_them() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    run_demo(&out);
    let status = anchormap_command()
        .current_dir(&out)
        .args(["gaps", "--quiet", "--out", "gaps-radius", "--community-radius-km", "5"])
        .status()
        .unwrap();
    assert!(status.success());
    let summary = |folder: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.join(folder).join("gaps_summary.json")).unwrap()).unwrap()
    };
    let (all, near) = (summary("gaps"), summary("gaps-radius"));
    let areas = |s: &serde_json::Value| s["community"]["areas"].as_u64().unwrap();
    assert!(areas(&near) < areas(&all), "the flag narrowed the community: {} vs {}", areas(&near), areas(&all));
    assert!(areas(&near) > 0);
}

/// Issue 26: every column of every published table has a declared kind, which the workbook, the
/// GeoJSON and the maps all take (no writer guesses a kind from a column's name).
#[test]
fn every_published_column_has_a_declared_kind() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    run_demo(&out);
    let mut undeclared = Vec::new();
    for folder in ["gaps", "funnel", "emissions", "commute"] {
        for entry in std::fs::read_dir(out.join(folder)).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "csv") {
                let (headers, _) = read_csv(&path);
                undeclared.extend(
                    headers
                        .iter()
                        .filter(|h| anchormap::output::schema::Kind::of(h).is_none())
                        .map(|h| format!("{}: {h}", path.display())),
                );
            }
        }
    }
    assert!(undeclared.is_empty(), "columns without a declared kind in output/schema.rs:\n{}", undeclared.join("\n"));
}
