//! Real-data tests on the national reference data in `../shared/reference` (skipped, loudly, where it is absent).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use anchormap::columns::ColumnMap;
use anchormap::reference::Deprivation;
use anchormap::spatial::wgs84_to_bng;

use crate::util::*;

const BOUNDARIES: &str = "LSOA_2011_EW_BSC.geojson";
pub(crate) const CODE_POINT: &str = "codepo_gb.zip";
const FILE_1: &str = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv";

/// The ONS file gives each LSOA's label point in both WGS84 and BNG: an oracle for the transform.
#[test]
fn wgs84_to_bng_is_within_5_m_on_every_lsoa() {
    let Some(reference) = reference_dir() else { return };
    let text = std::fs::read_to_string(reference.join(BOUNDARIES)).unwrap();
    let collection: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = collection["features"].as_array().unwrap();
    let mut errors: Vec<f64> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let bng = wgs84_to_bng(p["LONG"].as_f64().unwrap(), p["LAT"].as_f64().unwrap())
                .unwrap_or_else(|| panic!("{} did not project", p["LSOA11CD"]));
            (bng.x - p["BNG_E"].as_f64().unwrap()).hypot(bng.y - p["BNG_N"].as_f64().unwrap())
        })
        .collect();
    errors.sort_by(f64::total_cmp);
    let max = errors[errors.len() - 1];
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    eprintln!("WGS84 -> BNG on {} LSOA label points: mean {mean:.2} m, max {max:.2} m", errors.len());
    assert_eq!(errors.len(), 34_753);
    // LONG/LAT are published to 5 decimals (about 1 m) and BNG to whole metres: ~1.5 m is the floor.
    assert!(max <= 5.0, "max error {max} m");
    assert!(mean <= 1.0, "mean error {mean} m");
}

/// IoD2019 File 1, File 2 and the NHSX scores Parquet (deciles derived from scores) agree on every LSOA.
#[test]
fn deprivation_files_agree_with_each_other() {
    let Some(reference) = reference_dir() else { return };
    let none = ColumnMap::default();
    let file_1 = Deprivation::load(&reference.join(FILE_1), &none).unwrap();
    let file_2 = Deprivation::load(&reference.join("File_2_-_IoD2019_Domains_of_Deprivation.csv"), &none).unwrap();
    let scores = Deprivation::load(&reference.join("IoD2019_scores_nhsx.parquet"), &none).unwrap();
    assert_eq!((file_1.len(), file_2.len(), scores.len()), (32_844, 32_844, 32_844));
    assert_eq!(file_1.edition, "IoD2019");
    let codes = read_column(&reference.join(FILE_1), 0);
    let mut decile_counts = [0usize; 11];
    let (mut rank_off, mut decile_off) = (0, 0);
    let mut sorted_scores: Vec<f64> = codes.iter().map(|c| scores.get(c).unwrap().score.unwrap()).collect();
    sorted_scores.sort_by(f64::total_cmp);
    for code in &codes {
        let a = file_1.get(code).unwrap();
        assert_eq!(Some(a), file_2.get(code), "{code}");
        // The Parquet's scores are rounded to 3 decimals, so tied scores can swap neighbouring
        // ranks: the published rank must lie within its score's tie range.
        let derived = scores.get(code).unwrap();
        let score = derived.score.unwrap();
        let more_deprived = sorted_scores.len() - sorted_scores.partition_point(|s| *s <= score);
        let at_least_as_deprived = sorted_scores.len() - sorted_scores.partition_point(|s| *s < score);
        assert!(
            more_deprived < a.rank as usize && a.rank as usize <= at_least_as_deprived,
            "{code}: rank {} outside its tie range",
            a.rank
        );
        assert!(
            more_deprived < derived.rank as usize && derived.rank as usize <= at_least_as_deprived,
            "{code}: derived rank"
        );
        rank_off += usize::from(derived.rank != a.rank);
        decile_off += usize::from(derived.decile != a.decile);
        decile_counts[a.decile as usize] += 1;
    }
    eprintln!(
        "ranks derived from rounded scores: {rank_off} of {} differ by a tie, {decile_off} deciles differ",
        codes.len()
    );
    assert!(decile_off <= 10, "{decile_off} deciles differ");
    assert_eq!(&decile_counts[1..], &[3284, 3284, 3285, 3284, 3285, 3284, 3284, 3285, 3284, 3285]);
    assert!(file_1.get("W01000001").is_none());
}

/// Every row of the published Code-Point Open zip, read here independently of anchormap,
/// as fields with their quotes removed.
pub(crate) fn for_each_code_point_row(reference: &Path, mut each: impl FnMut(&[&str])) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(reference.join(CODE_POINT)).unwrap()).unwrap();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).unwrap();
        if !entry.name().starts_with("Data/CSV/") {
            continue;
        }
        for line in BufReader::new(entry).lines() {
            let line = line.unwrap();
            let fields: Vec<&str> = line.split(',').map(|s| s.trim_matches('"')).collect();
            each(&fields);
        }
    }
}

fn read_column(path: &Path, index: usize) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(|r| r.unwrap()[index].to_string()).collect()
}

