//! `anchormap network` on national data: a realistic workforce split into three employers, the pool the sum of their exact counts, and no partner's protected cell recoverable from every file of the run.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::*;

/// The three partners and the staff groups each employs.
const PARTNERS: [(&str, &[&str]); 3] = [
    ("Worcestershire Acute Hospitals NHS Trust", &["Medical and Dental", "Nursing and Midwifery Registered"]),
    ("Herefordshire and Worcestershire Health and Care NHS Trust", &["Additional Clinical Services"]),
    ("Worcestershire County Council", &["Estates and Ancillary"]),
];

/// A synthetic workforce around Worcestershire Royal Hospital (Code-Point postcodes drawn by
/// distance), split into the partners' extracts by staff group; the employers list.
fn network_inputs(reference: &Path, dir: &Path, n: usize) -> PathBuf {
    let groups: Vec<&str> = PARTNERS.iter().flat_map(|(_, g)| g.iter().copied()).collect();
    let bands = ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Medical"];
    let mut files: Vec<std::fs::File> = PARTNERS
        .iter()
        .enumerate()
        .map(|(k, _)| {
            let mut f = std::fs::File::create(dir.join(format!("partner{k}.csv"))).unwrap();
            writeln!(f, "staff_id,home_postcode,staff_group,band").unwrap();
            f
        })
        .collect();
    let postcodes = crate::national::postcodes_near(reference, (387_714.0, 254_789.0), n, 0x5DEE_CE66_D1CE_4E5B);
    for (id, (postcode, _, _)) in postcodes.iter().enumerate() {
        let group = groups[(id * 7 + id / 3) % groups.len()];
        let k = PARTNERS.iter().position(|(_, g)| g.contains(&group)).unwrap();
        writeln!(files[k], "{id},{postcode},{group},{}", bands[(id / 2) % bands.len()]).unwrap();
    }
    // Each partner's year of applications: applicants drawn the same way, statuses by a rule of
    // their row number (a shortlisted third, a quarter of those appointed, fewer for some groups).
    let ethnic = ["White British", "Indian", "African", "White and Asian", "Any other ethnic group", "Not stated"];
    let applicants = crate::national::postcodes_near(reference, (387_714.0, 254_789.0), n, 0x0A99_11CA_7105_5EED);
    let mut apps: Vec<std::fs::File> = (0..PARTNERS.len())
        .map(|k| {
            let mut f = std::fs::File::create(dir.join(format!("partner{k}_applications.csv"))).unwrap();
            writeln!(f, "application_id,applicant_postcode,ethnicity,sex,band,status").unwrap();
            f
        })
        .collect();
    for (id, (postcode, _, _)) in applicants.iter().enumerate() {
        let e = (id * 13 + id / 7) % 17;
        let ethnicity = ethnic[e.saturating_sub(11)];
        let status = match (id * 7 + id / 11) % 12 {
            0 if e < 11 || id % 2 == 0 => "Appointed",
            1..=3 => "Interviewed - not appointed",
            _ => "Not shortlisted",
        };
        let band = bands[(id / 3) % bands.len()];
        let sex = ["Female", "Male", "Female"][id % 3];
        writeln!(apps[id % PARTNERS.len()], "A{id},{postcode},{ethnicity},{sex},{band},{status}").unwrap();
    }
    let mut list = String::from("employer,file,applications\n");
    for (k, (name, _)) in PARTNERS.iter().enumerate() {
        list.push_str(&format!("{name},partner{k}.csv,partner{k}_applications.csv\n"));
    }
    std::fs::write(dir.join("employers.csv"), list).unwrap();
    dir.join("employers.csv")
}

/// Runs `network` on the 2021 geography (IoD2025) for the Herefordshire and Worcestershire ICB.
fn network_run(reference: &Path, employers: &Path, out: &Path, more: &[&str]) -> String {
    let file = |name: &str| reference.join(name).into_os_string();
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), employers.into()];
    for (flag, name) in [
        ("--postcodes", "codepo_gb.zip"),
        ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"),
    ] {
        args.extend([flag.into(), file(name)]);
    }
    args.extend(["--community-filter".into(), "icb24_code=E54000019".into()]);
    args.extend(more.iter().map(|m| m.into()));
    args.extend(["--out".into(), out.into()]);
    anchormap_ok(args)
}

/// A published count's cells in one run folder, exact beside published: `file|row` → (published, exact).
fn cells(folder: &Path, breakdowns: &[&str]) -> BTreeMap<String, (String, f64)> {
    let mut cells = BTreeMap::new();
    let mut files = vec!["gaps_by_decile.csv".to_string(), "gaps_by_quintile.csv".to_string()];
    for b in breakdowns {
        files.push(format!("gaps_by_decile_by_{b}.csv"));
        files.push(format!("gaps_by_quintile_by_{b}.csv"));
    }
    files.push("gaps_by_area.csv".to_string());
    for file in files {
        let (headers, published) = read_csv(&folder.join(&file));
        let (_, exact) = read_csv(&folder.join("not-for-publication").join(&file));
        let staff = headers.iter().position(|h| h == "staff").unwrap();
        let decile = headers.iter().position(|h| h == "imd_decile");
        let key = |r: &[String]| match (file.as_str(), decile) {
            ("gaps_by_area.csv", Some(d)) => format!("{file}|{}|{}", r[0], r[d]),
            _ => format!("{file}|{}", r[..staff].iter().take(2).cloned().collect::<Vec<_>>().join("|")),
        };
        let exact: BTreeMap<String, f64> = exact.iter().map(|r| (key(r), r[staff].parse().unwrap())).collect();
        for r in &published {
            let k = key(r);
            let e = *exact.get(&k).unwrap_or_else(|| panic!("{k} has no exact twin in {}", folder.display()));
            cells.insert(k, (r[staff].clone(), e));
        }
    }
    cells
}

#[test]
fn network_pool_is_the_sum_of_exact_partner_counts_and_an_attacker_recovers_no_partner_cell() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let employers = network_inputs(&reference, dir.path(), 6_000);
    let out = dir.path().join("network");
    network_run(&reference, &employers, &out, &["--by", "band", "--quiet"]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    let partners = summary["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 3, "{summary}");
    assert_eq!(summary["pool"]["employer"], "All employers");
    let folders: Vec<PathBuf> = partners.iter().map(|p| out.join(p["folder"].as_str().unwrap())).collect();
    let pool = cells(&out.join(summary["pool"]["folder"].as_str().unwrap()), &["band"]);
    let each: Vec<BTreeMap<String, (String, f64)>> = folders.iter().map(|f| cells(f, &["band"])).collect();
    // Every pooled count is the sum of the partners' exact counts, before any rounding.
    let mut nonzero = 0;
    for (key, (_, exact)) in &pool {
        let sum: f64 = each.iter().map(|c| c.get(key).map_or(0.0, |(_, e)| *e)).sum();
        assert_eq!(*exact, sum, "{key}: the pool's exact count is not the sum of the partners'");
        nonzero += usize::from(*exact > 0.0);
    }
    assert!(nonzero > 100, "the pool has counts to compare");
    // The combined table: an employer column, the pool's rows first.
    let (headers, rows) = read_csv(&out.join("gaps_by_decile.csv"));
    assert_eq!(headers[0], "employer");
    assert_eq!(rows[0][0], "All employers");
    let named: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(named.len(), 4, "{named:?}");
    // The funnel: every pooled count the sum of the partners' exact counts.
    let pool_funnel = funnel_cells(&out.join("all-employers"));
    let each_funnel: Vec<BTreeMap<String, (String, f64)>> = folders.iter().map(|f| funnel_cells(f)).collect();
    assert_pool_is_the_sum(&pool_funnel, &each_funnel);
    // The project's own attacker, over every file of the network as one system.
    let audit_json = dir.path().join("audit.json");
    anchormap_ok(["audit".as_ref(), out.as_os_str(), "--out".as_ref(), audit_json.as_os_str()]);
    let audit: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&audit_json).unwrap()).unwrap();
    assert_eq!(audit["protected"], true, "{}", audit["summary"]);
    assert_eq!(audit["runs"].as_array().unwrap().len(), 4);
    assert_funnel_audited(&audit);
    // And an independent one: a linear program per hidden cell over the pool and partners' published tables.
    independent_attack(&pool, &each);
    independent_funnel_attack(&pool_funnel, &each_funnel, false);
}

