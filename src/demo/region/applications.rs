//! Fictional job applications for Anchorshire's vacancies, as NHS Jobs exports them, with a built-in disparity: once shortlisted, BME applicants and applicants from the most deprived areas are less often appointed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{as_written, choose_area, csv_text, pick, Region};

/// Applications in the sample.
const APPLICATIONS: u32 = 3_000;
/// Vacancies they apply to (`DEMO-V0001` …), as in the vacancy file.
const VACANCIES: u32 = 320;

/// Ethnicity as NHS Jobs writes it (Census 2021 labels), with fictional shares.
const ETHNICITIES: [(&str, f64); 12] = [
    ("White - English, Welsh, Scottish, Northern Irish or British", 0.70),
    ("White - Irish", 0.01),
    ("White - Any other White background", 0.06),
    ("Asian or Asian British - Indian", 0.04),
    ("Asian or Asian British - Pakistani", 0.02),
    ("Asian or Asian British - Chinese", 0.01),
    ("Black, Black British, Caribbean or African - African", 0.05),
    ("Black, Black British, Caribbean or African - Caribbean", 0.01),
    ("Mixed or multiple ethnic groups - White and Black Caribbean", 0.02),
    ("Mixed or multiple ethnic groups - White and Asian", 0.01),
    ("Other ethnic group - Any other ethnic group", 0.03),
    ("Prefer not to say", 0.04),
];

const SEXES: [(&str, f64); 3] = [("Female", 0.71), ("Male", 0.27), ("Prefer not to say", 0.02)];

/// The applications file, from its own stream of random numbers (the other sample files do not change).
pub(super) fn applications_csv(seed: u64, region: &Region) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0A99_11CA_7105);
    let mut rows = Vec::new();
    for n in 0..APPLICATIONS {
        let [postcode, ethnicity, sex, status] = applicant(&mut rng, region);
        let vacancy = format!("DEMO-V{:04}", rng.random_range(1..=VACANCIES));
        rows.push(vec![format!("DEMO-A{:05}", n + 1), vacancy, postcode, ethnicity, sex, status]);
    }
    csv_text(
        &["Application ID", "Vacancy Reference", "Applicant Postcode", "Ethnicity", "Sex", "Application Status"],
        rows,
    )
}

/// A partner's applications (the community trust's, the council's): as the trust's, with ids and
/// vacancy references of its own (`prefix`), and the post's pay band drawn by `band`.
pub(super) fn partner_applications_csv(
    rng: &mut ChaCha8Rng,
    region: &Region,
    (count, vacancies, prefix): (u32, u32, &str),
    mut band: impl FnMut(&mut ChaCha8Rng) -> &'static str,
) -> String {
    let mut rows = Vec::new();
    for n in 0..count {
        let [postcode, ethnicity, sex, status] = applicant(rng, region);
        let vacancy = format!("{prefix}-V{:04}", rng.random_range(1..=vacancies));
        let band = band(rng).to_string();
        rows.push(vec![format!("{prefix}-A{:05}", n + 1), vacancy, postcode, ethnicity, sex, band, status]);
    }
    let headers = [
        "Application ID",
        "Vacancy Reference",
        "Applicant Postcode",
        "Ethnicity",
        "Sex",
        "Pay Band",
        "Application Status",
    ];
    csv_text(&headers, rows)
}

/// One applicant: postcode as typed, ethnicity, sex and the status reached.
fn applicant(rng: &mut ChaCha8Rng, region: &Region) -> [String; 4] {
    // Applicants come from the whole region, a little more from deprived areas (entry-level posts).
    let area = choose_area(rng, &region.areas, |a| f64::from(a.working_age) * if a.decile <= 2 { 1.3 } else { 1.0 });
    let decile = region.areas[area].decile;
    let ethnicity = *pick(rng, &ETHNICITIES);
    let sex = *pick(rng, &SEXES);
    let status = status(rng, ethnicity, decile);
    // NHS Jobs checks postcodes as applicants type them: none damaged, only written loosely.
    let postcode = {
        let a = &region.areas[area];
        let code = &region.postcodes[a.postcodes[rng.random_range(0..a.postcodes.len())]].code;
        as_written(rng, code)
    };
    [postcode, ethnicity.into(), sex.into(), status.into()]
}

/// The status reached: shortlisting alike for everyone (a little less from the most deprived
/// areas); appointment from shortlisting 30%, times 0.55 for BME applicants and 0.55 in Core20
/// areas (the disparity the demo shows).
fn status(rng: &mut ChaCha8Rng, ethnicity: &str, decile: u8) -> &'static str {
    let bme = !ethnicity.starts_with("White") && ethnicity != "Prefer not to say";
    let core20 = decile <= 2;
    if rng.random::<f64>() < 0.04 {
        return "Withdrawn";
    }
    if rng.random::<f64>() >= if core20 { 0.30 } else { 0.36 } {
        return "Not shortlisted";
    }
    let appointed = 0.30 * if bme { 0.55 } else { 1.0 } * if core20 { 0.55 } else { 1.0 };
    if rng.random::<f64>() < appointed {
        ["Offer accepted", "Conditional offer", "Appointed"][rng.random_range(0..3)]
    } else {
        ["Interviewed - not appointed", "Unsuccessful at interview"][rng.random_range(0..2)]
    }
}