/// Every Code-Point Open postcode, geocoded against the national LSOAs, checked independently.
#[test]
fn every_code_point_postcode_geocodes_consistently() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();

    // The input, built straight from the published zip: postcode, its district and country,
    // and whether Code-Point gives it coordinates.
    let input = dir.path().join("all_postcodes.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    writeln!(out, "postcode,district,country,pq").unwrap();
    let mut published = 0;
    for_each_code_point_row(&reference, |f| {
        writeln!(out, "{},{},{},{}", f[0], f[8], f[4], f[1]).unwrap();
        published += 1;
    });
    drop(out);
    assert_eq!(published, 1_743_449);

    let output = dir.path().join("geocoded.csv");
    let summary = dir.path().join("summary.json");
    anchormap_ok([
        "geocode".as_ref(),
        input.as_os_str(),
        "--postcodes".as_ref(),
        reference.join(CODE_POINT).as_os_str(),
        "--boundaries".as_ref(),
        reference.join(BOUNDARIES).as_os_str(),
        "--deprivation".as_ref(),
        reference.join(FILE_1).as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--summary-json".as_ref(),
        summary.as_os_str(),
    ]);

    // LSOA -> 2019 district, from File 1 (not from anchormap).
    let mut district_of = HashMap::new();
    for r in csv::Reader::from_path(reference.join(FILE_1)).unwrap().records() {
        let r = r.unwrap();
        district_of.insert(r[0].to_string(), r[2].to_string());
    }
    let districts_2019: HashSet<&String> = district_of.values().collect();

    let mut reader = csv::Reader::from_path(&output).unwrap();
    let h: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (c_pc, c_district, c_country, c_pq) = (col("postcode"), col("district"), col("country"), col("pq"));
    let (c_norm, c_area, c_decile, c_match, c_dist) =
        (col("postcode_normalised"), col("area_code"), col("imd_decile"), col("match"), col("distance_m"));
    let (mut rows, mut same_district, mut unchanged_district, mut no_coordinates) = (0, 0, 0, 0);
    let mut nearest_distances = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        rows += 1;
        assert_eq!(&r[c_norm], &r[c_pc], "Code-Point postcodes are already in normal form");
        let (country, status, area) = (&r[c_country], &r[c_match], &r[c_area]);
        if &r[c_pq] == "90" {
            assert_eq!(status, "no_coordinates", "{}", &r[c_pc]);
            no_coordinates += 1;
            continue;
        }
        match country {
            "S92000003" => assert_eq!(status, "outside", "Scottish postcode {} must not be placed", &r[c_pc]),
            "E92000001" | "W92000004" => {
                assert!(status == "within" || status == "nearest", "{} is {status}", &r[c_pc]);
                assert_eq!(&area[..1], &country[..1], "{} placed in another country", &r[c_pc]);
            }
            other => panic!("unexpected country {other}"),
        }
        if status == "nearest" {
            nearest_distances.push(r[c_dist].parse::<f64>().unwrap());
        }
        if area.starts_with('W') {
            assert_eq!(&r[c_decile], "", "no English decile for a Welsh area");
        }
        if area.starts_with('E') {
            assert!(!r[c_decile].is_empty(), "every English LSOA has a decile");
            if districts_2019.contains(&r[c_district].to_string()) {
                unchanged_district += 1;
                same_district += usize::from(district_of[area] == r[c_district]);
            }
        }
    }
    assert_eq!(rows, 1_743_449, "every input row is in the output");
    assert_eq!(no_coordinates, 811);

    // Independent check: the LSOA lies in the postcode's own district, wherever that district's
    // code is unchanged since 2019. Differences are postcodes near district borders, where the
    // super-generalised boundaries cut corners.
    let agreement = same_district as f64 / unchanged_district as f64;
    nearest_distances.sort_by(f64::total_cmp);
    let p99 = nearest_distances[nearest_distances.len() * 99 / 100];
    let max = nearest_distances[nearest_distances.len() - 1];
    eprintln!(
        "district agreement {:.3}% of {unchanged_district}; nearest: {} postcodes, p99 {p99} m, max {max} m",
        agreement * 100.0,
        nearest_distances.len()
    );
    assert!(agreement >= 0.995, "district agreement {agreement}");
    assert!(max <= 700.0 && p99 <= 150.0, "nearest distances p99 {p99} m, max {max} m");

    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(summary["match"]["no_coordinates"], 811);
    assert_eq!(summary["deprivation"]["coverage"]["english_areas_with_deprivation"], 32_844);
    assert!(summary["warnings"].as_array().unwrap().is_empty());
}

/// Code-Point postcodes with coordinates (postcode, easting, northing) within 40 km of a point,
/// drawn with weight exp(-distance / 8 km), deterministic for a given seed.
pub(crate) fn postcodes_near(reference: &Path, site: (f64, f64), n: usize, mut seed: u64) -> Vec<(String, f64, f64)> {
    let mut candidates: Vec<(String, f64, f64)> = Vec::new();
    let mut cumulative = Vec::new();
    let mut total = 0.0;
    for_each_code_point_row(reference, |f| {
        let (e, no): (f64, f64) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        let d = (e - site.0).hypot(no - site.1);
        if f[1] != "90" && d < 40_000.0 {
            candidates.push((f[0].to_string(), e, no));
            total += (-d / 8_000.0).exp();
            cumulative.push(total);
        }
    });
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let u = (seed >> 11) as f64 / (1u64 << 53) as f64 * total;
            candidates[cumulative.partition_point(|c| *c < u).min(candidates.len() - 1)].clone()
        })
        .collect()
}