/// The attacker's own system from the published CSVs: each cell within what its publication
/// allows (the default rule: `*` is 0 to anything, a rounded count r is r-2..r+2 and at least 8),
/// each pooled cell the sum of the partners' same cell, each run's deciles their areas and their
/// total. No hidden small count may narrow below 6 values, no other hidden or rounded one to one.
fn independent_attack(pool: &BTreeMap<String, (String, f64)>, each: &[BTreeMap<String, (String, f64)>]) {
    let runs: Vec<&BTreeMap<String, (String, f64)>> = std::iter::once(pool).chain(each.iter()).collect();
    let (vars, index, mut sums) = attacker_system(&runs, false);
    for (r, cells) in runs.iter().enumerate() {
        run_sums(r, cells, &index, &mut sums);
    }
    let mut exposed = Vec::new();
    let mut checked = 0;
    for (i, (low, high, exact)) in vars.iter().enumerate() {
        if low == high || (*high < 1e5 && i % 3 != 0) {
            continue; // zeros are public; rounded cells sampled (every third) to bound the test's time
        }
        checked += 1;
        let (min, max) = lp_range(&vars, &sums, i);
        let values = (max + 1e-6).floor() - (min - 1e-6).ceil() + 1.0;
        let needed = if *high >= 1e5 && (1.0..8.0).contains(exact) { 6.0 } else { 2.0 };
        if values < needed {
            exposed.push(format!("cell {i} (exact {exact}): {min}..{max}"));
        }
    }
    eprintln!("independent attack on the network: {} cells, {} sums, {checked} checked", vars.len(), sums.len());
    assert!(checked > 50);
    assert!(exposed.is_empty(), "the attacker narrows {} cells: {exposed:?}", exposed.len());
}

/// One run's sums: deciles and quintiles to the total, two deciles to a quintile, areas to their
/// decile, each band's deciles to all staff's.
fn run_sums(
    r: usize,
    cells: &BTreeMap<String, (String, f64)>,
    index: &BTreeMap<(usize, String), usize>,
    sums: &mut Vec<(Vec<usize>, usize)>,
) {
    let at = |key: String| index.get(&(r, key)).copied();
    let tables = [("gaps_by_decile.csv", "gaps_by_quintile.csv", "All staff".to_string())];
    let bands: BTreeSet<String> = cells
        .keys()
        .filter_map(|k| k.strip_prefix("gaps_by_decile_by_band.csv|"))
        .filter_map(|k| k.split('|').next().map(str::to_string))
        .collect();
    let class = |file: &str, group: &str, c: &str| {
        if group == "All staff" {
            format!("{file}|{c}")
        } else {
            format!("{file}|{group}|{c}")
        }
    };
    for (d_file, q_file, group) in tables
        .into_iter()
        .chain(bands.iter().map(|b| ("gaps_by_decile_by_band.csv", "gaps_by_quintile_by_band.csv", b.clone())))
    {
        let d: Vec<usize> = (1..=10).filter_map(|c| at(class(d_file, &group, &c.to_string()))).collect();
        let q: Vec<usize> = (1..=5).filter_map(|c| at(class(q_file, &group, &c.to_string()))).collect();
        let (Some(dt), Some(qt)) = (at(class(d_file, &group, "total")), at(class(q_file, &group, "total"))) else {
            continue;
        };
        sums.push((vec![dt], qt));
        if d.len() == 10 && q.len() == 5 {
            sums.push((d.clone(), dt));
            sums.push((q.clone(), qt));
            (0..5).for_each(|k| sums.push((vec![d[2 * k], d[2 * k + 1]], q[k])));
        }
    }
    // Areas to their decile (the last part of an area's key).
    let mut by_decile: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for key in cells.keys().filter(|k| k.starts_with("gaps_by_area.csv|")) {
        let decile = key.rsplit('|').next().unwrap_or("").to_string();
        by_decile.entry(decile).or_default().extend(at(key.clone()));
    }
    for (decile, parts) in by_decile {
        if let Some(whole) = at(class("gaps_by_decile.csv", "All staff", &decile)) {
            sums.push((parts, whole));
        }
    }
}

/// The least and greatest value of variable `k` over every sum, each variable within its bounds.
fn lp_range(vars: &[(f64, f64, f64)], sums: &[(Vec<usize>, usize)], k: usize) -> (f64, f64) {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let mut ends = [0.0; 2];
    for (end, direction) in ends.iter_mut().zip([OptimizationDirection::Minimize, OptimizationDirection::Maximize]) {
        let mut problem = Problem::new(direction);
        let v: Vec<_> = vars
            .iter()
            .enumerate()
            .map(|(i, (lo, hi, _))| problem.add_var(f64::from(u8::from(i == k)), (*lo, *hi)))
            .collect();
        for (parts, whole) in sums {
            let mut terms: Vec<_> = parts.iter().map(|&p| (v[p], 1.0)).collect();
            terms.push((v[*whole], -1.0));
            problem.add_constraint(&terms[..], ComparisonOp::Eq, 0.0);
        }
        *end =
            problem.solve().expect("the published tables are consistent").into_solution().expect("solved").objective();
    }
    (ends[0], ends[1])
}

#[test]
fn network_without_employers_is_a_usage_error_in_one_line() {
    let dir = temp_dir();
    let fixture_args = ["--postcodes", "x", "--boundaries", "x", "--deprivation", "x", "--population", "x", "--out"];
    let mut args: Vec<std::ffi::OsString> = vec!["network".into()];
    args.extend(fixture_args.iter().map(|a| a.into()));
    args.push(dir.path().join("o").into());
    let out = anchormap(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a usage error: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--employers") && stderr.contains("--employer-column"), "{stderr}");
}

#[test]
fn network_employers_file_naming_a_missing_file_names_its_line() {
    let dir = temp_dir();
    let list = dir.path().join("employers.csv");
    std::fs::write(&list, "employer,file\nA trust,a.csv\nA council,missing.csv\n").unwrap();
    std::fs::write(dir.path().join("a.csv"), "home_postcode\nWR5 1DD\n").unwrap();
    let line = network_err(&list, dir.path());
    assert!(line.contains("employers.csv") && line.contains("line 3") && line.contains("missing.csv"), "{line}");
}

/// `network` with `--employers LIST`, expected to stop before any reference data is read.
fn network_err(list: &Path, dir: &Path) -> String {
    let fixture_args = ["--postcodes", "x", "--boundaries", "x", "--deprivation", "x", "--population", "x"];
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), list.into()];
    args.extend(fixture_args.iter().map(|a| a.into()));
    args.extend(["--out".into(), dir.join("o").into()]);
    anchormap_err(args)
}

