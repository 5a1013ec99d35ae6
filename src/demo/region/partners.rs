//! The demo network's other partners: a community trust and a council, their staff drawn from the same region with their own seed.

use libm::exp;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{choose_area, csv_text, date, distance, home_postcode, pick, Bands, Region, APRIL_2025};

/// One partner's workforce: its size, its staff groups and bands, how far from its sites its
/// staff live, and how much more its staff come from the most deprived areas than the trust's;
/// its year's job applications, to vacancies of its own.
struct Partner {
    staff: u32,
    applications: (u32, u32, &'static str),
    first_id: u32,
    groups: &'static [(&'static str, f64, Bands)],
    scale_m: f64,
    deprived: f64,
}

const COMMUNITY: Partner = Partner {
    staff: 1_900,
    applications: (1_400, 140, "ACHT"),
    first_id: 30_100_000,
    groups: &[
        ("Nursing and Midwifery Registered", 0.34, &[("Band 5", 0.40), ("Band 6", 0.40), ("Band 7", 0.20)]),
        ("Additional Clinical Services", 0.30, &[("Band 2", 0.30), ("Band 3", 0.50), ("Band 4", 0.20)]),
        ("Allied Health Professionals", 0.16, &[("Band 5", 0.35), ("Band 6", 0.45), ("Band 7", 0.20)]),
        ("Administrative and Clerical", 0.20, &[("Band 2", 0.25), ("Band 3", 0.40), ("Band 4", 0.35)]),
    ],
    scale_m: 9_000.0,
    deprived: 1.0,
};

const COUNCIL: Partner = Partner {
    staff: 1_300,
    applications: (900, 90, "ACC"),
    first_id: 40_100_000,
    groups: &[
        ("Adult Social Care", 0.45, &[("Band 2", 0.35), ("Band 3", 0.45), ("Band 4", 0.20)]),
        ("Public Health", 0.10, &[("Band 5", 0.40), ("Band 6", 0.40), ("Band 7", 0.20)]),
        ("Administrative and Clerical", 0.30, &[("Band 2", 0.20), ("Band 3", 0.40), ("Band 4", 0.40)]),
        ("Estates and Ancillary", 0.15, &[("Band 2", 0.60), ("Band 3", 0.40)]),
    ],
    scale_m: 7_000.0,
    deprived: 1.5,
};

/// The community trust's and the council's staff files, from their own seed (so that the trust's
/// files are as they were).
pub(super) fn partner_staff(seed: u64, region: &Region) -> (String, String) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00A1_1A5C_E0FF);
    (staff_csv(&mut rng, region, &COMMUNITY), staff_csv(&mut rng, region, &COUNCIL))
}

/// The community trust's and the council's applications, from a seed of their own (so that
/// every other file is as it was); each post's band drawn as its staff's are.
pub(super) fn partner_applications(seed: u64, region: &Region) -> (String, String) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00A1_1A5C_A991);
    let mut of = |partner: &Partner| {
        let groups: Vec<(usize, f64)> = partner.groups.iter().enumerate().map(|(i, g)| (i, g.1)).collect();
        let band = |rng: &mut ChaCha8Rng| {
            let (_, _, bands) = partner.groups[*pick(rng, &groups)];
            *pick(rng, bands)
        };
        super::applications::partner_applications_csv(&mut rng, region, partner.applications, band)
    };
    (of(&COMMUNITY), of(&COUNCIL))
}

/// A partner's staff file, in the trust's layout.
fn staff_csv(rng: &mut ChaCha8Rng, region: &Region, partner: &Partner) -> String {
    let site_weights: Vec<(usize, f64)> =
        region.sites.iter().enumerate().map(|(i, s)| (i, 1.0 + s.staff_weight)).collect();
    let groups: Vec<(usize, f64)> = partner.groups.iter().enumerate().map(|(i, g)| (i, g.1)).collect();
    let rows = (0..partner.staff).map(|n| {
        let site = &region.sites[*pick(rng, &site_weights)];
        let (group, _, bands) = partner.groups[*pick(rng, &groups)];
        let band = *pick(rng, bands);
        let start = APRIL_2025 - (rng.random::<f64>().powi(2) * 9_000.0) as i64 + 400;
        let area = choose_area(rng, &region.areas, |a| {
            let represented = if a.decile <= 2 { 0.8 * partner.deprived } else { 1.0 };
            f64::from(a.working_age) * exp(-distance(a.centroid, site.point) / partner.scale_m) * represented
        });
        vec![
            format!("{}", partner.first_id + n * 3),
            group.to_string(),
            band.to_string(),
            site.code.to_string(),
            date(start),
            home_postcode(rng, region, area, 3),
            ["1.00", "0.80", "1.00", "0.60"][(n % 4) as usize].to_string(),
        ]
    });
    let headers =
        ["employee_number", "staff_group", "band", "site_code", "start_date", "home_postcode", "contracted_wte"];
    csv_text(&headers, rows)
}

/// The network's list of partners, each with its staff file and applications (and the trust's vacancies).
pub(super) fn employers_csv() -> String {
    let file = super::super::file_name;
    let rows = [
        (
            "Anchorshire Hospitals NHS Trust",
            file(super::super::STAFF),
            file(super::super::VACANCIES),
            file(super::super::APPLICATIONS),
        ),
        (
            "Anchorshire Community Health NHS Trust",
            file(super::super::COMMUNITY_STAFF),
            "",
            file(super::super::COMMUNITY_APPLICATIONS),
        ),
        ("Anchorshire County Council", file(super::super::COUNCIL_STAFF), "", file(super::super::COUNCIL_APPLICATIONS)),
    ];
    csv_text(
        &["employer", "file", "vacancies", "applications"],
        rows.iter().map(|(e, f, v, a)| vec![e.to_string(), f.to_string(), v.to_string(), a.to_string()]),
    )
}