/// A synthetic workforce around Worcestershire Royal Hospital.
pub(crate) fn synthetic_staff(reference: &Path, dir: &Path, n: usize) -> std::path::PathBuf {
    let mut text = String::from("staff_id,home_postcode,staff_group,band\n");
    let bands = ["Band 2", "3", "4", "5", "6", "7", "8a", "Medical"];
    for (id, (postcode, _, _)) in
        postcodes_near(reference, (387_714.0, 254_789.0), n, 0x9E37_79B9_7F4A_7C15).iter().enumerate()
    {
        text.push_str(&format!("{id},{postcode},Nursing,{}\n", bands[id % bands.len()]));
    }
    let path = dir.join("staff.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// Synthetic appointments around two real hospitals (from the real sites file), checked against
/// an independent calculation from the Code-Point coordinates and the sites' published points.
#[test]
fn emissions_around_real_hospitals_match_an_independent_calculation() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let sites = [("WR", (387_714.0, 254_789.0)), ("AD", (546_375.0, 254_988.0))];
    let modes = ["01", "02", "03", "face_to_face", "video", "telephone"];
    let mut text = String::from("id,patient_postcode,site_code,consultation_medium_used,first_follow_up\n");
    let mut expected_km_f2f = 0.0;
    let mut expected_by_site = [0.0, 0.0];
    let mut expected_km_shifted = 0.0;
    let mut id = 0;
    for (s, (code, point)) in sites.iter().enumerate() {
        for (postcode, e, n) in postcodes_near(&reference, *point, 6_000, 0x2545_F491_4F6C_DD1D + s as u64) {
            let mode = modes[id % modes.len()];
            let follow_up = if id % 4 == 0 { "First" } else { "Follow-up" };
            text.push_str(&format!("{id},{postcode},{code},{mode},{follow_up}\n"));
            if matches!(mode, "01" | "face_to_face") {
                let km = (e - point.0).hypot(n - point.1) / 1000.0 * 1.3 * 2.0;
                expected_km_f2f += km;
                expected_by_site[s] += km;
                if follow_up == "Follow-up" {
                    expected_km_shifted += 0.25 * km;
                }
            }
            id += 1;
        }
    }
    // Rows that cannot be placed: a Scottish postcode (outside every area but located), the NHS pseudo-postcode, a site not in the file.
    text.push_str("90001,EH1 1YZ,WR,01,First\n90002,ZZ99 3VZ,WR,01,First\n90003,WR5 1DD,XX,01,First\n");
    let appointments = dir.path().join("appointments.csv");
    std::fs::write(&appointments, text).unwrap();
    let out = dir.path().join("out");
    let mut args: Vec<std::ffi::OsString> = vec!["emissions".into(), "--appointments".into(), appointments.into()];
    for (flag, file) in [
        ("--sites", "hospital_sites.csv"),
        ("--postcodes", CODE_POINT),
        ("--boundaries", BOUNDARIES),
        ("--deprivation", FILE_1),
        ("--population", "File_6_-_IoD2019_Population_Denominators.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    // Exact counts published (no disclosure rule), so that every figure can be checked by hand.
    args.extend([
        "--shift-to-virtual".into(),
        "0.25".into(),
        "--min-count".into(),
        "0".into(),
        "--round-to".into(),
        "1".into(),
        "--out".into(),
        out.clone().into_os_string(),
        "-q".into(),
    ]);
    anchormap_ok(args);
    let read = |path: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let s = read(out.join("emissions_summary.json"));
    let exact = read(out.join("not-for-publication/emissions_summary_exact.json"));
    assert_eq!(exact["rows"], 12_003);
    assert_eq!(s["appointments_placed"], 12_001.0, "the Scottish patient is placed (outside the boundaries)");
    assert_eq!(s["unplaced_by_reason"], serde_json::json!({"unknown_postcode": 1.0, "unknown_site": 1.0}));
    assert_eq!(exact["patients_outside_the_boundaries"], 1.0);
    let blended = 0.88 * 0.16725 + 0.03 * 0.10385 + 0.08 * 0.03546;
    let edinburgh_km = (325_900.0f64 - 387_714.0).hypot(673_900.0 - 254_789.0) / 1000.0 * 2.6; // about, checked loosely below
    let km = s["patient_km_total"].as_f64().unwrap();
    assert!((km - expected_km_f2f - edinburgh_km).abs() < 5.0, "{km} vs {}", expected_km_f2f + edinburgh_km);
    let kg = s["kgco2e_total"].as_f64().unwrap();
    assert!((kg - km * blended).abs() < 0.01, "{kg} vs {}", km * blended);
    let (headers, rows) = read_csv(&out.join("emissions_by_site.csv"));
    let km_col = headers.iter().position(|h| h == "patient_km").unwrap();
    let ad: f64 = rows.iter().find(|r| r[0] == "AD").unwrap()[km_col].parse().unwrap();
    assert!((ad - expected_by_site[1]).abs() < 0.1, "AD {ad} vs {}", expected_by_site[1]);
    // The by-decile table reconciles with the total and puts the Scottish patient under "none".
    let (headers, rows) = read_csv(&out.join("emissions_by_decile.csv"));
    let kg_col = headers.iter().position(|h| h == "kgco2e").unwrap();
    let sum: f64 = rows.iter().filter(|r| r[0] != "total").map(|r| r[kg_col].parse::<f64>().unwrap()).sum();
    assert!((sum - kg).abs() < 0.01);
    // Scenario: a quarter of face-to-face follow-ups.
    let saved = s["scenario_kgco2e_saved"].as_f64().unwrap();
    assert!((saved - expected_km_shifted * blended).abs() < 0.01, "{saved} vs {}", expected_km_shifted * blended);
    for entry in published_files(&out) {
        let text = published_text(&entry);
        assert!(!text.contains("WR5 1DD") && !text.contains("EH1 1YZ"), "a patient postcode in an output");
    }
}

#[test]
fn gaps_for_an_icb_match_an_independent_calculation() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = synthetic_staff(&reference, dir.path(), 5_000);
    let reference_args = |extra: &[&str]| -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec![
            "--postcodes".into(),
            reference.join(CODE_POINT).into(),
            "--boundaries".into(),
            reference.join(BOUNDARIES).into(),
            "--deprivation".into(),
            reference.join(FILE_1).into(),
        ];
        args.extend(extra.iter().map(|s| s.into()));
        args
    };

    // Where each staff member lives, from geocode (itself checked above against districts).
    let geocoded = dir.path().join("geocoded.csv");
    let mut args: Vec<std::ffi::OsString> =
        vec!["geocode".into(), staff.clone().into(), "-o".into(), geocoded.clone().into()];
    args.extend(reference_args(&[]));
    anchormap_ok(args);

    // The independent calculation: ICB membership, deciles and working-age population read here.
    let icb: HashSet<String> = csv::Reader::from_path(reference.join("lsoa11_to_sicbl_icb.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[4] == "E54000019")
        .map(|r| r[0].to_string())
        .collect();
    let decile_of: HashMap<String, usize> = csv::Reader::from_path(reference.join(FILE_1))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[5].parse().unwrap()))
        .collect();
    let mut population = [0.0f64; 11];
    for r in csv::Reader::from_path(reference.join("File_6_-_IoD2019_Population_Denominators.csv")).unwrap().records() {
        let r = r.unwrap();
        if icb.contains(&r[0]) {
            population[decile_of[&r[0]]] += r[8].replace(',', "").parse::<f64>().unwrap();
        }
    }
    let mut staff_by_decile = [0.0f64; 11];
    let (headers, rows) = read_csv(&geocoded);
    let area_col = headers.iter().position(|h| h == "area_code").unwrap();
    for r in &rows {
        if icb.contains(&r[area_col]) {
            staff_by_decile[decile_of[&r[area_col]]] += 1.0;
        }
    }
    let staff_total: f64 = staff_by_decile.iter().sum();
    let population_total: f64 = population.iter().sum();
    assert!(staff_total > 3_000.0, "most synthetic staff live in the ICB ({staff_total})");

    // `gaps` for the ICB community, plus extra arguments.
    let population_file = reference.join("File_6_-_IoD2019_Population_Denominators.csv");
    let lookup = reference.join("lsoa11_to_sicbl_icb.csv");
    let icb_gaps = |out: &Path, extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> =
            vec!["gaps".into(), "--staff".into(), staff.clone().into(), "--out".into(), out.into()];
        let mut more =
            vec!["--population", population_file.to_str().unwrap(), "--community-lookup", lookup.to_str().unwrap()];
        more.extend(["--community-filter", "icb_code=E54000019"]);
        more.extend(extra);
        args.extend(reference_args(&more));
        anchormap_ok(args);
    };
    let out = dir.path().join("exact");
    icb_gaps(&out, &["--min-count", "0", "--round-to", "1"]);
    let (_, table) = read_csv(&out.join("gaps_by_decile.csv"));
    for decile in 1..=10 {
        let r = table.iter().find(|r| r[0] == decile.to_string()).unwrap();
        let staff_share = staff_by_decile[decile] / staff_total;
        let population_share = population[decile] / population_total;
        assert_eq!(r[1], format!("{}", staff_by_decile[decile]), "staff in decile {decile}");
        assert_eq!(r[2], format!("{staff_share:.4}"), "staff share in decile {decile}");
        assert_eq!(r[5], format!("{:.0}", population[decile]), "population in decile {decile}");
        assert_eq!(r[6], format!("{population_share:.4}"), "population share in decile {decile}");
        assert_eq!(r[7], format!("{:.3}", staff_share / population_share), "representation ratio in decile {decile}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["areas"], icb.len());
    assert_eq!(summary["staff"]["rows"], 5_000.0);

    // Published with the default rule: no postcode anywhere, no count of 1-7 of people.
    let published = dir.path().join("published");
    icb_gaps(&published, &["--by", "band"]);
    let postcodes: HashSet<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    for file in published_files(&published) {
        let path = file;
        let text = published_text(&path);
        for token in text.split([',', '"', '\n', '<', '>']) {
            assert!(!postcodes.contains(token.trim()), "{} contains the staff postcode {token}", path.display());
        }
        if path.extension().is_some_and(|e| e == "csv") {
            let (headers, rows) = read_csv(&path);
            if let Some(c) = headers.iter().position(|h| h == "staff") {
                for r in &rows {
                    let v = &r[c];
                    let ok = v == "*" || v.parse::<f64>().is_ok_and(|n| n == 0.0 || (n >= 8.0 && n % 5.0 == 0.0));
                    assert!(ok, "staff = {v} published in {}", path.display());
                }
            }
        }
    }
}

/// `gaps` on the 2021 geography for the Herefordshire and Worcestershire ICB of 2024: the given
/// reference files (deprivation, population, community lookup, filter) by name in `../shared/reference`.
pub(crate) fn gaps_2021(
    reference: &Path,
    staff: &Path,
    files: [(&str, &str); 3],
    filter: &str,
    out: &Path,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    let fixed = [("--postcodes", CODE_POINT), ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson")];
    for (flag, file) in fixed.into_iter().chain(files) {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--community-filter", filter, "-q", "--out"].map(std::ffi::OsString::from));
    args.push(out.into());
    args
}

/// Issue 14, vintage honesty: on LSOA 2021 boundaries, the IoD2019 (LSOA 2011) population is
/// refused naming its vintage; the Census 2021 16-64 table is read without flags.
#[test]
fn a_population_of_the_other_vintage_is_refused() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "postcode\nWR5 1DD\nWR5 1DD\nCO15 2JG\n").unwrap();
    let run = |population: &str, out: &str| {
        let files = [
            ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
            ("--population", population),
            ("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"),
        ];
        gaps_2021(&reference, &staff, files, "icb24_code=E54000019", &dir.path().join(out))
    };
    let line = anchormap_err(run("File_6_-_IoD2019_Population_Denominators.csv", "old"));
    assert!(line.contains("LSOA 2011") && line.contains("LSOA 2021") && line.contains("aged_16_to_64"), "{line}");
    anchormap_ok(run("census2021_lsoa21_age6_16to64.csv", "census"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("census/gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["areas"], 491, "the ICB's LSOAs of 2021");
    assert_eq!(summary["community"]["population_column"], "aged_16_to_64");
}

/// A HES-like extract keyed by LSOA 2011 codes, 2 face-to-face follow-ups at Worcestershire Royal
/// from each of Worcester 011D (unchanged), Worcester 013C (split into 013E and 013F) and
/// Hartlepool 005A (merged), then `more` rows.
fn hes_2011(dir: &Path, more: &str) -> std::path::PathBuf {
    let appointments = dir.join("hes.csv");
    let mut text = String::from("LSOA11,SITETRET,CONSMEDUSED,FIRSTATT\n");
    for code in ["E01032294", "E01032295", "E01011973"] {
        text.push_str(&format!("{code},WR,01,2\n{code},WR,01,2\n"));
    }
    text.push_str(more);
    std::fs::write(&appointments, text).unwrap();
    appointments
}

/// `emissions` on the 2021 geography with the ONS LSOA 2011 -> 2021 lookup as `--area-bridge`,
/// exact counts, plus `extra` arguments.
fn bridged_emissions_2021(
    reference: &Path,
    appointments: &Path,
    extra: &[&std::ffi::OsStr],
    out: &Path,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec!["emissions".into(), "--appointments".into(), appointments.into()];
    for (flag, file) in [
        ("--sites", "hospital_sites.csv"),
        ("--postcodes", CODE_POINT),
        ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--area-bridge", "LSOA11_LSOA21_LAD22_EW_LU.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(extra.iter().map(|a| a.to_os_string()));
    args.extend(["--min-count", "0", "--round-to", "1", "-q", "--out"].map(std::ffi::OsString::from));
    args.push(out.into());
    args
}

/// Issue 14, bridging: outpatient extracts keyed by LSOA 2011 codes on a run on LSOA 2021, through
/// the ONS lookup: unchanged and merged codes map directly, a split code is shared among its parts.
#[test]
fn lsoa_2011_patient_codes_are_placed_on_a_2021_run() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let appointments = hes_2011(dir.path(), "");
    let out = dir.path().join("out");
    anchormap_ok(bridged_emissions_2021(&reference, &appointments, &[], &out));
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("not-for-publication/emissions_summary_exact.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(exact["appointments_placed"], 6.0, "{exact}");
    assert_eq!(exact["unplaced_by_reason"], serde_json::json!({}));
    let bridged = &exact["patient_areas_bridged_by_change"];
    assert_eq!((bridged["split"].as_f64(), bridged["merged"].as_f64()), (Some(2.0), Some(2.0)), "{bridged}");
    let (headers, rows) = read_csv(&out.join("emissions_by_area.csv"));
    let code = headers.iter().position(|h| h == "area_code").unwrap();
    let appts = headers.iter().position(|h| h == "appointments").unwrap();
    let of = |c: &str| rows.iter().find(|r| r[code] == c).map(|r| r[appts].clone());
    assert_eq!((of("E01034323"), of("E01034324")), (Some("1".into()), Some("1".into())), "the split area's 2 shared");
    assert_eq!(of("E01035188").as_deref(), Some("2"), "the merged area");
}

/// Issue 14: deprivation and a community lookup of the other vintage than the boundaries are refused.
#[test]
fn reference_files_of_another_vintage_are_refused() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "postcode\nWR5 1DD\n").unwrap();
    let run = |deprivation: &str, lookup: &str, filter: &str| {
        let files = [
            ("--deprivation", deprivation),
            ("--population", "census2021_lsoa21_age6_16to64.csv"),
            ("--community-lookup", lookup),
        ];
        anchormap_err(gaps_2021(&reference, &staff, files, filter, &dir.path().join("out")))
    };
    let line = run(FILE_1, "lsoa21_to_sicbl24_icb24.csv", "icb24_code=E54000019");
    assert!(line.contains("is deprivation on LSOA 2011 areas, but the boundaries are LSOA 2021"), "{line}");
    let line = run("File_1_IoD2025_Index_of_Multiple_Deprivation.csv", "lsoa11_to_sicbl_icb.csv", "icb_code=E54000019");
    assert!(line.contains("is a lookup of LSOA 2011 areas") && line.contains("lsoa21_to_sicbl24_icb24.csv"), "{line}");
}

/// Issue 17 on national data: appointments from real postcodes across England (every 60th Code-Point
/// postcode with coordinates) to their nearest real hospital site, on the 2021 geography with the
/// Census 2021 car availability and travel to work, and again on the 2011 geography through the ONS
/// lookup. Under the default disclosure rule, kg CO2e per patient-km is lower in decile 1 than in
/// decile 10, and the summary's ranges bracket the totals.
#[test]
fn kg_per_patient_km_is_lower_where_fewer_households_have_a_car() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let mut sites: Vec<(String, f64, f64)> = Vec::new();
    let mut reader = csv::Reader::from_path(reference.join("hospital_sites.csv")).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        if &r[7] == "England" {
            sites.push((r[0].to_string(), r[3].parse().unwrap(), r[4].parse().unwrap()));
        }
    }
    let mut text = String::from("id,patient_postcode,site_code,consultation_medium_used,first_follow_up\n");
    let mut n = 0usize;
    for_each_code_point_row(&reference, |f| {
        if f[4] != "E92000001" || f[1] == "90" {
            return;
        }
        n += 1;
        if n % 60 != 0 {
            return;
        }
        let (e, no): (f64, f64) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        let nearest =
            sites.iter().min_by(|a, b| (a.1 - e).hypot(a.2 - no).total_cmp(&(b.1 - e).hypot(b.2 - no))).unwrap();
        let mode = if n % 300 == 0 { "02" } else { "01" };
        let visit = if n % 120 == 0 { "First" } else { "Follow-up" };
        text.push_str(&format!("{n},{},{},{mode},{visit}\n", f[0], nearest.0));
    });
    let appointments = dir.path().join("appointments.csv");
    std::fs::write(&appointments, text).unwrap();
    let runs = [
        ("2021", "LSOA_2021_EW_BSC_V4.geojson", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("2011", BOUNDARIES, FILE_1),
    ];
    for (vintage, boundaries, deprivation) in runs {
        let out = dir.path().join(vintage);
        let mut args: Vec<std::ffi::OsString> =
            vec!["emissions".into(), "--appointments".into(), appointments.clone().into()];
        for (flag, file) in [
            ("--sites", "hospital_sites.csv"),
            ("--postcodes", CODE_POINT),
            ("--boundaries", boundaries),
            ("--deprivation", deprivation),
            ("--car-availability", "census2021-ts045-lsoa.csv"),
            ("--travel-to-work", "census2021-ts061-lsoa.csv"),
            ("--area-bridge", "LSOA11_LSOA21_LAD22_EW_LU.csv"),
        ] {
            args.extend([flag.into(), reference.join(file).into_os_string()]);
        }
        args.extend(["--shift-to-virtual", "0.25", "-q", "--out"].map(std::ffi::OsString::from));
        args.push(out.clone().into());
        anchormap_ok(args);
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("emissions_summary.json")).unwrap()).unwrap();
        let by_area = &s["assumptions"]["mode_share_by_area"];
        assert_eq!(by_area["applied"], true, "{vintage}: {by_area}");
        assert!(by_area["areas_with_census"].as_u64().unwrap() > 32_000, "{vintage}: {by_area}");
        let (h, rows) = read_csv(&out.join("emissions_by_decile.csv"));
        let col = |name: &str| h.iter().position(|x| x == name).unwrap();
        let of = |decile: &str, name: &str| -> f64 {
            rows.iter().find(|r| r[0] == decile).unwrap()[col(name)].parse().unwrap()
        };
        let per_km: Vec<f64> = (1..=10).map(|d| of(&d.to_string(), "kgco2e_per_patient_km")).collect();
        let minutes: Vec<f64> = (1..=10).map(|d| of(&d.to_string(), "minutes_per_trip")).collect();
        eprintln!("LSOA {vintage}: kg CO2e per patient-km by decile {per_km:?}; minutes per trip {minutes:?}");
        assert!(per_km[0] < per_km[9], "LSOA {vintage}: decile 1 {} vs decile 10 {}", per_km[0], per_km[9]);
        assert!(per_km[0] < per_km[4] && per_km[4] < per_km[9], "LSOA {vintage}: {per_km:?}");
        let kg = s["kgco2e_total"].as_f64().unwrap();
        let (low, high) = (s["kgco2e_range"]["low"].as_f64().unwrap(), s["kgco2e_range"]["high"].as_f64().unwrap());
        eprintln!(
            "LSOA {vintage}: kg CO2e total {kg}, range {low} to {high}; summary {}",
            s["scenario_kgco2e_saved_range"]
        );
        assert!(low < kg && kg < high, "LSOA {vintage}: {low} {kg} {high}");
        let saved = s["scenario_kgco2e_saved"].as_f64().unwrap();
        let range = &s["scenario_kgco2e_saved_range"];
        assert!(range["low"].as_f64().unwrap() < saved && saved < range["high"].as_f64().unwrap(), "{range} {saved}");
        assert!((of("total", "kgco2e") - kg).abs() < 0.01, "the summary is the table's total row");
    }
}

/// Issue 14, the official assignment: an ONSPD-style directory (pcds, oseast1m, osnrth1m, lsoa11,
/// lsoa21) made here from every Worcestershire and Herefordshire Code-Point postcode, its `lsoa21`
/// column the spatial join's LSOA except for every 100th postcode (set to a neighbouring LSOA, as
/// ONS's full-resolution assignment differs from a join on generalised boundaries), every 100th + 1
/// (blank) and every 100th + 2 (a code not among the boundaries). Every postcode with a code gets it
/// (`directory`), the others the spatial join, and the summary counts exactly the neighbours as
/// disagreements; the `lsoa11` column (the other vintage) is ignored with a note.
#[test]
fn an_onspd_style_directory_column_is_the_assignment() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let boundaries = reference.join("LSOA_2021_EW_BSC_V4.geojson");
    let mut points: Vec<(String, String, String, String)> = Vec::new();
    for_each_code_point_row(&reference, |f| {
        if f[0].starts_with("WR") || f[0].starts_with("HR") {
            let (e, n) = if f[1] == "90" { ("", "") } else { (f[2], f[3]) };
            points.push((f[0].to_string(), e.to_string(), n.to_string(), f[4].to_string()));
        }
    });
    points.sort();
    let input = dir.path().join("postcodes.csv");
    let mut text = String::from("postcode\n");
    for (postcode, ..) in &points {
        text.push_str(&format!("{postcode}\n"));
    }
    std::fs::write(&input, text).unwrap();
    let spatial = dir.path().join("spatial.csv");
    let geocode = |directory: &Path, out: &Path, summary: &Path| {
        anchormap_ok([
            "geocode".as_ref(),
            input.as_os_str(),
            "--postcodes".as_ref(),
            directory.as_os_str(),
            "--boundaries".as_ref(),
            boundaries.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--summary-json".as_ref(),
            summary.as_os_str(),
        ])
    };
    geocode(&reference.join(CODE_POINT), &spatial, &dir.path().join("spatial.json"));
    let (headers, rows) = read_csv(&spatial);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (c_area, c_match) = (col("area_code"), col("match"));
    let spatial_area: Vec<String> = rows.iter().map(|r| r[c_area].clone()).collect();

    // The directory: (lsoa21 code as written, expected area, expected match).
    let mut onspd = String::from("pcd7,pcds,oseast1m,osnrth1m,osgrdind,ctry,lsoa11,lsoa21\n");
    let mut expected: Vec<(String, &str)> = Vec::new();
    let mut neighbours = 0;
    for (i, (postcode, e, n, country)) in points.iter().enumerate() {
        let own = &spatial_area[i];
        let code = match i % 100 {
            _ if own.is_empty() => String::new(),
            0 => match spatial_area[i..].iter().find(|c| !c.is_empty() && *c != own) {
                Some(next) => {
                    neighbours += 1;
                    next.clone()
                }
                None => own.clone(),
            },
            1 => String::new(),
            2 => "S01000001".to_string(),
            _ => own.clone(),
        };
        let grid = if e.is_empty() { "9" } else { "1" };
        onspd
            .push_str(&format!("{},{postcode},{e},{n},{grid},{country},E01000001,{code}\n", postcode.replace(' ', "")));
        expected.push(match code.as_str() {
            "" | "S01000001" => (own.clone(), rows[i][c_match].as_str()),
            c => (c.to_string(), "directory"),
        });
    }
    let directory = dir.path().join("ONSPD_style.csv");
    std::fs::write(&directory, onspd).unwrap();
    let (out, summary) = (dir.path().join("official.csv"), dir.path().join("official.json"));
    let stderr = geocode(&directory, &out, &summary);
    assert!(stderr.contains("'lsoa11' is not used: the boundaries are LSOA 2021"), "{stderr}");
    let (_, official) = read_csv(&out);
    assert_eq!(official.len(), points.len());
    let (mut given, mut agree) = (0, 0);
    for (row, (area, status)) in official.iter().zip(&expected) {
        assert_eq!((&row[c_area], &row[c_match]), (area, &status.to_string()), "{}", row[0]);
        if *status == "directory" {
            given += 1;
            agree += usize::from(&row[c_area] == area);
        }
    }
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    let a = &summary["directory_assignment"];
    eprintln!(
        "ONSPD-style directory on {} WR/HR postcodes: {given} by the directory column ({:.3}% agree with it), \
         spatial join differs for {}, {} blank and {} unknown codes fall back",
        points.len(),
        100.0 * agree as f64 / given as f64,
        a["spatial_join_disagrees"],
        a["blank_code_spatial_join"],
        a["code_not_in_boundaries_spatial_join"]
    );
    assert_eq!(agree, given, "100% of postcodes with a code are in the directory's area");
    assert!(given > 15_000, "{given}");
    assert_eq!(a["column"], "lsoa21");
    assert_eq!(a["assigned"], given);
    assert_eq!(a["spatial_join_disagrees"], neighbours, "exactly the codes set to a neighbour");
    assert_eq!(a["spatial_join_agrees"].as_u64().unwrap() + neighbours, given as u64);
    assert_eq!(a["spatial_join_outside"], 0);
    let fallback = points.len() / 100;
    assert!(a["blank_code_spatial_join"].as_u64().unwrap() >= fallback as u64 - 1);
    assert!(a["code_not_in_boundaries_spatial_join"].as_u64().unwrap() >= fallback as u64 - 1);
    assert_eq!(summary["match"]["directory"], given);
}