/// The committed demo sample's file `name` (the repository's `data/demo/` or `boundaries/`).
fn sample(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn network_from_one_esr_file_publishes_a_small_employer_only_within_the_pool_and_stays_protected() {
    // The demo's three partners in one file with an organisation column, as ESR gives it, and a
    // fourth employer of 40 staff: too small for tables of its own.
    let dir = temp_dir();
    let mut text = String::from("Organisation,home_postcode,band,staff_group\n");
    let partners = [
        ("Anchorshire Hospitals NHS Trust", "data/demo/anchorshire_fictional_staff.csv"),
        ("Anchorshire Community Health NHS Trust", "data/demo/anchorshire_fictional_community_trust_staff.csv"),
        ("Anchorshire County Council", "data/demo/anchorshire_fictional_council_staff.csv"),
    ];
    let mut rows = 0;
    for (name, file) in partners {
        let (headers, staff) = read_csv(&sample(file));
        let at = |h: &str| headers.iter().position(|x| x == h).unwrap();
        for r in &staff {
            text.push_str(&format!("{name},{},{},{}\n", r[at("home_postcode")], r[at("band")], r[at("staff_group")]));
            rows += 1;
        }
        if name.contains("Council") {
            for r in staff.iter().take(40) {
                text.push_str(&format!(
                    "Anchorshire University,{},{},Academic\n",
                    r[at("home_postcode")],
                    r[at("band")]
                ));
            }
        }
    }
    let staff = dir.path().join("esr.csv");
    std::fs::write(&staff, text).unwrap();
    let out = dir.path().join("network");
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--staff".into(), staff.into()];
    args.extend(["--employer-column".into(), "Organisation".into()]);
    args.extend(demo_region_args());
    args.extend(["--out".into(), out.clone().into()]);
    anchormap_ok(args);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    let partners = summary["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 4, "{summary}");
    let university = partners.iter().find(|p| p["employer"] == "Anchorshire University").unwrap();
    assert!(university["folder"].is_null(), "{university}");
    assert!(university["note"].as_str().unwrap().contains("only within the pool"), "{university}");
    assert!(!out.join("employers/anchorshire-university").exists());
    let (_, decile_rows) = read_csv(&out.join("gaps_by_decile.csv"));
    assert!(decile_rows.iter().all(|r| r[0] != "Anchorshire University"), "no table of its own");
    // The pool holds every row read, the small employer's too.
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("not-for-publication/network_summary_exact.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(exact["pool"]["rows"], rows + 40);
    // The small employer's counts are the pool minus the others: the attack over every file finds none.
    let audit_json = dir.path().join("audit.json");
    anchormap_ok(["audit".as_ref(), out.as_os_str(), "--out".as_ref(), audit_json.as_os_str()]);
    let audit: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&audit_json).unwrap()).unwrap();
    assert_eq!(audit["protected"], true, "{}", audit["summary"]);
    assert_eq!(audit["runs"].as_array().unwrap().len(), 4, "the pool and three partners");
}

/// The demo region's three partners' staff files.
const DEMO_PARTNERS: [&str; 3] = [
    "data/demo/anchorshire_fictional_staff.csv",
    "data/demo/anchorshire_fictional_community_trust_staff.csv",
    "data/demo/anchorshire_fictional_council_staff.csv",
];

/// The demo region's three partners' applications files.
const DEMO_APPLICATIONS: [&str; 3] = [
    "data/demo/anchorshire_fictional_applications.csv",
    "data/demo/anchorshire_fictional_community_trust_applications.csv",
    "data/demo/anchorshire_fictional_council_applications.csv",
];

/// An EMPLOYERS.csv in `dir` naming the demo's partners `Partner 0` to `Partner 2`.
fn demo_employers(dir: &Path) -> PathBuf {
    let list = dir.join("employers.csv");
    let rows: Vec<String> =
        DEMO_PARTNERS.iter().enumerate().map(|(k, f)| format!("Partner {k},{}", sample(f).display())).collect();
    std::fs::write(&list, format!("employer,file\n{}\n", rows.join("\n"))).unwrap();
    list
}

/// As [`demo_employers`], with an `applications` column: each partner's file where `given` says so
/// (a blank cell otherwise).
fn demo_employers_with_applications(dir: &Path, given: [bool; 3]) -> PathBuf {
    let list = dir.join("employers.csv");
    let rows: Vec<String> = (0..3)
        .map(|k| {
            let apps = if given[k] { sample(DEMO_APPLICATIONS[k]).display().to_string() } else { String::new() };
            format!("Partner {k},{},{apps}", sample(DEMO_PARTNERS[k]).display())
        })
        .collect();
    std::fs::write(&list, format!("employer,file,applications\n{}\n", rows.join("\n"))).unwrap();
    list
}

/// The reference and community options of a run on the demo's fictional region (default rule).
fn demo_region_args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    for (flag, path) in [
        ("--postcodes", "data/demo/anchorshire_fictional_postcodes.csv"),
        ("--boundaries", "boundaries/anchorshire_fictional_areas.geojson"),
        ("--deprivation", "data/demo/anchorshire_fictional_imd.csv"),
        ("--population", "data/demo/anchorshire_fictional_population.csv"),
        ("--community-lookup", "data/demo/anchorshire_fictional_area_lookup.csv"),
    ] {
        args.extend([flag.into(), sample(path).into()]);
    }
    args.extend(["--community-filter", "icb_code=E54999999", "--by", "band", "--quiet"].map(Into::into));
    args
}

#[test]
fn partners_published_each_on_its_own_beside_a_pool_are_exposed_and_a_network_run_is_not() {
    // Today's practice: each partner runs gaps alone and the pool is added up and run again. With
    // exact counts (--round-to 1) the pool minus the other partners gives a partner's hidden count
    // back; the audit over the folder as a network says so, and the network run protects it.
    let dir = temp_dir();
    let mut pooled = String::new();
    for (k, file) in DEMO_PARTNERS.iter().enumerate() {
        let text = std::fs::read_to_string(sample(file)).unwrap();
        pooled.push_str(if k == 0 { &text } else { text.split_once('\n').unwrap().1 });
    }
    std::fs::write(dir.path().join("pool.csv"), pooled).unwrap();
    let alone = dir.path().join("alone");
    let runs = std::iter::once((dir.path().join("pool.csv"), alone.join("all-employers")))
        .chain(DEMO_PARTNERS.iter().enumerate().map(|(k, f)| (sample(f), alone.join(format!("employers/{k}")))));
    for (staff, out) in runs {
        let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
        args.extend(demo_region_args());
        args.extend(["--round-to".into(), "1".into(), "--out".into(), out.into()]);
        anchormap_ok(args);
    }
    let partner =
        |k: usize| serde_json::json!({"employer": format!("Partner {k}"), "folder": format!("employers/{k}")});
    let summary = serde_json::json!({"pool": {"employer": "All employers", "folder": "all-employers"},
        "partners": [partner(0), partner(1), partner(2)]});
    std::fs::write(alone.join("network_summary.json"), summary.to_string()).unwrap();
    let out = anchormap(["audit".as_ref(), alone.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "the runs published alone are exposed: {stdout}");
    assert!(stdout.contains("EXPOSED"), "{stdout}");

    let list = demo_employers(dir.path());
    let network = dir.path().join("network");
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), list.into()];
    args.extend(demo_region_args());
    args.extend(["--round-to".into(), "1".into(), "--out".into(), network.clone().into()]);
    anchormap_ok(args);
    anchormap_ok(["audit".as_ref(), network.as_os_str()]);
}

#[test]
fn the_pool_and_every_partner_publish_every_decile_row_a_board_reads_first() {
    // Under the default rule the demo's pool once hid its decile 7 (850 staff), a complement for
    // one staff group's 7 whose every other sum was hidden already; each partner's decile 7 was
    // published, so hiding it protected nothing. A headline row is hidden only where no cell
    // further along the sums can be.
    let dir = temp_dir();
    let list = demo_employers(dir.path());
    let network = dir.path().join("network");
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), list.into()];
    args.extend(demo_region_args());
    args.extend(["--by".into(), "staff-group".into(), "--out".into(), network.clone().into()]);
    anchormap_ok(args);
    let table = std::fs::read_to_string(network.join("gaps_by_decile.csv")).unwrap();
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 4 * 11, "the pool and three partners, ten deciles and a total each");
    for row in rows {
        let staff = row.split(',').nth(2).unwrap();
        assert!(staff.parse::<u64>().is_ok_and(|n| n > 0), "a decile row hidden: {row}");
    }
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(network.join("disclosure_audit.json")).unwrap()).unwrap();
    for system in audit["systems"].as_array().unwrap() {
        assert_eq!(system["headline_cells_hidden"], 0, "{system}");
        assert_eq!(system["protected"], true, "{system}");
    }
}

/// A run folder's funnel counts, exact beside published: `file|row|stage` → (published, exact).
fn funnel_cells(folder: &Path) -> BTreeMap<String, (String, f64)> {
    let mut cells = BTreeMap::new();
    let mut files: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("funnel_by_") && n.ends_with(".csv"))
        .collect();
    files.sort();
    for file in files {
        let (headers, published) = read_csv(&folder.join(&file));
        let (_, exact) = read_csv(&folder.join("not-for-publication").join(&file));
        for stage in ["applied", "shortlisted", "appointed"] {
            let at = headers.iter().position(|h| h == stage).unwrap();
            let exact: BTreeMap<&str, f64> = exact.iter().map(|r| (r[0].as_str(), r[at].parse().unwrap())).collect();
            for r in &published {
                let e = *exact.get(r[0].as_str()).unwrap_or_else(|| panic!("{file} {}: no exact twin", r[0]));
                cells.insert(format!("{file}|{}|{stage}", r[0]), (r[at].clone(), e));
            }
        }
    }
    cells
}

