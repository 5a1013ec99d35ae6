//! The disclosure attacks of METHOD.md's threat model, run on national data: an attacker holding
//! every published file of a run and all public data (Code-Point Open, boundaries, the site list)
//! must recover no suppressed count, no patient's postcode, and no exact count behind a rounded one.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::Path;

use crate::util::*;

const CIRCUITY: f64 = 1.3;

/// A public postcode as the attacker (and the test) sees it: its point and its area.
#[derive(Clone)]
struct PublicPostcode {
    postcode: String,
    area: String,
    /// Patient km of one return trip to the site, by the published method (straight line × circuity × 2).
    trip_km: f64,
}

/// Deterministic pseudo-random numbers (no dependency; the same stream on every platform).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Code-Point Open postcodes of some postcode areas, with coordinates (public data).
fn code_point(reference: &Path, areas: &[&str]) -> Vec<(String, f64, f64)> {
    let file = std::fs::File::open(reference.join("codepo_gb.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    for area in areas {
        let mut text = String::new();
        zip.by_name(&format!("Data/CSV/{area}.csv")).unwrap().read_to_string(&mut text).unwrap();
        for line in text.lines() {
            let fields: Vec<&str> = line.split(',').map(|f| f.trim_matches('"')).collect();
            let (e, n): (f64, f64) = (fields[2].parse().unwrap(), fields[3].parse().unwrap());
            if fields[1] != "90" && e > 0.0 {
                out.push((fields[0].to_string(), e, n));
            }
        }
    }
    out
}

/// The attacker's table: each public postcode's area (by running the public boundaries through
/// anchormap geocode, as anyone can) and its trip to the site.
fn public_postcodes(reference: &Path, dir: &Path, site: (f64, f64), areas: &[&str]) -> Vec<PublicPostcode> {
    let points = code_point(reference, areas);
    let list = dir.join("public_postcodes.csv");
    let mut f = std::fs::File::create(&list).unwrap();
    writeln!(f, "postcode").unwrap();
    for (p, _, _) in &points {
        writeln!(f, "{p}").unwrap();
    }
    drop(f);
    let out = dir.join("public_geocoded.csv");
    anchormap_ok([
        "geocode".as_ref(),
        list.as_os_str(),
        "--postcodes".as_ref(),
        reference.join("codepo_gb.zip").as_os_str(),
        "--boundaries".as_ref(),
        reference.join("LSOA_2011_EW_BSC.geojson").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    let (headers, rows) = read_csv(&out);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (pc, area, e, n) = (col("postcode"), col("area_code"), col("easting"), col("northing"));
    rows.iter()
        .filter(|r| !r[area].is_empty())
        .map(|r| {
            let (x, y): (f64, f64) = (r[e].parse().unwrap(), r[n].parse().unwrap());
            PublicPostcode {
                postcode: r[pc].clone(),
                area: r[area].clone(),
                trip_km: (x - site.0).hypot(y - site.1) / 1000.0 * CIRCUITY * 2.0,
            }
        })
        .collect()
}

fn emissions_run(
    reference: &Path,
    dir: &Path,
    appointments: &Path,
    sites: &Path,
    extra: &[&str],
) -> std::path::PathBuf {
    let out = dir.join(format!("emissions{}", extra.join("")));
    let mut args: Vec<std::ffi::OsString> = vec![
        "emissions".into(),
        "--appointments".into(),
        appointments.into(),
        "--sites".into(),
        sites.into(),
        "--postcodes".into(),
        reference.join("codepo_gb.zip").into(),
        "--boundaries".into(),
        reference.join("LSOA_2011_EW_BSC.geojson").into(),
        "--deprivation".into(),
        reference.join("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv").into(),
        "--shift-to-virtual".into(),
        "0.25".into(),
        "--out".into(),
        out.clone().into(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|a| a.into()));
    anchormap_ok(args);
    out
}

/// Every count an attacker can subtract along must not leave a lone `*`; derived figures follow
/// their counts. Returns the number of violations found in a decile/area table pair.
fn lone_hidden_members(groups: &BTreeMap<String, (String, Vec<String>)>) -> usize {
    // groups: decile -> (the decile's published count, its areas' published counts)
    groups
        .values()
        .filter(|(whole, parts)| {
            let hidden = parts.iter().filter(|p| *p == "*").count() + usize::from(whole == "*");
            hidden == 1
        })
        .count()
}

/// 4,000 patients from real Worcester postcodes at one real site; the review's attacks.
#[test]
fn published_emissions_give_back_no_count_and_no_postcode() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let site = (387714.0, 254789.0); // Worcestershire Royal Hospital, from the public site list
    let sites = dir.path().join("sites.csv");
    std::fs::write(&sites, "site_code,site_name,easting,northing\nWR,Worcestershire Royal Hospital,387714,254789\n")
        .unwrap();
    let public = public_postcodes(&reference, dir.path(), site, &["wr"]);
    assert!(public.len() > 5_000, "Worcester has thousands of postcodes");

    // The trust's real patients (known to the test only): 4,000 appointments, each a random postcode.
    let mut rng = Lcg(20261129);
    let mut truth: HashMap<String, Vec<f64>> = HashMap::new(); // area -> trip km of each face-to-face patient
    let appointments = dir.path().join("appointments.csv");
    let mut f = std::fs::File::create(&appointments).unwrap();
    writeln!(f, "patient_postcode,site_code,consultation_medium,first_follow_up").unwrap();
    for i in 0..4_000 {
        let p = &public[rng.below(public.len())];
        let virtual_ = i % 10 == 0;
        writeln!(
            f,
            "{},WR,{},{}",
            p.postcode,
            if virtual_ { "video" } else { "face_to_face" },
            if i % 3 == 0 { "first" } else { "follow-up" }
        )
        .unwrap();
        if !virtual_ {
            truth.entry(p.area.clone()).or_default().push(p.trip_km);
        }
    }
    drop(f);
    let mut by_area: HashMap<&str, Vec<&PublicPostcode>> = HashMap::new();
    for p in &public {
        by_area.entry(p.area.as_str()).or_default().push(p);
    }

    let out = emissions_run(&reference, dir.path(), &appointments, &sites, &[]);
    let (headers, rows) = read_csv(&out.join("emissions_by_area.csv"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let derived = [
        "patient_km",
        "kgco2e",
        "kgco2e_per_appointment",
        "kgco2e_per_face_to_face",
        "scenario_appointments_shifted",
        "scenario_patient_km_saved",
        "scenario_kgco2e_saved",
        "scenario_cost_saved_gbp",
        "scenario_hours_saved",
        "kgco2e_per_1000_population",
    ];
    let (mut suppressed, mut rounded, mut recovered, mut reidentified, mut old_recovered) = (0, 0, 0, 0, 0);
    for row in rows.iter().filter(|r| !r[col("area_code")].is_empty()) {
        let area = row[col("area_code")].as_str();
        let km_each = truth.get(area).cloned().unwrap_or_default();
        let exact = km_each.len();
        let candidates = &by_area[area];
        let (min, max) = candidates.iter().fold((f64::MAX, 0.0f64), |(a, b), p| (a.min(p.trip_km), b.max(p.trip_km)));
        // What the previous release published: exact km for every row. The attack on it must work,
        // or this test proves nothing.
        let exact_km = (km_each.iter().sum::<f64>() * 10.0).round() / 10.0;
        let feasible = |km: f64, n: usize| n as f64 * min - 0.05 <= km && km <= n as f64 * max + 0.05;
        let old_candidates: Vec<usize> = (1..=exact + 2).filter(|n| feasible(exact_km, *n)).collect();
        if exact > 0 && old_candidates == [exact] && exact % 5 != 0 {
            old_recovered += 1;
        }
        if row[col("virtual")] == "*" {
            assert_eq!(
                row[col("kgco2e_avoided")],
                "*",
                "{area}: kg avoided by virtual appointments published: {row:?}"
            );
            assert_eq!(row[col("appointments")], "*", "{area}: appointments minus face to face would give virtual");
        }
        if row[col("face_to_face")] == "*" {
            suppressed += 1;
            for d in derived {
                assert_eq!(row[col(d)], "*", "{area}: {d} is published while its count is suppressed: {row:?}");
            }
            // One patient: does exactly one public postcode give the published km? Nothing is published.
            if exact == 1 {
                let km: Option<f64> = row[col("patient_km")].parse().ok();
                let matches = km.map_or(0, |km| candidates.iter().filter(|p| (p.trip_km - km).abs() < 0.05).count());
                reidentified += usize::from(matches == 1);
            }
            continue;
        }
        rounded += 1;
        let published: usize = row[col("face_to_face")].parse().unwrap();
        let km: f64 = row[col("patient_km")].parse().unwrap();
        // The naive attack: which counts near the published one could give this km from this area's postcodes?
        let possible: Vec<usize> =
            (published.saturating_sub(2)..=published + 2).filter(|n| *n > 0 && feasible(km, *n)).collect();
        // Recovered beyond the rule: the attack pins one count, it is the true one, and the table did not already say so.
        if possible.len() == 1 && possible[0] == exact && exact != published {
            recovered += 1;
        }
    }
    eprintln!(
        "attack on {} areas: {suppressed} suppressed ({reidentified} postcodes re-identified), {rounded} rounded \
         ({recovered} exact counts recovered); on exact km as published before: {old_recovered} recovered",
        suppressed + rounded
    );
    assert!(suppressed > 10 && rounded > 100, "the run has both kinds of cell");
    assert!(old_recovered > rounded / 10, "the attack works on exact figures ({old_recovered})");
    assert_eq!(reidentified, 0);
    assert!(recovered as f64 <= 0.05 * rounded as f64, "{recovered} of {rounded} rounded cells recovered");

    // Differencing with exact counts (--round-to 1): no decile, site or total gives back a lone hidden area.
    let out = emissions_run(&reference, dir.path(), &appointments, &sites, &["--round-to=1"]);
    let (headers, rows) = read_csv(&out.join("emissions_by_area.csv"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (dh, drows) = read_csv(&out.join("emissions_by_decile.csv"));
    let dcol = |name: &str| dh.iter().position(|h| h == name).unwrap();
    let mut groups: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for r in &drows {
        let decile = &r[dcol("imd_decile")];
        if decile != "total" {
            groups.insert(decile.clone(), (r[dcol("appointments")].clone(), Vec::new()));
        }
    }
    for r in &rows {
        let decile = if r[col("imd_decile")].is_empty() { "none".to_string() } else { r[col("imd_decile")].clone() };
        groups.get_mut(&decile).unwrap().1.push(r[col("appointments")].clone());
    }
    let mut whole = BTreeMap::new();
    whole.insert(
        "total".to_string(),
        (
            drows.iter().find(|r| r[dcol("imd_decile")] == "total").unwrap()[dcol("appointments")].clone(),
            drows
                .iter()
                .filter(|r| r[dcol("imd_decile")] != "total")
                .map(|r| r[dcol("appointments")].clone())
                .collect(),
        ),
    );
    assert_eq!(lone_hidden_members(&groups), 0, "a decile minus its published areas gives back a hidden one");
    assert_eq!(lone_hidden_members(&whole), 0, "the total minus the published deciles gives back a hidden one");
    assert!(groups.values().any(|(_, parts)| parts.iter().any(|p| p == "*")), "some areas are suppressed");

    // The published summary follows the rule; exact counts are only in the internal file.
    for run in [dir.path().join("emissions"), out] {
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(run.join("emissions_summary.json")).unwrap()).unwrap();
        let text = summary.to_string();
        for key in
            ["patients_outside_the_boundaries", "rows_with_invalid_count", "patients_located_by", "mode_not_recorded"]
        {
            assert!(!text.contains(key), "{key} is in the published summary");
        }
        assert!(run.join("not-for-publication/emissions_summary_exact.json").is_file());
    }
}

/// The review's differencing attacks on `gaps` with exact counts (--round-to 1): quintile minus
/// decile, decile minus its areas, a band's total minus its deciles, the summary's counts.
#[test]
fn published_gaps_give_back_no_hidden_count() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let points = code_point(&reference, &["wr", "hr"]);
    let mut rng = Lcg(7);
    let staff = dir.path().join("staff.csv");
    let mut f = std::fs::File::create(&staff).unwrap();
    writeln!(f, "home_postcode,band").unwrap();
    let bands = ["Band 2", "Band 3", "Band 5", "Band 6", "Band 8a", "Medical"];
    for _ in 0..3_000 {
        writeln!(f, "{},{}", points[rng.below(points.len())].0, bands[rng.below(bands.len())]).unwrap();
    }
    writeln!(f, "ZZ99 3VZ,Band 2").unwrap(); // one unknown postcode: a small count in the summary
    drop(f);
    let out = dir.path().join("gaps");
    anchormap_ok([
        "gaps".as_ref(),
        "--staff".as_ref(),
        staff.as_os_str(),
        "--postcodes".as_ref(),
        reference.join("codepo_gb.zip").as_os_str(),
        "--boundaries".as_ref(),
        reference.join("LSOA_2011_EW_BSC.geojson").as_os_str(),
        "--deprivation".as_ref(),
        reference.join("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv").as_os_str(),
        "--population".as_ref(),
        reference.join("File_6_-_IoD2019_Population_Denominators.csv").as_os_str(),
        "--community-lookup".as_ref(),
        reference.join("lsoa11_to_sicbl_icb.csv").as_os_str(),
        "--community-filter".as_ref(),
        "icb_code=E54000019".as_ref(),
        "--by".as_ref(),
        "band".as_ref(),
        "--round-to".as_ref(),
        "1".as_ref(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let (dh, deciles) = read_csv(&out.join("gaps_by_decile.csv"));
    let (_, quintiles) = read_csv(&out.join("gaps_by_quintile.csv"));
    let (ah, areas) = read_csv(&out.join("gaps_by_area.csv"));
    let (bh, bands) = read_csv(&out.join("gaps_by_decile_by_band.csv"));
    let staff_col = dh.iter().position(|h| h == "staff").unwrap();
    let decile = |d: usize| deciles[d - 1][staff_col].clone();
    let mut relations: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    // quintile q = decile 2q-1 + decile 2q
    for q in 1..=5 {
        relations.insert(
            format!("quintile {q}"),
            (quintiles[q - 1][staff_col].clone(), vec![decile(2 * q - 1), decile(2 * q)]),
        );
    }
    // decile d = its community areas
    let (ad, astaff) =
        (ah.iter().position(|h| h == "imd_decile").unwrap(), ah.iter().position(|h| h == "staff").unwrap());
    for d in 1..=10 {
        let parts = areas.iter().filter(|r| r[ad] == d.to_string()).map(|r| r[astaff].clone()).collect();
        relations.insert(format!("decile {d} by area"), (decile(d), parts));
    }
    // each decile = its bands; each band total = its deciles
    let (bband, bclass, bstaff) = (0, 1, bh.iter().position(|h| h == "staff").unwrap());
    for d in 1..=10 {
        let parts = bands.iter().filter(|r| r[bclass] == d.to_string()).map(|r| r[bstaff].clone()).collect();
        relations.insert(format!("decile {d} by band"), (decile(d), parts));
    }
    let band_names: Vec<String> =
        bands.iter().map(|r| r[bband].clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    for band in &band_names {
        let rows: Vec<&Vec<String>> = bands.iter().filter(|r| &r[bband] == band).collect();
        let total = rows.iter().find(|r| r[bclass] == "total").unwrap()[bstaff].clone();
        let parts = rows.iter().filter(|r| r[bclass] != "total").map(|r| r[bstaff].clone()).collect();
        relations.insert(format!("{band} total"), (total, parts));
    }
    let hidden_somewhere = relations.values().filter(|(w, p)| w == "*" || p.iter().any(|c| c == "*")).count();
    eprintln!("gaps --round-to 1: {} relations checked, {hidden_somewhere} with hidden cells", relations.len());
    assert!(hidden_somewhere > 5, "the run has suppressed cells to protect");
    let lone: Vec<&String> = relations
        .iter()
        .filter(|(_, (w, p))| p.iter().filter(|c| *c == "*").count() + usize::from(w == "*") == 1)
        .map(|(k, _)| k)
        .collect();
    assert!(lone.is_empty(), "a published sum gives back a hidden count: {lone:?}");

    // The published summary holds only counts that follow the rule (0, 8 or more, or null).
    let summary_text = std::fs::read_to_string(out.join("gaps_summary.json")).unwrap_or_else(|e| {
        panic!("{e}: {:?}", std::fs::read_dir(&out).map(|d| d.map(|e| e.unwrap().path()).collect::<Vec<_>>()))
    });
    let summary: serde_json::Value = serde_json::from_str(&summary_text).unwrap();
    for (key, value) in summary["staff"]["match"].as_object().unwrap() {
        let ok = value.is_null() || value.as_f64().is_some_and(|v| v == 0.0 || v >= 8.0);
        assert!(ok, "match count {key} = {value} is published");
    }
    assert!(summary["staff"]["match"]["unknown_postcode"].is_null(), "one unknown postcode is suppressed");
    assert!(!summary.to_string().contains("in_community_without_decile"));
}

/// The attacker's system of a gaps run, built from its published files alone: each published cell a
/// variable within what its publication allows, each sum the tables imply an equation.
#[derive(Default)]
struct PublishedSystem {
    /// Each cell's name and range.
    cells: Vec<(String, f64, f64)>,
    index: HashMap<String, usize>,
    /// Parts, then the whole.
    sums: Vec<(Vec<usize>, usize)>,
    /// Each cell's exact count, from the run's `not-for-publication/` twins: only to judge the
    /// attack (a small count must stay as wide as a `*`; any other not be worked back exactly).
    exact: HashMap<String, f64>,
}

impl PublishedSystem {
    /// A published count as the attacker reads it under the default rule (1-7 as `*`, others to the nearest 5).
    fn cell(&mut self, name: String, published: &str) -> usize {
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        let (low, high) = match published {
            "*" => (0.0, 1e5),
            "0" => (0.0, 0.0),
            r => {
                let r: f64 = r.parse().unwrap_or_else(|_| panic!("{name}: {r}"));
                ((r - 2.0).max(8.0), r + 2.0)
            }
        };
        self.cells.push((name.clone(), low, high));
        self.index.insert(name, self.cells.len() - 1);
        self.cells.len() - 1
    }

    /// One class table (`file`'s rows of `group`, or every row): deciles add up to the total, quintiles to the total,
    /// two deciles to their quintile.
    fn class_tables(&mut self, dir: &Path, breakdown: Option<&str>) {
        let suffix = breakdown.map_or(String::new(), |b| format!("_by_{b}"));
        let (dh, deciles) = read_csv(&dir.join(format!("gaps_by_decile{suffix}.csv")));
        let (qh, quintiles) = read_csv(&dir.join(format!("gaps_by_quintile{suffix}.csv")));
        let (dc, ds) =
            (dh.iter().position(|h| h == "imd_decile").unwrap(), dh.iter().position(|h| h == "staff").unwrap());
        let (qc, qs) =
            (qh.iter().position(|h| h == "imd_quintile").unwrap(), qh.iter().position(|h| h == "staff").unwrap());
        let group = |r: &Vec<String>| if breakdown.is_some() { r[0].clone() } else { "all".to_string() };
        // The total row of both tables is one cell.
        let name = |g: String, class: &str, value: &str| {
            if value == "total" {
                format!("{g} total")
            } else {
                format!("{g} {class} {value}")
            }
        };
        for r in &deciles {
            self.cell(name(group(r), "decile", &r[dc]), &r[ds]);
        }
        for r in &quintiles {
            self.cell(name(group(r), "quintile", &r[qc]), &r[qs]);
        }
        let exact = dir.join("not-for-publication");
        let (_, exact_deciles) = read_csv(&exact.join(format!("gaps_by_decile{suffix}.csv")));
        let (_, exact_quintiles) = read_csv(&exact.join(format!("gaps_by_quintile{suffix}.csv")));
        for (rows, class, c, staff) in [(&exact_deciles, "decile", dc, ds), (&exact_quintiles, "quintile", qc, qs)] {
            for r in rows {
                self.exact.insert(name(group(r), class, &r[c]), r[staff].parse().unwrap());
            }
        }
        let groups: std::collections::BTreeSet<String> = deciles.iter().map(group).collect();
        for g in &groups {
            let total = self.index[&format!("{g} total")];
            let d: Vec<usize> = (1..=10).map(|d| self.index[&format!("{g} decile {d}")]).collect();
            let q: Vec<usize> = (1..=5).map(|q| self.index[&format!("{g} quintile {q}")]).collect();
            self.sums.push((d.clone(), total));
            self.sums.push((q.clone(), total));
            for k in 0..5 {
                self.sums.push((vec![d[2 * k], d[2 * k + 1]], q[k]));
            }
        }
        if breakdown.is_some() {
            // The groups of a breakdown add up to everyone, decile by decile and in total.
            for class in (1..=10).map(|d| format!("decile {d}")).chain(["total".to_string()]) {
                let parts = groups.iter().map(|g| self.index[&format!("{g} {class}")]).collect();
                self.sums.push((parts, self.index[&format!("all {class}")]));
            }
        }
    }

    /// The least and greatest value of cell `k` a linear program over every sum allows.
    fn range(&self, k: usize) -> (f64, f64) {
        use microlp::{ComparisonOp, OptimizationDirection, Problem};
        let mut ends = [0.0; 2];
        for (end, direction) in ends.iter_mut().zip([OptimizationDirection::Minimize, OptimizationDirection::Maximize])
        {
            let mut problem = Problem::new(direction);
            let vars: Vec<_> = self
                .cells
                .iter()
                .enumerate()
                .map(|(i, (_, lo, hi))| problem.add_var(f64::from(u8::from(i == k)), (*lo, *hi)))
                .collect();
            for (parts, whole) in &self.sums {
                let mut terms: Vec<_> = parts.iter().map(|&p| (vars[p], 1.0)).collect();
                terms.push((vars[*whole], -1.0));
                problem.add_constraint(&terms[..], ComparisonOp::Eq, 0.0);
            }
            let solution =
                problem.solve().expect("the published tables are consistent").into_solution().expect("solved");
            *end = solution.objective();
        }
        (ends[0], ends[1])
    }
}

#[test]
fn a_solver_with_every_published_table_recovers_no_hidden_and_no_rounded_count() {
    // The attack of issue 25, independent of the tool's own audit: the system is built from the
    // published CSVs alone and each cell's least and greatest value solved with every sum at once.
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let points = code_point(&reference, &["wr", "hr"]);
    let mut rng = Lcg(11);
    let staff = dir.path().join("staff.csv");
    let mut f = std::fs::File::create(&staff).unwrap();
    writeln!(f, "home_postcode,band,staff_group,start_date").unwrap();
    let bands = ["Band 2", "Band 3", "Band 5", "Band 6", "Band 8a", "Medical"];
    let groups = [
        "Nursing and Midwifery Registered",
        "Additional Clinical Services",
        "Medical and Dental",
        "Estates and Ancillary",
    ];
    for _ in 0..2_500 {
        let (postcode, band, group) =
            (&points[rng.below(points.len())].0, bands[rng.below(bands.len())], groups[rng.below(groups.len())]);
        let start = if rng.below(5) == 0 { "2025-01-15" } else { "2015-06-01" };
        writeln!(f, "{postcode},{band},{group},{start}").unwrap();
    }
    drop(f);
    let out = dir.path().join("gaps");
    let file = |name: &str| reference.join(name).into_os_string();
    anchormap_ok([
        "gaps".into(),
        "--staff".into(),
        staff.clone().into_os_string(),
        "--postcodes".into(),
        file("codepo_gb.zip"),
        "--boundaries".into(),
        file("LSOA_2011_EW_BSC.geojson"),
        "--deprivation".into(),
        file("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
        "--population".into(),
        file("File_6_-_IoD2019_Population_Denominators.csv"),
        "--community-lookup".into(),
        file("lsoa11_to_sicbl_icb.csv"),
        "--community-filter".into(),
        "icb_code=E54000019".into(),
        "--by".into(),
        "band".into(),
        "--by".into(),
        "staff-group".into(),
        "--by".into(),
        "starter".into(),
        "--new-starters-since".into(),
        "2024-04-01".into(),
        "--quiet".into(),
        "--out".into(),
        out.clone().into_os_string(),
    ] as [std::ffi::OsString; 26]);
    solver_attack(&out, &["band", "staff_group", "starter"]);
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("disclosure_audit.json")).unwrap()).unwrap();
    assert_eq!(audit["systems"][0]["protected"], true, "{audit}");
}

#[test]
fn a_solver_recovers_no_count_from_the_demo_s_published_tables() {
    // The demo's staff are dense in few areas, with three breakdowns of one total: the tables of
    // rounded counts that the sums pinned before the tool ran the attacker's programs on itself.
    let dir = temp_dir();
    let out = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--quiet".as_ref(), "--out".as_ref(), out.as_os_str()]);
    solver_attack(&out.join("gaps"), &["band", "staff_group", "starter"]);
}

/// Attacks a gaps run's published tables with a solver; fails naming each cell it narrows too far.
fn solver_attack(out: &Path, breakdowns: &[&str]) {
    let mut system = PublishedSystem::default();
    system.class_tables(out, None);
    for breakdown in breakdowns {
        system.class_tables(out, Some(breakdown));
    }
    let (ah, areas) = read_csv(&out.join("gaps_by_area.csv"));
    let (ac, ad, astaff) =
        (0, ah.iter().position(|h| h == "imd_decile").unwrap(), ah.iter().position(|h| h == "staff").unwrap());
    let (_, exact_areas) = read_csv(&out.join("not-for-publication").join("gaps_by_area.csv"));
    for r in &exact_areas {
        system.exact.insert(format!("area {}", r[ac]), r[astaff].parse().unwrap());
    }
    for d in 1..=10 {
        let parts = areas
            .iter()
            .filter(|r| r[ad] == d.to_string())
            .map(|r| system.cell(format!("area {}", r[ac]), &r[astaff]))
            .collect();
        system.sums.push((parts, system.index[&format!("all decile {d}")]));
    }
    let (mut hidden, mut rounded, mut exposed) = (0, 0, Vec::new());
    for (k, (name, low, high)) in system.cells.iter().enumerate() {
        if low == high {
            continue;
        }
        let (min, max) = system.range(k);
        let values = (max + 1e-6).floor() - (min - 1e-6).ceil() + 1.0;
        let is_hidden = *high >= 1e5;
        // A small count hidden (1-7) must stay as wide as the protection width; a count hidden
        // only to protect one, like a rounded count, must not be worked back to one value.
        let small = (1.0..8.0).contains(&system.exact[name]);
        let needed = if is_hidden && small { 6.0 } else { 2.0 };
        if is_hidden {
            hidden += 1
        } else {
            rounded += 1
        }
        if values < needed {
            exposed.push(format!("{name}: {min}..{max}"));
        }
    }
    eprintln!(
        "solver attack: {} cells, {} sums; {hidden} hidden, {rounded} rounded checked",
        system.cells.len(),
        system.sums.len()
    );
    assert!(hidden > 5 && rounded > 100, "the run has hidden and rounded cells to attack");
    assert!(exposed.is_empty(), "the solver narrows {} published cells: {exposed:?}", exposed.len());
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("disclosure_audit.json")).unwrap()).unwrap();
    assert_eq!(audit["systems"][0]["protected"], true, "{audit}");
}