/// Issue 14, bridging user files keyed by LSOA 2011 codes on a 2021 run: a distance matrix (each
/// part of a split area takes the 2011 row's distance and time) used by bridged appointment rows,
/// a bridged row with an unknown site counted as `unknown_site`, and a `--community-codes` list (a
/// split area is all its parts); bridged rows counted by change type, nothing dropped silently.
#[test]
fn lsoa_2011_matrices_and_community_lists_are_bridged_on_a_2021_run() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let appointments = hes_2011(dir.path(), "E01032295,NOSUCHSITE,01,2\n");
    let matrix = dir.path().join("matrix.csv");
    std::fs::write(
        &matrix,
        "lsoa11cd,site_code,road_km,minutes\nE01032294,WR,3.5,11\nE01032295,WR,4.0,12\nE01011973,WR,250,190\nE01999999,WR,1,1\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    anchormap_ok(bridged_emissions_2021(
        &reference,
        &appointments,
        &["--distance-matrix".as_ref(), matrix.as_os_str()],
        &out,
    ));
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("not-for-publication/emissions_summary_exact.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(exact["appointments_placed"], 6.0, "{exact}");
    assert_eq!(
        exact["unplaced_by_reason"],
        serde_json::json!({"unknown_site": 1}),
        "not unknown_area (a count, as an integer)"
    );
    assert_eq!(exact["trips"]["from_distance_matrix"], 6.0, "bridged rows use the matrix: {exact}");
    assert_eq!(exact["distance_matrix_rows_bridged_by_change"], serde_json::json!({"merged": 1, "split": 1}));
    assert!(
        exact["warnings"].to_string().contains("1 of 4 distance matrix rows name an area or site not in the inputs"),
        "{exact}"
    );
    let (headers, rows) = read_csv(&out.join("emissions_by_area.csv"));
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let km =
        |c: &str| rows.iter().find(|r| r[col("area_code")] == c).map(|r| r[col("patient_km")].parse::<f64>().unwrap());
    // One appointment in each part of 013C, each at the 2011 row's 4.0 km, both ways.
    assert_eq!((km("E01034323"), km("E01034324")), (Some(8.0), Some(8.0)));
    assert_eq!(km("E01032294"), Some(14.0), "unchanged: 2 x 3.5 km x 2");
    assert_eq!(km("E01035188"), Some(1000.0), "merged: 2 x 250 km x 2");

    // A community list of 2011 codes on the 2021 run.
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "postcode\nWR5 1DD\n").unwrap();
    let codes = dir.path().join("community.txt");
    std::fs::write(&codes, "E01032294\nE01032295\nE01011973\nE01999999\n").unwrap();
    let gaps = dir.path().join("gaps");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.clone().into()];
    for (flag, file) in [
        ("--postcodes", CODE_POINT),
        ("--boundaries", "LSOA_2021_EW_BSC_V4.geojson"),
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--area-bridge", "LSOA11_LSOA21_LAD22_EW_LU.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend([
        "--community-codes".into(),
        codes.clone().into_os_string(),
        "-q".into(),
        "--out".into(),
        gaps.clone().into(),
    ]);
    anchormap_ok(args);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gaps.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["areas"], 4, "011D, both parts of 013C, and the merged area: {summary}");
    assert_eq!(summary["community"]["codes_bridged_by_change"], serde_json::json!({"merged": 1, "split": 1}));
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(gaps.join("not-for-publication/gaps_summary_exact.json")).unwrap(),
    )
    .unwrap();
    assert!(exact["warnings"].to_string().contains("1 community codes"), "the unknown code is counted: {exact}");

    // And the reverse: the two 2021 parts of 013C listed on a 2011 run are the one 2011 area.
    std::fs::write(&codes, "E01034323\nE01034324\nE01032294\n").unwrap();
    let gaps_2011 = dir.path().join("gaps-2011");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    for (flag, file) in [
        ("--postcodes", CODE_POINT),
        ("--boundaries", BOUNDARIES),
        ("--deprivation", FILE_1),
        ("--population", "File_6_-_IoD2019_Population_Denominators.csv"),
        ("--area-bridge", "LSOA11_LSOA21_LAD22_EW_LU.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend([
        "--community-codes".into(),
        codes.into_os_string(),
        "-q".into(),
        "--out".into(),
        gaps_2011.clone().into(),
    ]);
    anchormap_ok(args);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gaps_2011.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["areas"], 2, "013C and 011D: {summary}");
    assert_eq!(summary["community"]["codes_bridged_by_change"], serde_json::json!({"merged": 2}));
}