/// Every pooled funnel count is the sum of the partners' exact counts (a partner without the
/// cell counts nothing), and there are counts to compare.
fn assert_pool_is_the_sum(pool: &BTreeMap<String, (String, f64)>, each: &[BTreeMap<String, (String, f64)>]) {
    let mut nonzero = 0;
    for (key, (_, exact)) in pool {
        let sum: f64 = each.iter().map(|c| c.get(key).map_or(0.0, |(_, e)| *e)).sum();
        assert_eq!(*exact, sum, "{key}: the pool's exact count is not the sum of the partners'");
        nonzero += usize::from(*exact > 0.0);
    }
    assert!(nonzero > 40, "the pool's funnel has counts to compare: {nonzero}");
}

/// The audit read the funnel tables of every run: no table left out, and none of them exposed.
fn assert_funnel_audited(audit: &serde_json::Value) {
    for run in audit["runs"].as_array().unwrap() {
        let notes = run["notes"].to_string();
        assert!(!notes.contains("funnel"), "a funnel table left out of the audit: {notes}");
    }
    assert!(audit["exposed"].as_array().unwrap().is_empty(), "{}", audit["exposed"]);
}

/// The independent attacker's variables for the runs' cells, the pool's first: each (low, high,
/// exact) within what its publication allows (`*` is 0 to anything; a rounded count r is r-2..r+2
/// and at least 8, or r itself with `exact_counts`), indexed by (run, key), and each pooled cell
/// the sum of the partners' same cell.
#[allow(clippy::type_complexity)]
fn attacker_system(
    runs: &[&BTreeMap<String, (String, f64)>],
    exact_counts: bool,
) -> (Vec<(f64, f64, f64)>, BTreeMap<(usize, String), usize>, Vec<(Vec<usize>, usize)>) {
    let mut vars: Vec<(f64, f64, f64)> = Vec::new(); // (low, high, exact)
    let mut index: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for (r, cells) in runs.iter().enumerate() {
        for (key, (published, exact)) in cells.iter() {
            let (low, high) = match published.as_str() {
                "*" => (0.0, 1e5),
                "0" => (0.0, 0.0),
                v if exact_counts => (v.parse().unwrap(), v.parse().unwrap()),
                v => {
                    let v: f64 = v.parse().unwrap();
                    ((v - 2.0).max(8.0), v + 2.0)
                }
            };
            index.insert((r, key.clone()), vars.len());
            vars.push((low, high, *exact));
        }
    }
    let mut sums: Vec<(Vec<usize>, usize)> = Vec::new();
    for key in runs[0].keys() {
        let parts = (1..runs.len()).filter_map(|r| index.get(&(r, key.clone())).copied()).collect();
        sums.push((parts, index[&(0, key.clone())]));
    }
    (vars, index, sums)
}

/// An independent attacker on the funnel tables of the pool and the partners (the default rule, or
/// with `exact_counts` published as they are, `--round-to 1`): each published cell within what its
/// publication allows, each row's stages ordered (applied ≥
/// shortlisted ≥ appointed, the differences counts no file publishes), every partition of a table
/// adding up to all applications, BME to its groups, quintiles and Core20 to their deciles, and
/// each pooled cell the sum of the partners' same cell. No hidden small count, and no small
/// difference between two stages, may narrow below 6 values; no other hidden count to one.
fn independent_funnel_attack(
    pool: &BTreeMap<String, (String, f64)>,
    each: &[BTreeMap<String, (String, f64)>],
    exact_counts: bool,
) {
    let runs: Vec<&BTreeMap<String, (String, f64)>> = std::iter::once(pool).chain(each.iter()).collect();
    let (mut vars, index, mut sums) = attacker_system(&runs, exact_counts);
    let mut differences = Vec::new();
    for (r, cells) in runs.iter().enumerate() {
        let at = |file: &str, row: &str, stage: &str| index.get(&(r, format!("{file}|{row}|{stage}"))).copied();
        let rows: BTreeSet<(String, String)> = cells
            .keys()
            .map(|k| {
                let mut p = k.split('|');
                (p.next().unwrap().to_string(), p.next().unwrap().to_string())
            })
            .collect();
        for (file, row) in &rows {
            let [a, s, p] = ["applied", "shortlisted", "appointed"].map(|stage| at(file, row, stage).unwrap());
            for (whole, part) in [(a, s), (s, p)] {
                let exact = vars[whole].2 - vars[part].2;
                vars.push((0.0, 1e5, exact));
                differences.push(vars.len() - 1);
                sums.push((vec![part, vars.len() - 1], whole));
            }
        }
        for stage in ["applied", "shortlisted", "appointed"] {
            funnel_table_sums(|file, row| at(&format!("funnel_by_{file}.csv"), row, stage), &rows, &mut sums);
        }
    }
    let mut exposed = Vec::new();
    let mut checked = 0;
    for (i, (_, high, exact)) in vars.iter().enumerate() {
        let difference = differences.contains(&i);
        let small = (1.0..8.0).contains(exact);
        let hidden = *high >= 1e5 && !difference;
        if !(hidden || difference && small) {
            continue; // published counts, and differences that are no small count
        }
        checked += 1;
        let (min, max) = lp_range(&vars, &sums, i);
        let values = (max + 1e-6).floor() - (min - 1e-6).ceil() + 1.0;
        let needed = if small { 6.0 } else { 2.0 };
        if values < needed {
            exposed.push(format!("cell {i} (exact {exact}, difference {difference}): {min}..{max}"));
        }
    }
    eprintln!(
        "independent attack on the network's funnel: {} cells, {} sums, {checked} checked",
        vars.len(),
        sums.len()
    );
    assert!(checked > 10, "{checked}");
    assert!(exposed.is_empty(), "the attacker narrows {} funnel cells: {exposed:?}", exposed.len());
}

/// One stage's sums among a run's funnel tables (`cell(table, row)`, `rows` the run's (file, row)
/// pairs): every table's groups to all applications, BME to its groups, quintiles and Core20 to
/// their deciles.
fn funnel_table_sums(
    cell: impl Fn(&str, &str) -> Option<usize>,
    rows: &BTreeSet<(String, String)>,
    sums: &mut Vec<(Vec<usize>, usize)>,
) {
    let all = cell("imd_decile", "All applications").unwrap();
    for table in ["imd_decile", "imd_quintile", "core20", "sex", "band_group", "ethnic_group"] {
        let Some(whole) = cell(table, "All applications") else { continue };
        if whole != all {
            sums.push((vec![all], whole));
        }
        let file = format!("funnel_by_{table}.csv");
        let groups = rows.iter().filter(|(f, r)| *f == file && r != "All applications" && !r.starts_with("BME"));
        sums.push((groups.map(|(_, r)| cell(table, r).unwrap()).collect(), whole));
    }
    let bme: Vec<usize> = ["Asian", "Black", "Mixed", "Other"].iter().filter_map(|g| cell("ethnic_group", g)).collect();
    if let Some(whole) = cell("ethnic_group", "BME (all but White)") {
        sums.push((bme, whole));
    }
    let decile = |d: u8| cell("imd_decile", &d.to_string()).unwrap();
    for q in 1..=5u8 {
        sums.push((vec![decile(2 * q - 1), decile(2 * q)], cell("imd_quintile", &q.to_string()).unwrap()));
    }
    sums.push((vec![decile(1), decile(2)], cell("core20", "Core20 (deciles 1-2)").unwrap()));
    sums.push(((3..=10).map(decile).collect(), cell("core20", "Rest (deciles 3-10)").unwrap()));
}