/// Issue 14, done when: `gaps` for the Herefordshire and Worcestershire ICB on the 2021 set
/// (LSOA 2021, IoD2025 File 1, Census 2021 ages 16-64, ICB 2024 lookup) has 491 areas and a
/// working-age population by decile equal to a calculation here from the census table and File 1,
/// read with the csv crate; the summary names each input's vintage.
#[test]
fn gaps_for_the_icb_on_the_2021_set_match_the_census_and_iod2025() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "postcode\nWR5 1DD\nHR1 2ER\nCO15 2JG\n").unwrap();
    let icb: HashSet<String> = csv::Reader::from_path(reference.join("lsoa21_to_sicbl24_icb24.csv"))
        .unwrap()
        .deserialize::<HashMap<String, String>>()
        .map(|r| r.unwrap())
        .filter(|r| r["icb24_code"] == "E54000019")
        .map(|r| r["lsoa21_code"].clone())
        .collect();
    assert_eq!(icb.len(), 491);
    // File 1: a byte-order mark and a cut-short decile header; read by position.
    let decile_of: HashMap<String, usize> =
        csv::Reader::from_path(reference.join("File_1_IoD2025_Index_of_Multiple_Deprivation.csv"))
            .unwrap()
            .records()
            .map(|r| r.unwrap())
            .map(|r| (r[0].to_string(), r[5].parse().unwrap()))
            .collect();
    let mut population = [0.0f64; 11];
    let mut census = csv::Reader::from_path(reference.join("census2021_lsoa21_age6_16to64.csv")).unwrap();
    let working_age = census.headers().unwrap().iter().position(|h| h == "aged_16_to_64").unwrap();
    for r in census.records() {
        let r = r.unwrap();
        if icb.contains(&r[0]) {
            population[decile_of[&r[0]]] += r[working_age].parse::<f64>().unwrap();
        }
    }
    let files = [
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"),
    ];
    let out = dir.path().join("out");
    let mut args = gaps_2021(&reference, &staff, files, "icb24_code=E54000019", &out);
    args.extend(["--min-count", "0", "--round-to", "1"].map(std::ffi::OsString::from));
    anchormap_ok(args);
    let (headers, table) = read_csv(&out.join("gaps_by_decile.csv"));
    let col = headers.iter().position(|h| h == "population").unwrap();
    let total: f64 = population.iter().sum();
    for (decile, expected) in population.iter().enumerate().skip(1) {
        let r = table.iter().find(|r| r[0] == decile.to_string()).unwrap();
        assert_eq!(r[col], format!("{expected:.0}"), "working-age population in decile {decile}");
    }
    eprintln!("H&W ICB on the 2021 set: working age 16-64 by IMD 2025 decile {:?}, total {total}", &population[1..]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["areas"], 491);
    assert_eq!(
        summary["vintages"],
        serde_json::json!({
            "boundaries": "LSOA 2021",
            "deprivation": "IMD 2025, LSOA 2021",
            "population": "Census 2021, ages 16–64, LSOA 2021",
            "postcodes": "OS Code-Point Open; areas by the spatial join",
        })
    );
}