#[test]
fn the_demo_network_pools_every_partners_funnel_and_no_partner_cell_is_recovered() {
    let dir = temp_dir();
    let list = demo_employers_with_applications(dir.path(), [true, true, true]);
    let out = dir.path().join("network");
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), list.into()];
    args.extend(demo_region_args());
    args.extend(["--out".into(), out.clone().into()]);
    anchormap_ok(args);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    // Each partner's WRES indicator 2 beside the pool's.
    for p in std::iter::once(&summary["pool"]).chain(summary["partners"].as_array().unwrap()) {
        let wres2 = &p["funnel"]["wres_indicator_2"];
        assert!(wres2.is_object(), "{p}");
        assert!(p["funnel"]["headline"].as_str().is_some_and(|h| h.contains("WRES indicator 2")), "{p}");
    }
    assert!(summary.get("without_applications").is_none(), "{summary}");
    // The pool is the sum of the partners' exact counts, table by table.
    let folders: Vec<PathBuf> =
        summary["partners"].as_array().unwrap().iter().map(|p| out.join(p["folder"].as_str().unwrap())).collect();
    let pool = funnel_cells(&out.join("all-employers"));
    let each: Vec<_> = folders.iter().map(|f| funnel_cells(f)).collect();
    assert_pool_is_the_sum(&pool, &each);
    assert_eq!(
        pool.keys().filter(|k| k.starts_with("funnel_by_band_group.csv|")).count(),
        3 * 6,
        "band groups and all"
    );
    // The gathered table: an employer column, the pool's rows first, every partner named.
    let (headers, rows) = read_csv(&out.join("funnel_by_ethnic_group.csv"));
    assert_eq!(&headers[..3], ["employer", "ethnic_group", "applied"]);
    assert_eq!(rows[0][0], "All employers");
    let named: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(named.len(), 4, "{named:?}");
    // The project's attacker reads the funnel tables with the rest, and an independent one agrees.
    let audit_json = dir.path().join("audit.json");
    anchormap_ok(["audit".as_ref(), out.as_os_str(), "--out".as_ref(), audit_json.as_os_str()]);
    let audit: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&audit_json).unwrap()).unwrap();
    assert_eq!(audit["protected"], true, "{}", audit["summary"]);
    assert_funnel_audited(&audit);
    independent_funnel_attack(&pool, &each, false);
    // The report: the network's table with WRES indicator 2, and the pooled funnel.
    let report = dir.path().join("report.html");
    anchormap_ok(["report".as_ref(), "--from".as_ref(), out.as_os_str(), "-o".as_ref(), report.as_os_str()]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("WRES indicator 2 (95% CI)"), "the partners' WRES indicator 2 beside the pool's");
    assert!(html.contains("id=\"funnel\"") || html.contains("Recruitment"), "the pooled funnel in the report");
}

#[test]
fn a_partner_without_applications_is_named_and_absent_from_the_funnel_never_zero() {
    let dir = temp_dir();
    let list = demo_employers_with_applications(dir.path(), [true, true, false]);
    let out = dir.path().join("network");
    let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), list.into()];
    args.extend(demo_region_args());
    args.extend(["--round-to".into(), "1".into(), "--out".into(), out.clone().into()]);
    anchormap_ok(args);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["without_applications"], serde_json::json!(["Partner 2"]), "{summary}");
    let notes = summary["notes"].to_string();
    assert!(notes.contains("Partner 2 gave no applications file") && notes.contains("never"), "{notes}");
    let partners = summary["partners"].as_array().unwrap();
    assert!(partners[2]["funnel"].is_null() && partners[0]["funnel"].is_object(), "{summary}");
    // No funnel table of its own, no row of it in the gathered tables (its gaps rows are there).
    let own = out.join(partners[2]["folder"].as_str().unwrap());
    assert!(own.join("gaps_by_decile.csv").is_file() && !own.join("funnel_by_imd_decile.csv").exists());
    let (_, funnel_rows) = read_csv(&out.join("funnel_by_imd_decile.csv"));
    let named: BTreeSet<&str> = funnel_rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(named, BTreeSet::from(["All employers", "Partner 0", "Partner 1"]));
    let (_, gaps_rows) = read_csv(&out.join("gaps_by_decile.csv"));
    assert!(gaps_rows.iter().any(|r| r[0] == "Partner 2"));
    // The pool's funnel is the other two partners' applications, exactly.
    let pool = funnel_cells(&out.join("all-employers"));
    let each: Vec<_> = partners[..2].iter().map(|p| funnel_cells(&out.join(p["folder"].as_str().unwrap()))).collect();
    assert_pool_is_the_sum(&pool, &each);
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("not-for-publication/network_summary_exact.json")).unwrap(),
    )
    .unwrap();
    assert!(exact["partners"][2]["applications"].is_null(), "{exact}");
    // Exact counts (--round-to 1) and the funnel tables read: still nothing recovered.
    let audit_json = dir.path().join("audit.json");
    anchormap_ok(["audit".as_ref(), out.as_os_str(), "--out".as_ref(), audit_json.as_os_str()]);
    let audit: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&audit_json).unwrap()).unwrap();
    assert_eq!(audit["protected"], true, "{}", audit["summary"]);
    assert_funnel_audited(&audit);
    // The attacker who knows Partner 2 gave none: each pooled cell is the other two's sum, exactly.
    independent_funnel_attack(&pool, &each, true);
    // The report names it in the WRES indicator 2 column.
    let report = dir.path().join("report.html");
    anchormap_ok(["report".as_ref(), "--from".as_ref(), out.as_os_str(), "-o".as_ref(), report.as_os_str()]);
    assert!(std::fs::read_to_string(&report).unwrap().contains("No applications file"));
}

#[test]
fn partners_funnels_published_each_on_its_own_beside_a_pool_are_exposed_in_the_funnel_tables() {
    // Today's practice for the funnel: each partner runs funnel alone, and the pooled
    // applications are run again. The audit reads the funnel tables a network folder holds beside
    // the gaps tables, and finds a partner's hidden cell as the pool minus the others.
    let dir = temp_dir();
    let alone = dir.path().join("alone");
    let mut pooled = String::from("Application ID,Applicant Postcode,Ethnicity,Sex,Application Status\n");
    for file in DEMO_APPLICATIONS {
        let (headers, rows) = read_csv(&sample(file));
        let at = |h: &str| headers.iter().position(|x| x == h).unwrap();
        for r in &rows {
            let cells = ["Application ID", "Applicant Postcode", "Ethnicity", "Sex", "Application Status"]
                .map(|h| format!("\"{}\"", r[at(h)]));
            pooled.push_str(&format!("{}\n", cells.join(",")));
        }
    }
    std::fs::write(dir.path().join("applications.csv"), pooled).unwrap();
    let mut staff = String::new();
    for (k, file) in DEMO_PARTNERS.iter().enumerate() {
        let text = std::fs::read_to_string(sample(file)).unwrap();
        staff.push_str(if k == 0 { &text } else { text.split_once('\n').unwrap().1 });
    }
    std::fs::write(dir.path().join("staff.csv"), staff).unwrap();
    let pool = (dir.path().join("applications.csv"), dir.path().join("staff.csv"), alone.join("all-employers"));
    let runs = std::iter::once(pool).chain(
        (0..3).map(|k| (sample(DEMO_APPLICATIONS[k]), sample(DEMO_PARTNERS[k]), alone.join(format!("employers/{k}")))),
    );
    for (applications, staff, out) in runs {
        let funnel = dir.path().join("funnel");
        let mut args: Vec<std::ffi::OsString> = vec!["funnel".into(), "--applications".into(), applications.into()];
        args.extend(demo_region_args().into_iter().filter(|a| a != "--by" && a != "band"));
        args.extend(["--round-to".into(), "1".into(), "--out".into(), funnel.clone().into(), "--force".into()]);
        anchormap_ok(args);
        // The gaps run beside it (the audit reads a folder as a gaps run's), its funnel tables copied in.
        let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
        args.extend(demo_region_args());
        args.extend(["--round-to".into(), "1".into(), "--out".into(), out.clone().into()]);
        anchormap_ok(args);
        for sub in ["", "not-for-publication"] {
            for entry in std::fs::read_dir(funnel.join(sub)).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if name.starts_with("funnel_by_") {
                    std::fs::copy(funnel.join(sub).join(&name), out.join(sub).join(&name)).unwrap();
                }
            }
        }
    }
    let partner =
        |k: usize| serde_json::json!({"employer": format!("Partner {k}"), "folder": format!("employers/{k}")});
    let summary = serde_json::json!({"pool": {"employer": "All employers", "folder": "all-employers"},
        "partners": [partner(0), partner(1), partner(2)]});
    std::fs::write(alone.join("network_summary.json"), summary.to_string()).unwrap();
    let audit_json = dir.path().join("audit.json");
    let out = anchormap(["audit".as_ref(), alone.as_os_str(), "--out".as_ref(), audit_json.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let audit: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&audit_json).unwrap()).unwrap();
    let in_funnel: Vec<&serde_json::Value> = audit["exposed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["file"].as_str().unwrap().starts_with("funnel_by_") && e["run"].as_str().unwrap().contains("employers")
        })
        .collect();
    assert!(!in_funnel.is_empty(), "no partner's funnel cell exposed: {}", audit["exposed"]);
}

/// Three sites of the county's acute and community services (British National Grid points).
const WORCESTERSHIRE_SITES: &str = "site_code,site_name,easting,northing
WRH,Worcestershire Royal Hospital,387714,254789
ALX,Alexandra Hospital,404400,266300
KTC,Kidderminster Treatment Centre,383100,276300
";

/// As [`network_inputs`], with the sites: the first partner's staff work at the three sites (a site
/// column), the other two have no site column and their site in the employers file's `site` column.
fn commute_inputs(reference: &Path, dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    network_inputs(reference, dir, n);
    let first = dir.join("partner0.csv");
    let text = std::fs::read_to_string(&first).unwrap();
    let mut with_site = String::new();
    for (i, line) in text.lines().enumerate() {
        let site = if i == 0 { "site_code" } else { ["WRH", "ALX", "KTC"][i % 3] };
        with_site.push_str(&format!("{line},{site}\n"));
    }
    std::fs::write(&first, with_site).unwrap();
    std::fs::write(dir.join("sites.csv"), WORCESTERSHIRE_SITES).unwrap();
    let mut list = String::from("employer,file,site\n");
    for (k, ((name, _), site)) in PARTNERS.iter().zip(["", "WRH", "KTC"]).enumerate() {
        list.push_str(&format!("{name},partner{k}.csv,{site}\n"));
    }
    std::fs::write(dir.join("employers.csv"), list).unwrap();
    (dir.join("employers.csv"), dir.join("sites.csv"))
}

/// The commute tables whose staff counts are published, as `anchormap commute` names them.
const COMMUTE_TABLES: [&str; 7] = [
    "commute_by_area.csv",
    "commute_by_decile.csv",
    "commute_by_band.csv",
    "commute_by_staff_group.csv",
    "commute_by_site.csv",
    "commute_by_decile_band.csv",
    "commute_by_distance.csv",
];

/// A run folder's commute staff counts, exact beside published: `file|row` (every table's total
/// row the one cell `commute|total`; an area's row `file|code|decile`) and the summary's counts
/// `summary|rows`, `summary|placed`, `summary|REASON` → (published, exact).
fn commute_cells(folder: &Path) -> BTreeMap<String, (String, f64)> {
    let mut cells = BTreeMap::new();
    for file in COMMUTE_TABLES {
        let (headers, published) = read_csv(&folder.join(file));
        let (_, exact) = read_csv(&folder.join("not-for-publication").join(file));
        let staff = headers.iter().position(|h| h == "staff").unwrap();
        let decile = headers.iter().position(|h| h == "imd_decile");
        let key = |r: &[String]| match (file, decile) {
            _ if r[0] == "total" => "commute|total".to_string(),
            ("commute_by_area.csv", Some(d)) => {
                let code = if r[0].is_empty() { "outside" } else { r[0].as_str() };
                format!("{file}|{code}|{}", if r[d].is_empty() { "none" } else { r[d].as_str() })
            }
            ("commute_by_decile_band.csv", _) => format!("{file}|{}|{}", r[0], r[1]),
            _ => format!("{file}|{}", r[0]),
        };
        let exact: BTreeMap<String, f64> = exact.iter().map(|r| (key(r), r[staff].parse().unwrap())).collect();
        for r in &published {
            let k = key(r);
            let e = *exact.get(&k).unwrap_or_else(|| panic!("{k} has no exact twin in {}", folder.display()));
            cells.insert(k, (r[staff].clone(), e));
        }
    }
    let json =
        |path: PathBuf| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap() };
    let (published, exact) = (
        json(folder.join("commute_summary.json")),
        json(folder.join("not-for-publication/commute_summary_exact.json")),
    );
    let shown = |v: &serde_json::Value| v.as_f64().map_or("*".to_string(), |n| format!("{n}"));
    for (key, field) in [("rows", "staff_total"), ("placed", "staff_placed")] {
        cells.insert(format!("summary|{key}"), (shown(&published[field]), exact[field].as_f64().unwrap()));
    }
    for (reason, value) in published["unplaced_by_reason"].as_object().unwrap() {
        let e = exact["unplaced_by_reason"][reason].as_f64().unwrap_or(0.0);
        cells.insert(format!("summary|{reason}"), (shown(value), e));
    }
    cells
}

/// One run's commute sums: each table's rows to the total, each decile's band groups to the
/// decile and each band group's deciles to the band group, the areas of a decile to it (homes
/// outside every area with `none`), and the summary's rows to placed and each reason, placed
/// the total.
fn commute_sums(
    r: usize,
    cells: &BTreeMap<String, (String, f64)>,
    index: &BTreeMap<(usize, String), usize>,
    sums: &mut Vec<(Vec<usize>, usize)>,
) {
    let at = |key: &str| index.get(&(r, key.to_string())).copied();
    let total = at("commute|total").unwrap();
    let rows = |file: &str| -> Vec<(Vec<String>, usize)> {
        let prefix = format!("{file}|");
        cells
            .keys()
            .filter_map(|k| Some((k.strip_prefix(&prefix)?.split('|').map(str::to_string).collect(), at(k)?)))
            .collect()
    };
    for file in ["commute_by_decile.csv", "commute_by_band.csv", "commute_by_staff_group.csv"]
        .into_iter()
        .chain(["commute_by_site.csv", "commute_by_distance.csv"])
    {
        sums.push((rows(file).into_iter().map(|(_, i)| i).collect(), total));
    }
    let cross = rows("commute_by_decile_band.csv");
    for (label, whole) in rows("commute_by_decile.csv") {
        let parts = cross.iter().filter(|(l, _)| l[0] == label[0]).map(|(_, i)| *i).collect();
        sums.push((parts, whole));
        let areas = rows("commute_by_area.csv");
        sums.push((areas.iter().filter(|(l, _)| l[1] == label[0]).map(|(_, i)| *i).collect(), whole));
    }
    for (label, whole) in rows("commute_by_band.csv") {
        sums.push((cross.iter().filter(|(l, _)| l[1] == label[0]).map(|(_, i)| *i).collect(), whole));
    }
    let summary = rows("summary");
    let (placed, line) = (at("summary|placed").unwrap(), at("summary|rows").unwrap());
    sums.push((summary.iter().map(|(_, i)| *i).filter(|i| *i != line).collect(), line));
    sums.push((vec![total], placed));
}