/// Issue 16: the Herefordshire and Worcestershire ICB's community by ethnic group is the sum of
/// Census 2021 TS021 over its 491 LSOAs; by sex and age from TS008 and TS007A, read without flags.
#[test]
fn the_icb_community_by_ethnic_group_is_the_sum_of_ts021() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let staff = dir.path().join("staff.csv");
    std::fs::write(&staff, "Home Postcode,Ethnic Origin,Gender,Age Band\nWR5 1DD,A White - British,Female,26-30\n")
        .unwrap();
    let files = [
        ("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv"),
        ("--population", "census2021_lsoa21_age6_16to64.csv"),
        ("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"),
    ];
    let out = dir.path().join("out");
    let mut args = gaps_2021(&reference, &staff, files, "icb24_code=E54000019", &out);
    for (flag, file) in [
        ("--ethnic-group-population", "census2021-ts021-lsoa.csv"),
        ("--sex-population", "census2021-ts008-lsoa.csv"),
        ("--age-population", "census2021-ts007a-lsoa.csv"),
    ] {
        args.extend([flag.into(), reference.join(file).into_os_string()]);
    }
    args.extend(["--by", "ethnic-group", "--by", "sex", "--by", "age-band"].map(std::ffi::OsString::from));
    anchormap_ok(args);
    let (_, rows) = read_csv(&out.join("gaps_by_ethnic_group.csv"));
    let population = |rows: &[Vec<String>], group: &str| rows.iter().find(|r| r[0] == group).unwrap()[5].clone();
    for (group, expected) in [
        ("Asian", "20706"),
        ("Black", "4715"),
        ("Mixed", "13142"),
        ("White", "747728"),
        ("Other", "4373"),
        ("All stated", "790664"),
    ] {
        assert_eq!(population(&rows, group), expected, "{group}");
    }
    let (_, sex) = read_csv(&out.join("gaps_by_sex.csv"));
    assert_eq!((population(&sex, "Female"), population(&sex, "Male")), ("403097".to_string(), "387609".to_string()));
    let (_, age) = read_csv(&out.join("gaps_by_age_band.csv"));
    assert_eq!(population(&age, "25-34"), "90223");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["demography"][0]["areas_without_census"], 0);
    assert!(summary["demography"][2]["note"].as_str().unwrap().contains("four fifths of the 15-19 band"));
}