/// An independent attacker on the commute tables and summaries of the pool and the partners: each
/// published count within what its publication allows, each run's sums ([`commute_sums`]), each
/// pooled count the sum of the partners' same count. No hidden small count may narrow below 6
/// values, no other hidden or rounded one to one.
fn independent_commute_attack(pool: &BTreeMap<String, (String, f64)>, each: &[BTreeMap<String, (String, f64)>]) {
    let runs: Vec<&BTreeMap<String, (String, f64)>> = std::iter::once(pool).chain(each.iter()).collect();
    let (vars, index, mut sums) = attacker_system(&runs, false);
    for (r, cells) in runs.iter().enumerate() {
        commute_sums(r, cells, &index, &mut sums);
    }
    // The attacker's system holds: every sum adds up with the exact counts.
    for (parts, whole) in &sums {
        let total: f64 = parts.iter().map(|p| vars[*p].2).sum();
        assert_eq!(total, vars[*whole].2, "a sum the attacker uses does not hold: {parts:?} -> {whole}");
    }
    let areas: BTreeSet<usize> =
        index.iter().filter(|((_, key), _)| key.starts_with("commute_by_area.csv|")).map(|(_, i)| *i).collect();
    let mut exposed = Vec::new();
    let (mut checked, mut hidden) = (0, 0);
    for (i, (low, high, exact)) in vars.iter().enumerate() {
        if low == high || (*high < 1e5 && i % 3 != 0) || (areas.contains(&i) && i % 4 != 0) {
            continue; // zeros are public; rounded cells (every third) and areas (every fourth) sampled for time
        }
        checked += 1;
        hidden += usize::from(*high >= 1e5);
        let (min, max) = lp_range(&vars, &sums, i);
        let values = (max + 1e-6).floor() - (min - 1e-6).ceil() + 1.0;
        let needed = if *high >= 1e5 && (1.0..8.0).contains(exact) { 6.0 } else { 2.0 };
        if values < needed {
            exposed.push(format!("cell {i} (exact {exact}): {min}..{max}"));
        }
    }
    eprintln!(
        "independent attack on the network's commute: {} cells, {} sums, {checked} checked ({hidden} hidden)",
        vars.len(),
        sums.len()
    );
    assert!(checked > 50 && hidden > 5, "{checked} checked, {hidden} hidden");
    assert!(exposed.is_empty(), "the attacker narrows {} commute cells: {exposed:?}", exposed.len());
}

#[test]
fn network_commute_pool_is_the_sum_of_exact_partner_counts_and_an_attacker_recovers_no_partner_cell() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (employers, sites) = commute_inputs(&reference, dir.path(), 6_000);
    let out = dir.path().join("network");
    let sites = sites.to_str().unwrap();
    network_run(&reference, &employers, &out, &["--sites", sites, "--commute", "--days-on-site", "3", "--quiet"]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    let partners = summary["partners"].as_array().unwrap();
    for p in std::iter::once(&summary["pool"]).chain(partners) {
        assert!(p["commute"]["tco2e"].as_f64().is_some_and(|t| t > 0.0), "{p}");
    }
    let folders: Vec<PathBuf> = partners.iter().map(|p| out.join(p["folder"].as_str().unwrap())).collect();
    let pool = commute_cells(&out.join("all-employers"));
    let each: Vec<BTreeMap<String, (String, f64)>> = folders.iter().map(|f| commute_cells(f)).collect();
    // Every pooled commute count is the sum of the partners' exact counts, before any rounding.
    assert_pool_is_the_sum(&pool, &each);
    assert!(pool.keys().filter(|k| k.starts_with("commute_by_area.csv|")).count() > 100, "areas to compare");
    // The partners without a site column work at the employers file's site; the first at all three.
    let sites_of = |cells: &BTreeMap<String, (String, f64)>| -> BTreeSet<String> {
        cells.keys().filter_map(|k| k.strip_prefix("commute_by_site.csv|")).map(str::to_string).collect()
    };
    assert_eq!(sites_of(&each[0]), BTreeSet::from(["ALX", "KTC", "WRH"].map(String::from)));
    assert_eq!(sites_of(&each[1]), BTreeSet::from(["WRH".to_string()]));
    assert_eq!(sites_of(&each[2]), BTreeSet::from(["KTC".to_string()]));
    // The gathered tables: an employer column, the pool's rows first, every partner named.
    for file in COMMUTE_TABLES {
        let (headers, rows) = read_csv(&out.join(file));
        assert_eq!(headers[0], "employer", "{file}");
        assert_eq!(rows[0][0], "All employers", "{file}");
        let named: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(named.len(), 4, "{file}: {named:?}");
    }
    // The project's attacker over the gaps, funnel and commute tables finds the system protected,
    // every staff count of every folder's commute tables and summary read; an independent one over
    // every commute table and summary of the run recovers no cell either.
    let (code, audit, seconds) = audit_json(&[&out], &dir.path().join("audit.json"));
    assert_eq!((code, &audit["protected"]), (Some(0), &serde_json::json!(true)), "{}", audit["summary"]);
    let read: usize = std::iter::once(out.join("all-employers")).chain(folders).map(|f| commute_staff_cells(&f)).sum();
    assert_eq!(audit["commute_cells"], read, "{}", audit["summary"]);
    assert!(read > 4 * 100, "{read} commute cells");
    assert_eq!(audit["commute_cells_exposed"], 0);
    for run in audit["runs"].as_array().unwrap() {
        assert_eq!(run["notes"], serde_json::json!([]), "every table read, every sum held by the exact counts");
    }
    eprintln!("audit of the network's folders with their commute tables: {read} commute cells, {seconds:.1} s");
    independent_commute_attack(&pool, &each);
}

/// Today's practice for staff travel: each partner runs `commute` alone and the pooled staff are
/// run again. Each run alone is protected and audited (a `commute` folder read, not refused, its
/// staff counts those of its files); together, as the network's partners and pool, a partner's
/// hidden commute cell is the pool's less the others'.
#[test]
fn partners_commutes_published_each_on_its_own_beside_a_pool_are_exposed_in_the_commute_tables() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (_, sites) = commute_inputs(&reference, dir.path(), 3_000);
    let alone = dir.path().join("alone");
    let mut pooled = String::new();
    let mut runs = Vec::new();
    for (k, site) in ["", "WRH", "KTC"].iter().enumerate() {
        // Every partner's staff with their site column (the first partner's has one already).
        let text = std::fs::read_to_string(dir.path().join(format!("partner{k}.csv"))).unwrap();
        let (header, rows) = text.split_once('\n').unwrap();
        let with_site = |line: &str| if site.is_empty() { line.to_string() } else { format!("{line},{site}") };
        let header = if site.is_empty() { header.to_string() } else { format!("{header},site_code") };
        if k == 0 {
            pooled.push_str(&format!("{header}\n"));
        }
        let rows: String = rows.lines().map(|l| with_site(l) + "\n").collect();
        pooled.push_str(&rows);
        let staff = dir.path().join(format!("partner{k}_sited.csv"));
        std::fs::write(&staff, format!("{header}\n{rows}")).unwrap();
        runs.push((staff, alone.join(format!("employers/{k}"))));
    }
    std::fs::write(dir.path().join("pooled.csv"), pooled).unwrap();
    runs.insert(0, (dir.path().join("pooled.csv"), alone.join("all-employers")));
    for (staff, out) in &runs {
        let mut args: Vec<std::ffi::OsString> = vec!["commute".into(), "--staff".into(), staff.into()];
        for (flag, name) in [
            ("--postcodes", "codepo_gb.zip"),
            ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
            ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
            ("--msoa-lookup", "lsoa21_to_msoa21.csv"),
        ] {
            args.extend([flag.into(), reference.join(name).into_os_string()]);
        }
        args.extend(["--sites".into(), sites.clone().into(), "--days-on-site".into(), "3".into()]);
        args.extend(["--round-to", "1", "--quiet", "--out"].map(Into::into));
        args.push(out.into());
        anchormap_ok(args);
    }
    // The pool's commute run alone: read (not refused as no gaps run), every staff count of its
    // files a cell (its MSOAs too, each the sum of its areas), none recovered.
    let pool = &runs[0].1;
    assert!(pool.join("not-for-publication/commute_by_msoa.csv").is_file(), "the MSOAs' exact twin");
    let (code, audit, seconds) = audit_json(&[pool], &dir.path().join("pool.json"));
    assert_eq!((code, &audit["protected"]), (Some(0), &serde_json::json!(true)), "{}", audit["summary"]);
    assert_eq!(audit["runs"][0]["analysis"], "commute");
    assert_eq!(audit["commute_cells"], commute_staff_cells(pool), "{}", audit["summary"]);
    assert_eq!(audit["runs"][0]["notes"], serde_json::json!([]), "every table read, every sum held");
    assert!(audit["commute_cells"].as_u64().unwrap() > 100, "{}", audit["commute_cells"]);
    eprintln!("audit of one commute run: {} commute cells, {seconds:.1} s", audit["commute_cells"]);
    // Side by side as a network's folders: a partner's hidden cell recovered.
    let partner =
        |k: usize| serde_json::json!({"employer": format!("Partner {k}"), "folder": format!("employers/{k}")});
    let summary = serde_json::json!({"pool": {"employer": "All employers", "folder": "all-employers"},
        "partners": [partner(0), partner(1), partner(2)]});
    std::fs::write(alone.join("network_summary.json"), summary.to_string()).unwrap();
    let (code, audit, seconds) = audit_json(&[&alone], &dir.path().join("audit.json"));
    assert_eq!(code, Some(1), "{}", audit["summary"]);
    let read: usize = runs.iter().map(|(_, f)| commute_staff_cells(f)).sum();
    assert_eq!(audit["commute_cells"], read);
    let exposed = audit["exposed"].as_array().unwrap();
    let hidden_in_commute: Vec<&serde_json::Value> = exposed
        .iter()
        .filter(|e| e["file"].as_str().unwrap().starts_with("commute_") && e["cell"] == "hidden")
        .filter(|e| e["run"].as_str().unwrap().contains("employers/"))
        .collect();
    assert!(!hidden_in_commute.is_empty(), "no partner's hidden commute cell recovered: {}", audit["summary"]);
    assert_eq!(audit["commute_cells_exposed"], exposed.len(), "only commute tables in these folders");
    eprintln!("audit of 4 commute runs side by side: {read} commute cells, {} exposed, {seconds:.1} s", exposed.len());
}

#[test]
fn a_partner_without_a_site_column_works_at_its_employers_file_site_or_the_run_stops_naming_it() {
    let dir = temp_dir();
    // The council's staff without their site column.
    let (headers, rows) = read_csv(&sample(DEMO_PARTNERS[2]));
    let keep: Vec<usize> = (0..headers.len()).filter(|i| headers[*i] != "site_code").collect();
    let line = |r: &[String]| keep.iter().map(|i| r[*i].clone()).collect::<Vec<_>>().join(",");
    let mut text = line(&headers) + "\n";
    rows.iter().for_each(|r| text.push_str(&(line(r) + "\n")));
    let council = dir.path().join("council.csv");
    std::fs::write(&council, text).unwrap();
    let employers = |site: &str| {
        let list = dir.path().join("employers.csv");
        let (p0, p1) = (sample(DEMO_PARTNERS[0]), sample(DEMO_PARTNERS[1]));
        let text = format!(
            "employer,file,site\nPartner 0,{},\nPartner 1,{},\nPartner 2,{},{site}\n",
            p0.display(),
            p1.display(),
            council.display()
        );
        std::fs::write(&list, text).unwrap();
        list
    };
    let run = |list: PathBuf, out: &Path| {
        let mut args: Vec<std::ffi::OsString> = vec!["network".into(), "--employers".into(), list.into()];
        args.extend(demo_region_args());
        args.extend(["--sites".into(), sample("data/demo/anchorshire_fictional_sites.csv").into()]);
        args.extend(["--commute".into(), "--out".into(), out.into()]);
        args
    };
    // No site column and no site named for it: the run stops naming the partner and its file.
    let line = anchormap_err(run(employers(""), &dir.path().join("refused")));
    assert!(line.contains("Partner 2") && line.contains("council.csv") && line.contains("site column"), "{line}");
    assert!(!dir.path().join("refused").exists());
    // A site the sites file lacks: the run stops naming it.
    let line = anchormap_err(run(employers("NOPE"), &dir.path().join("refused")));
    assert!(line.contains("Partner 2") && line.contains("NOPE"), "{line}");
    // Its site in the employers file: every one of its staff placed works there.
    let out = dir.path().join("network");
    anchormap_ok(run(employers("SM01"), &out));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    let council = out.join(summary["partners"][2]["folder"].as_str().unwrap());
    let (_, site_rows) = read_csv(&council.join("commute_by_site.csv"));
    let codes: Vec<&str> = site_rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(codes, ["SM01", "total"]);
    let pool = commute_cells(&out.join("all-employers"));
    let each: Vec<_> =
        (0..3).map(|k| commute_cells(&out.join(summary["partners"][k]["folder"].as_str().unwrap()))).collect();
    assert_pool_is_the_sum(&pool, &each);
    assert_eq!(pool["summary|rows"].1, (rows.len() + 6400 + 1900) as f64, "the pool's rows are every partner's");
}

/// Text as the report's template writes it (minijinja escapes `'` and `/` in HTML).
fn as_in_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('\'', "&#x27;").replace('/', "&#x2f;")
}

/// Issue 31: a network run with `--commute` reports its pool's staff travel to work, titled as the
/// network's pooled staff, every figure a published cell of the pool's commute summary and tables
/// (`*` where hidden), its headline in the executive summary.
#[test]
fn issue_31_the_network_report_shows_the_pools_staff_travel_from_its_published_cells() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (employers, sites) = commute_inputs(&reference, dir.path(), 3_000);
    let out = dir.path().join("network");
    let sites = sites.to_str().unwrap();
    let scenarios = ["--shift-short-car-trips", "0.2", "--extra-home-day"];
    let travel = ["--sites", sites, "--commute", "--days-on-site", "3", "--quiet"];
    network_run(&reference, &employers, &out, &[&travel[..], &scenarios[..]].concat());
    let pool = out.join("all-employers");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pool.join("commute_summary.json")).unwrap()).unwrap();
    let html = report_of(&out);
    let section = &html[html.find("<section id=\"commute\">").expect("the pool's travel section")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(&as_in_html("How the network's staff get to work: all partners' staff pooled")));
    assert!(!section.contains("our staff") && !section.contains("Our staff"), "one trust's words: {section}");
    // The headline: the pool's published total and range, in the section and the executive summary.
    let kg = |v: &serde_json::Value| anchormap::io::format::mass(v.as_f64().unwrap());
    let headline = format!(
        "Journeys to work by the network's staff (all 3 partners' staff pooled) come to {} CO2e a year (somewhere between {} and {},",
        kg(&summary["kgco2e_total"]),
        kg(&summary["kgco2e_range"]["low"]),
        kg(&summary["kgco2e_range"]["high"])
    );
    assert!(section.contains(&as_in_html(&headline)), "{headline}\n{section}");
    let executive = &html[html.find("id=\"summary\"").unwrap()..html.find("id=\"network\"").unwrap()];
    assert!(executive.contains(&as_in_html(&headline)), "{executive}");
    let whose =
        "The figures are the network's, all 3 partners' staff pooled (All employers), unless a partner is named.";
    assert!(executive.contains(&as_in_html(whose)), "the summary says whose figures it gives: {executive}");
    // The network's summary gives the pool the same published tonnes.
    let network: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("network_summary.json")).unwrap()).unwrap();
    assert_eq!(network["pool"]["commute"]["tco2e"], summary["tco2e_total"]);
    let placed = summary["staff_placed"].as_f64().map_or("*".into(), |n| anchormap::io::format::thousands(n as u64));
    assert!(section.contains(&format!("<strong>{placed}</strong> staff whose journey to work is counted")));
    // Every decile and band group row shows the pool's published staff cell, `*` as `*`.
    let mut shown = 0;
    for file in ["commute_by_decile.csv", "commute_by_band.csv"] {
        let (headers, rows) = read_csv(&pool.join(file));
        let staff = headers.iter().position(|h| h == "staff").unwrap();
        for row in rows.iter().filter(|r| r[staff] != "0") {
            let cell = match row[staff].parse::<f64>() {
                Ok(n) => anchormap::io::format::thousands(n as u64),
                Err(_) => row[staff].clone(),
            };
            let expected = format!("<th scope=\"row\">{}</th><td>{cell}</td>", as_in_html(&row[0]));
            assert!(section.contains(&expected), "{file}: {expected}\n{section}");
            shown += 1;
        }
    }
    assert!(shown >= 12, "{shown} rows");
    eprintln!("the network report's pooled travel: {headline} ({placed} staff placed, {shown} rows checked)");
    // The scenarios' savings the pool's summary publishes, said of the network.
    let saved = |key: &str| anchormap::io::format::mass(summary["scenarios"][key].as_f64().unwrap());
    let says =
        format!("walked or cycled instead, the network would save {} CO2e a year", saved("modal_shift_kgco2e_saved"));
    assert!(section.contains(&says), "{says}\n{section}");
    let says = format!("non-clinical roles would save {} CO2e a year", saved("extra_home_day_kgco2e_saved"));
    assert!(section.contains(&says), "{says}\n{section}");
}
