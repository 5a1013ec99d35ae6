//! The fictional demo region, Anchorshire: areas, deprivation, population, postcodes, sites, staff, vacancies and appointments, all generated from one fixed seed.
//!
//! Anchorshire is an island in the North Sea (British National Grid, about 60 km north-east of
//! Norwich, where there is no land), so no point of it can fall in a real area. Its postcodes
//! are in the area `QZ`, which cannot exist (Q is never the first letter of a UK postcode, nor Z
//! the second), and its area codes `E0199xxxx` are beyond every real LSOA code.
//!
//! How it is made, in order: a wavy coastline; seed points dense in four towns and sparse in the
//! country; a Voronoi cell per seed, clipped to the coast and bent by a smooth, one-to-one warp
//! so that boundaries wiggle like real ones while still tiling exactly; deprivation from town
//! and coastal gradients plus smooth noise, mapped to national ranks skewed towards deprived;
//! population, postcodes, sites; staff who under-represent deprived areas (less so among new
//! starters and lower bands); vacancies; outpatient appointments drawn by need and distance.

use std::collections::BTreeMap;
use std::f64::consts::PI;

// Portable maths (the `libm` crate, a port of musl's): the same bits on every platform, so the
// committed sample is what this code makes wherever it runs.
use geo::{Area as _, BooleanOps, BoundingRect, Centroid, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use libm::{cos, exp, hypot, log, pow, sin};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod applications;
mod partners;

/// The seed of the committed sample.
pub const SEED: u64 = 20_251_030;
/// Where the island's centre is, in British National Grid metres.
const CENTRE: Coord = Coord { x: 665_000.0, y: 373_000.0 };
/// The island's mean radius.
const RADIUS_M: f64 = 20_000.0;
/// LSOAs (2021) in England under IoD2025: the demo's ranks are out of this many.
const NATIONAL_AREAS: u32 = 33_755;
/// Letters used in the last two places of a postcode.
const UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// The generated files: path relative to the repository root, and contents.
pub type SampleFiles = BTreeMap<&'static str, String>;

/// Every file of the demo sample, generated from `seed`.
pub fn generate(seed: u64) -> SampleFiles {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let field = Field::new(&mut rng);
    let coast = coastline(&mut rng);
    let towns = towns(&coast);
    let seeds = seed_points(&mut rng, &coast, &towns);
    let mut areas = areas(&mut rng, &coast, &towns, &field, &seeds);
    rank_deprivation(&mut rng, &mut areas);
    let postcodes = postcodes(&mut rng, &mut areas);
    let sites = sites(&towns, &postcodes);
    let ctx = Region { areas, postcodes, sites };

    let mut files = SampleFiles::new();
    files.insert(super::BOUNDARIES, boundaries_geojson(&ctx));
    files.insert(super::DEPRIVATION, deprivation_csv(&ctx));
    files.insert(super::POPULATION, population_csv(&ctx));
    files.insert(super::LOOKUP, lookup_csv(&ctx));
    files.insert(super::POSTCODES, postcodes_csv(&ctx));
    files.insert(super::SITES, sites_csv(&ctx));
    files.insert(super::STAFF, staff_csv(&mut rng, &ctx));
    files.insert(super::VACANCIES, vacancies_csv(&mut rng, &ctx));
    files.insert(super::APPOINTMENTS, appointments_csv(&mut rng, &ctx));
    files.insert(super::APPLICATIONS, applications::applications_csv(seed, &ctx));
    let (community, council) = partners::partner_staff(seed, &ctx);
    files.insert(super::COMMUNITY_STAFF, community);
    files.insert(super::COUNCIL_STAFF, council);
    let (community, council) = partners::partner_applications(seed, &ctx);
    files.insert(super::COMMUNITY_APPLICATIONS, community);
    files.insert(super::COUNCIL_APPLICATIONS, council);
    files.insert(super::EMPLOYERS, partners::employers_csv());
    files
}

struct Region {
    areas: Vec<Area>,
    postcodes: Vec<PostcodePoint>,
    sites: Vec<Site>,
}

struct Town {
    centre: Coord,
    /// Spread of the town (standard deviation, metres).
    spread_m: f64,
    /// Share of seed points drawn around the town.
    weight: f64,
    /// Deprivation bump at the town (positive: deprived).
    deprivation: f64,
    /// The local authority district the town is in.
    district: usize,
}

/// The fictional local authority districts: code, name.
const DISTRICTS: [(&str, &str); 3] =
    [("E06990001", "Anchorhaven"), ("E07990002", "Saltmere Coast"), ("E07990003", "Fenwold and Highmoor")];
const ICB: (&str, &str) = ("E54999999", "Anchorshire Integrated Care Board (fictional)");

struct Area {
    code: String,
    name: String,
    district: usize,
    shape: MultiPolygon<f64>,
    centroid: Coord,
    score: f64,
    rank: u32,
    decile: u8,
    total: u32,
    children: u32,
    aged_16_59: u32,
    older: u32,
    /// Census 2021 style: aged 16 to 64 (the working-age population the demo's gaps compare with).
    working_age: u32,
    /// Indices into the postcode list.
    postcodes: Vec<usize>,
}

struct PostcodePoint {
    code: String,
    point: Option<Coord>,
}

struct Site {
    code: &'static str,
    name: &'static str,
    point: Coord,
    /// Given in the sites file by postcode (else by coordinates).
    postcode: Option<String>,
    /// Share of staff based here.
    staff_weight: f64,
}

/// A smooth random field: a sum of plane waves, about -1 to 1.
struct Field {
    waves: Vec<(f64, f64, f64, f64)>,
}

impl Field {
    fn new(rng: &mut ChaCha8Rng) -> Field {
        let waves = (0..6)
            .map(|_| {
                let angle = rng.random::<f64>() * PI;
                let wavelength = rng.random_range(5_000.0..14_000.0);
                (cos(angle) / wavelength, sin(angle) / wavelength, rng.random::<f64>() * 2.0 * PI, 1.0 / 6f64.sqrt())
            })
            .collect();
        Field { waves }
    }

    fn at(&self, p: Coord) -> f64 {
        self.waves.iter().map(|(kx, ky, phase, a)| a * sin(2.0 * PI * (kx * p.x + ky * p.y) + phase)).sum()
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random();
    (-2.0 * log(u)).sqrt() * cos(2.0 * PI * v)
}

fn distance(a: Coord, b: Coord) -> f64 {
    hypot(a.x - b.x, a.y - b.y)
}

fn coastline(rng: &mut ChaCha8Rng) -> Polygon<f64> {
    let terms: Vec<(f64, f64, f64)> = [(2.0, 0.10), (3.0, 0.08), (5.0, 0.05), (9.0, 0.025), (17.0, 0.012)]
        .iter()
        .map(|&(k, a)| (k, a, rng.random::<f64>() * 2.0 * PI))
        .collect();
    let n = 720;
    let ring: Vec<Coord> = (0..=n)
        .map(|i| {
            let theta = 2.0 * PI * (i % n) as f64 / n as f64;
            let r = RADIUS_M * (1.0 + terms.iter().map(|(k, a, p)| a * sin(k * theta + p)).sum::<f64>());
            Coord { x: CENTRE.x + r * cos(theta), y: CENTRE.y + r * sin(theta) }
        })
        .collect();
    Polygon::new(LineString(ring), vec![])
}

/// The coast's distance from the centre along a direction (the island is star-shaped).
fn coast_radius(coast: &Polygon<f64>, theta: f64) -> f64 {
    let mut r = 0.0;
    while r < 2.0 * RADIUS_M
        && coast.contains(&Point(Coord { x: CENTRE.x + r * cos(theta), y: CENTRE.y + r * sin(theta) }))
    {
        r += 50.0;
    }
    r
}

fn towns(coast: &Polygon<f64>) -> Vec<Town> {
    // name, direction (degrees), fraction of the way to the coast, spread, weight, deprivation, district
    let specs = [
        ("Anchorhaven", 40.0, 0.72, 3_000.0, 0.40, 1.4, 0),
        ("Saltmere", 235.0, 0.74, 1_900.0, 0.16, 1.0, 1),
        ("Fenwold", 150.0, 0.42, 1_700.0, 0.12, -1.0, 2),
        ("Highmoor", 320.0, 0.40, 1_100.0, 0.06, -0.6, 2),
    ];
    specs
        .iter()
        .map(|&(_name, degrees, fraction, spread_m, weight, deprivation, district)| {
            let theta = f64::to_radians(degrees);
            let r = fraction * coast_radius(coast, theta);
            Town {
                centre: Coord { x: CENTRE.x + r * cos(theta), y: CENTRE.y + r * sin(theta) },
                spread_m,
                weight,
                deprivation,
                district,
            }
        })
        .collect()
}

/// 0 in open country, 1 at a town centre.
fn urbanity(towns: &[Town], p: Coord) -> f64 {
    towns.iter().map(|t| exp(-(distance(p, t.centre) / t.spread_m).powi(2) / 2.0)).fold(0.0, f64::max)
}

fn seed_points(rng: &mut ChaCha8Rng, coast: &Polygon<f64>, towns: &[Town]) -> Vec<Coord> {
    let rural_weight = 1.0 - towns.iter().map(|t| t.weight).sum::<f64>();
    let weights: Vec<f64> = towns.iter().map(|t| t.weight).chain([rural_weight]).collect();
    let choose = WeightedIndex::new(&weights).expect("positive weights");
    let bounds = coast.bounding_rect().expect("the coast has points");
    let mut seeds: Vec<Coord> = Vec::new();
    for _ in 0..60_000 {
        let p = match towns.get(choose.sample(rng)) {
            Some(t) => Coord { x: t.centre.x + normal(rng) * t.spread_m, y: t.centre.y + normal(rng) * t.spread_m },
            None => Coord {
                x: rng.random_range(bounds.min().x..bounds.max().x),
                y: rng.random_range(bounds.min().y..bounds.max().y),
            },
        };
        if !coast.contains(&Point(p)) {
            continue;
        }
        let spacing = 420.0 + 1_450.0 * (1.0 - urbanity(towns, p));
        if seeds.iter().all(|&s| distance(s, p) >= spacing) {
            seeds.push(p);
        }
    }
    seeds
}

/// Keeps the part of a convex polygon on `seed`'s side of the bisector between `seed` and `other`.
fn clip_half_plane(polygon: &[Coord], seed: Coord, other: Coord) -> Vec<Coord> {
    let normal = Coord { x: other.x - seed.x, y: other.y - seed.y };
    let mid = Coord { x: (seed.x + other.x) / 2.0, y: (seed.y + other.y) / 2.0 };
    let side = |p: Coord| (p.x - mid.x) * normal.x + (p.y - mid.y) * normal.y;
    let mut out = Vec::with_capacity(polygon.len() + 1);
    for (i, &a) in polygon.iter().enumerate() {
        let b = polygon[(i + 1) % polygon.len()];
        let (sa, sb) = (side(a), side(b));
        if sa <= 0.0 {
            out.push(a);
        }
        if (sa < 0.0 && sb > 0.0) || (sa > 0.0 && sb < 0.0) {
            let t = sa / (sa - sb);
            out.push(Coord { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) });
        }
    }
    out
}

fn voronoi_cell(seeds: &[Coord], i: usize, bounds: [Coord; 4]) -> Vec<Coord> {
    let mut cell = bounds.to_vec();
    let mut order: Vec<usize> = (0..seeds.len()).filter(|&j| j != i).collect();
    order.sort_by(|&a, &b| distance(seeds[i], seeds[a]).total_cmp(&distance(seeds[i], seeds[b])));
    for j in order {
        let reach = cell.iter().map(|&p| distance(p, seeds[i])).fold(0.0, f64::max);
        if distance(seeds[i], seeds[j]) > 2.0 * reach {
            break;
        }
        cell = clip_half_plane(&cell, seeds[i], seeds[j]);
    }
    cell
}

/// A smooth displacement of the plane, one-to-one (its slope is at most about 0.23), so a tiling stays a tiling.
fn warp(p: Coord, phases: &[f64; 4]) -> Coord {
    Coord {
        x: p.x + 45.0 * sin(p.y / 380.0 + phases[0]) + 70.0 * sin((p.x + p.y) / 900.0 + phases[1]),
        y: p.y + 45.0 * sin(p.x / 420.0 + phases[2]) + 70.0 * sin((p.x - p.y) / 1_000.0 + phases[3]),
    }
}

fn round_tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Densifies a ring to segments of at most 60 m, warps it, and rounds to 0.1 m.
fn warp_ring(ring: &LineString<f64>, phases: &[f64; 4]) -> LineString<f64> {
    let mut out = Vec::new();
    for line in ring.lines() {
        let steps = (distance(line.start, line.end) / 60.0).ceil().max(1.0) as usize;
        for s in 0..steps {
            let t = s as f64 / steps as f64;
            let p = Coord {
                x: line.start.x + t * (line.end.x - line.start.x),
                y: line.start.y + t * (line.end.y - line.start.y),
            };
            let w = warp(p, phases);
            out.push(Coord { x: round_tenth(w.x), y: round_tenth(w.y) });
        }
    }
    if let Some(&first) = out.first() {
        out.push(first);
    }
    LineString(out)
}

fn areas(rng: &mut ChaCha8Rng, coast: &Polygon<f64>, towns: &[Town], field: &Field, seeds: &[Coord]) -> Vec<Area> {
    let phases = [0, 1, 2, 3].map(|_| rng.random::<f64>() * 2.0 * PI);
    let b = coast.bounding_rect().expect("the coast has points");
    let bounds = [
        Coord { x: b.min().x - 1_000.0, y: b.min().y - 1_000.0 },
        Coord { x: b.max().x + 1_000.0, y: b.min().y - 1_000.0 },
        Coord { x: b.max().x + 1_000.0, y: b.max().y + 1_000.0 },
        Coord { x: b.min().x - 1_000.0, y: b.max().y + 1_000.0 },
    ];
    let mut areas: Vec<Area> = Vec::new();
    for i in 0..seeds.len() {
        let mut cell = voronoi_cell(seeds, i, bounds);
        cell.push(cell[0]);
        let clipped = Polygon::new(LineString(cell), vec![]).intersection(coast);
        let shape = MultiPolygon(
            clipped
                .0
                .iter()
                .filter(|p| p.unsigned_area() > 5_000.0)
                .map(|p| {
                    Polygon::new(
                        warp_ring(p.exterior(), &phases),
                        p.interiors().iter().map(|r| warp_ring(r, &phases)).collect(),
                    )
                })
                .collect(),
        );
        let Some(centroid) = shape.centroid() else { continue };
        let centroid = centroid.0;
        let nearest_town = towns
            .iter()
            .min_by(|a, b| distance(centroid, a.centre).total_cmp(&distance(centroid, b.centre)))
            .expect("towns");
        let district = if distance(centroid, towns[0].centre) < 9_000.0 { 0 } else { nearest_town.district.max(1) };
        let coast_km = coast_distance(coast, centroid) / 1_000.0;
        let score = towns
            .iter()
            .map(|t| t.deprivation * exp(-(distance(centroid, t.centre) / (1.6 * t.spread_m)).powi(2) / 2.0))
            .sum::<f64>()
            + 0.45 * field.at(centroid)
            + 0.5 * (1.0 - coast_km / 2.5).max(0.0)
            + 0.3 * normal(rng);
        areas.push(Area {
            code: String::new(),
            name: String::new(),
            district,
            shape,
            centroid,
            score,
            rank: 0,
            decile: 0,
            total: 0,
            children: 0,
            aged_16_59: 0,
            older: 0,
            working_age: 0,
            postcodes: Vec::new(),
        });
    }
    // Codes and names in district order, then north to south in 2 km bands, west to east.
    areas.sort_by(|a, b| {
        (a.district, -(a.centroid.y / 2_000.0).floor() as i64)
            .cmp(&(b.district, -(b.centroid.y / 2_000.0).floor() as i64))
            .then(a.centroid.x.total_cmp(&b.centroid.x))
    });
    let mut in_district = [0usize; 3];
    for (i, area) in areas.iter_mut().enumerate() {
        let k = in_district[area.district];
        in_district[area.district] += 1;
        area.code = format!("E0199{:04}", i + 1);
        let short = DISTRICTS[area.district].1.split(' ').next().unwrap_or("Area");
        area.name = format!("{short} {:03}{} (fictional)", k / 4 + 1, (b'A' + (k % 4) as u8) as char);
    }
    areas
}

fn coast_distance(coast: &Polygon<f64>, p: Coord) -> f64 {
    coast.exterior().points().map(|q| distance(p, q.0)).fold(f64::INFINITY, f64::min)
}

/// Turns scores into national ranks (the region is more deprived than England as a whole) and population.
fn rank_deprivation(rng: &mut ChaCha8Rng, areas: &mut [Area]) {
    let mut order: Vec<usize> = (0..areas.len()).collect();
    order.sort_by(|&a, &b| areas[b].score.total_cmp(&areas[a].score));
    let n = areas.len() as f64;
    let mut used = std::collections::BTreeSet::new();
    for (position, &i) in order.iter().enumerate() {
        let q = (position as f64 + 0.5) / n;
        let national = pow(q, 1.25);
        let mut rank = ((national * NATIONAL_AREAS as f64) as i64 + rng.random_range(-60..=60))
            .clamp(1, NATIONAL_AREAS as i64) as u32;
        while !used.insert(rank) {
            rank = if rank < NATIONAL_AREAS { rank + 1 } else { 1 };
        }
        let area = &mut areas[i];
        area.rank = rank;
        area.decile = crate::reference::deprivation::decile_of_rank(rank, NATIONAL_AREAS);
        let deprived = f64::from(10 - area.decile) / 9.0;
        let total = rng.random_range(1_250.0..2_250.0) + 250.0 * deprived;
        let children = total * (0.15 + 0.08 * deprived + 0.03 * rng.random::<f64>());
        let older = total * (0.30 - 0.12 * deprived + 0.05 * rng.random::<f64>());
        area.total = total.round() as u32;
        area.children = children.round() as u32;
        area.older = older.round() as u32;
        area.aged_16_59 = area.total - area.children - area.older;
        area.working_age = area.aged_16_59 + aged_60_to_64(area.older);
    }
}

/// The 60–64-year-olds among those aged 60 and over (about a fifth, as in England's 2021 census).
fn aged_60_to_64(older: u32) -> u32 {
    (f64::from(older) * 0.22).round() as u32
}

fn random_point_in(rng: &mut ChaCha8Rng, shape: &MultiPolygon<f64>) -> Coord {
    let b = shape.bounding_rect().expect("areas have points");
    loop {
        let p = Coord {
            x: rng.random_range(b.min().x..b.max().x).round(),
            y: rng.random_range(b.min().y..b.max().y).round(),
        };
        if shape.contains(&Point(p)) {
            return p;
        }
    }
}

fn postcodes(rng: &mut ChaCha8Rng, areas: &mut [Area]) -> Vec<PostcodePoint> {
    // Postcode districts: 20 centres spread by farthest-point sampling from the city centre area.
    let mut centres: Vec<Coord> = vec![areas[0].centroid];
    while centres.len() < 20 {
        let far = areas
            .iter()
            .map(|a| a.centroid)
            .max_by(|&a, &b| {
                let da = centres.iter().map(|&c| distance(a, c)).fold(f64::INFINITY, f64::min);
                let db = centres.iter().map(|&c| distance(b, c)).fold(f64::INFINITY, f64::min);
                da.total_cmp(&db)
            })
            .expect("areas");
        centres.push(far);
    }
    let nearest = |p: Coord| {
        (0..centres.len())
            .min_by(|&a, &b| distance(p, centres[a]).total_cmp(&distance(p, centres[b])))
            .expect("centres")
    };
    let mut units: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, area) in areas.iter_mut().enumerate() {
        let district = nearest(area.centroid) + 1;
        let sector = 1 + (i * 7 + district) % 9;
        let count = (f64::from(area.total) / 2.35 / 16.0 + rng.random_range(-4.0..4.0)).round() as usize;
        for _ in 0..count {
            let unit = units.entry((district, sector)).or_default();
            let code = format!(
                "QZ{district} {sector}{}{}",
                UNIT_LETTERS[*unit / UNIT_LETTERS.len() % UNIT_LETTERS.len()] as char,
                UNIT_LETTERS[*unit % UNIT_LETTERS.len()] as char
            );
            *unit += 1;
            area.postcodes.push(out.len());
            out.push(PostcodePoint { code, point: Some(random_point_in(rng, &area.shape)) });
        }
    }
    // A few postcodes whose grid reference is missing, as in real directories (ONSPD grid indicator 9).
    for k in 0..5 {
        out.push(PostcodePoint { code: format!("QZ{} 9ZZ", k + 1), point: None });
    }
    // Moorings and harbour walls just off the coast: placed in the nearest area ("nearest").
    let all: Vec<MultiPolygon<f64>> = areas.iter().map(|a| a.shape.clone()).collect();
    let mut offshore = 0;
    while offshore < 8 {
        let theta = rng.random::<f64>() * 2.0 * PI;
        let mut r = RADIUS_M * 0.6;
        let at = |r: f64| Coord { x: (CENTRE.x + r * cos(theta)).round(), y: (CENTRE.y + r * sin(theta)).round() };
        while all.iter().any(|s| s.contains(&Point(at(r)))) || r < RADIUS_M * 0.6 + 1.0 {
            r += 20.0;
        }
        let p = at(r + rng.random_range(60.0..400.0));
        let Some(coastal) = all.iter().position(|s| s.contains(&Point(at(r - 20.0)))) else { continue };
        if all.iter().any(|s| s.contains(&Point(p))) {
            continue;
        }
        areas[coastal].postcodes.push(out.len());
        out.push(PostcodePoint {
            code: format!("QZ{} 9Y{}", offshore + 1, UNIT_LETTERS[offshore] as char),
            point: Some(p),
        });
        offshore += 1;
    }
    out
}

fn sites(towns: &[Town], postcodes: &[PostcodePoint]) -> Vec<Site> {
    let nearest_postcode = |p: Coord| {
        postcodes
            .iter()
            .filter_map(|pc| pc.point.map(|q| (pc, q)))
            .min_by(|a, b| distance(a.1, p).total_cmp(&distance(b.1, p)))
            .map(|(pc, q)| (pc.code.clone(), q))
            .expect("postcodes")
    };
    let offset = |t: &Town, dx: f64, dy: f64| Coord { x: t.centre.x + dx, y: t.centre.y + dy };
    let (general_postcode, general) = nearest_postcode(offset(&towns[0], -900.0, -700.0));
    let (fenwold_postcode, fenwold) = nearest_postcode(offset(&towns[2], 300.0, 200.0));
    vec![
        Site {
            code: "AH01",
            name: "Anchorhaven General Hospital",
            point: general,
            postcode: Some(general_postcode),
            staff_weight: 0.66,
        },
        Site {
            code: "AH02",
            name: "Anchorhaven Eye and Outpatient Centre",
            point: offset(&towns[0], 1_600.0, 900.0),
            postcode: None,
            staff_weight: 0.07,
        },
        Site {
            code: "SM01",
            name: "Saltmere Community Hospital",
            point: offset(&towns[1], 200.0, 300.0),
            postcode: None,
            staff_weight: 0.14,
        },
        Site {
            code: "FW01",
            name: "Fenwold Treatment Centre",
            point: fenwold,
            postcode: Some(fenwold_postcode),
            staff_weight: 0.13,
        },
    ]
}

fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    writer.write_record(header).expect("in memory");
    for row in rows {
        writer.write_record(&row).expect("in memory");
    }
    String::from_utf8(writer.into_inner().expect("in memory")).expect("UTF-8")
}

fn boundaries_geojson(region: &Region) -> String {
    let mut text = String::from(
        "{\"type\":\"FeatureCollection\",\"name\":\"Anchorshire small areas (FICTIONAL demo data generated by anchormap)\",\
         \"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},\"features\":[\n",
    );
    for (i, area) in region.areas.iter().enumerate() {
        let polygons: Vec<String> = area
            .shape
            .0
            .iter()
            .map(|p| {
                let rings: Vec<String> = std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| {
                        let points: Vec<String> = r.0.iter().map(|c| format!("[{:.1},{:.1}]", c.x, c.y)).collect();
                        format!("[{}]", points.join(","))
                    })
                    .collect();
                format!("[{}]", rings.join(","))
            })
            .collect();
        text.push_str(&format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"LSOA21CD\":\"{}\",\"LSOA21NM\":\"{}\"}},\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":[{}]}}}}{}\n",
            area.code,
            area.name,
            polygons.join(","),
            if i + 1 < region.areas.len() { "," } else { "" }
        ));
    }
    text.push_str("]}\n");
    text
}

/// The first four columns of IoD2025 File 1: area and district, code and name.
const IOD_AREA_HEADER: [&str; 4] = [
    "\u{feff}LSOA code (2021)",
    "LSOA name (2021)",
    "Local Authority District code (fictional)",
    "Local Authority District name (fictional)",
];

/// An IoD-layout CSV: the area columns, then `columns` with each area's `values`.
fn iod_csv(region: &Region, columns: &[&str], values: impl Fn(&Area) -> Vec<String>) -> String {
    let header: Vec<&str> = IOD_AREA_HEADER.iter().chain(columns).copied().collect();
    csv_text(
        &header,
        region.areas.iter().map(|a| {
            let (code, name) = DISTRICTS[a.district];
            [a.code.clone(), a.name.clone(), code.to_string(), name.to_string()].into_iter().chain(values(a)).collect()
        }),
    )
}

/// IoD2025 File 1 layout as published: byte-order mark, the decile header cut short ("...10% of
/// LSOA"), plain ranks, no final newline; districts labelled fictional.
fn deprivation_csv(region: &Region) -> String {
    let columns = [
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA",
    ];
    let text = iod_csv(region, &columns, |a| vec![a.rank.to_string(), a.decile.to_string()]);
    text.trim_end_matches('\n').to_string()
}

/// The Census 2021 usual residents by age in the layout of the ONS table of six age groups with
/// the working-age count `aged_16_to_64` (as `census2021_lsoa21_age6_16to64.csv`).
fn population_csv(region: &Region) -> String {
    csv_text(
        &[
            "lsoa21_code",
            "lsoa21_name",
            "Aged 15 years and under",
            "Aged 16 to 24 years",
            "Aged 25 to 34 years",
            "Aged 35 to 49 years",
            "Aged 50 to 64 years",
            "Aged 65 years and over",
            "total_sum_of_cells",
            "aged_16_to_64",
        ],
        region.areas.iter().map(|a| {
            let working = a.working_age;
            let share = |s: f64| (f64::from(working) * s).round() as u32;
            let (b16, b25, b35) = (share(0.18), share(0.22), share(0.31));
            let b50 = working - b16 - b25 - b35;
            let over_65 = a.older - aged_60_to_64(a.older);
            [a.children, b16, b25, b35, b50, over_65, a.total, working].iter().fold(
                vec![a.code.clone(), a.name.clone()],
                |mut row, n| {
                    row.push(n.to_string());
                    row
                },
            )
        }),
    )
}

/// Area -> district -> ICB, for stating the community (`--community-filter icb_code=E54999999`).
fn lookup_csv(region: &Region) -> String {
    csv_text(
        &["area_code", "area_name", "district_code", "district_name", "icb_code", "icb_name"],
        region.areas.iter().map(|a| {
            let (code, name) = DISTRICTS[a.district];
            vec![a.code.clone(), a.name.clone(), code.into(), name.into(), ICB.0.into(), ICB.1.into()]
        }),
    )
}

/// ONSPD layout: postcode, easting, northing, grid reference indicator, country.
fn postcodes_csv(region: &Region) -> String {
    csv_text(
        &["pcds", "oseast1m", "osnrth1m", "osgrdind", "ctry"],
        region.postcodes.iter().map(|pc| match pc.point {
            Some(p) => {
                vec![pc.code.clone(), format!("{:.0}", p.x), format!("{:.0}", p.y), "1".into(), "E92000001".into()]
            }
            None => vec![pc.code.clone(), String::new(), String::new(), "9".into(), "E92000001".into()],
        }),
    )
}

fn sites_csv(region: &Region) -> String {
    csv_text(
        &["site_code", "site_name", "postcode", "easting", "northing"],
        region.sites.iter().map(|s| match &s.postcode {
            Some(pc) => vec![s.code.into(), s.name.into(), pc.clone(), String::new(), String::new()],
            None => vec![
                s.code.into(),
                s.name.into(),
                String::new(),
                format!("{:.0}", s.point.x),
                format!("{:.0}", s.point.y),
            ],
        }),
    )
}

/// NHS staff groups (ESR names), their share of staff, and their bands with shares.
/// Bands of a staff group with their shares.
type Bands = &'static [(&'static str, f64)];

const STAFF_GROUPS: [(&str, f64, Bands); 8] = [
    (
        "Nursing and Midwifery Registered",
        0.27,
        &[("Band 5", 0.45), ("Band 6", 0.33), ("Band 7", 0.17), ("Band 8a", 0.05)],
    ),
    ("Additional Clinical Services", 0.24, &[("Band 2", 0.35), ("Band 3", 0.45), ("Band 4", 0.20)]),
    (
        "Administrative and Clerical",
        0.20,
        &[
            ("Band 2", 0.15),
            ("Band 3", 0.30),
            ("Band 4", 0.20),
            ("Band 5", 0.12),
            ("Band 6", 0.08),
            ("Band 7", 0.07),
            ("Band 8a", 0.05),
            ("Band 8b", 0.03),
        ],
    ),
    ("Medical and Dental", 0.09, &[("Consultant", 0.45), ("Specialty Doctor", 0.20), ("Doctor in Training", 0.35)]),
    ("Allied Health Professionals", 0.07, &[("Band 5", 0.30), ("Band 6", 0.40), ("Band 7", 0.25), ("Band 8a", 0.05)]),
    ("Estates and Ancillary", 0.08, &[("Band 2", 0.60), ("Band 3", 0.25), ("Band 4", 0.10), ("Band 5", 0.05)]),
    (
        "Additional Professional Scientific and Technical",
        0.03,
        &[("Band 4", 0.20), ("Band 5", 0.30), ("Band 6", 0.30), ("Band 7", 0.20)],
    ),
    ("Healthcare Scientists", 0.02, &[("Band 5", 0.30), ("Band 6", 0.30), ("Band 7", 0.30), ("Band 8a", 0.10)]),
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, f64)]) -> &'a T {
    let weights: Vec<f64> = items.iter().map(|(_, w)| *w).collect();
    &items[WeightedIndex::new(&weights).expect("positive weights").sample(rng)].0
}

/// How a person's area is chosen: weight per area by distance from a site and deprivation.
fn choose_area(rng: &mut ChaCha8Rng, areas: &[Area], weight: impl Fn(&Area) -> f64) -> usize {
    let weights: Vec<f64> = areas.iter().map(weight).collect();
    WeightedIndex::new(&weights).expect("positive weights").sample(rng)
}

/// A postcode as people write it: mostly tidy, sometimes lower case, without the space or with extra spaces.
fn as_written(rng: &mut ChaCha8Rng, code: &str) -> String {
    match rng.random_range(0..100) {
        0..=14 => code.to_lowercase(),
        15..=22 => code.replace(' ', ""),
        23..=24 => format!(" {} ", code.replace(' ', "  ")),
        _ => code.to_string(),
    }
}

/// Rows whose postcode is unusable, as in real extracts: blank, mistyped, or not in the directory.
fn damaged(rng: &mut ChaCha8Rng, code: &str, per_thousand: u32) -> Option<String> {
    let roll = rng.random_range(0..1000);
    if roll >= per_thousand * 3 {
        return None;
    }
    Some(match roll % 3 {
        0 => String::new(),
        1 => code[..code.len() - 1].to_string(),
        _ => format!("QZ{} {}AB", rng.random_range(21..30), rng.random_range(1..10)),
    })
}

fn home_postcode(rng: &mut ChaCha8Rng, region: &Region, area: usize, per_thousand: u32) -> String {
    let area = &region.areas[area];
    let code = &region.postcodes[area.postcodes[rng.random_range(0..area.postcodes.len())]].code;
    damaged(rng, code, per_thousand).unwrap_or_else(|| as_written(rng, code))
}

fn date(days_since_2000: i64) -> String {
    // Civil-from-days (Howard Hinnant), for dates from 2000-03-01.
    let z = days_since_2000 + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days from 2000-01-01 to 1 April 2025 (the demo's new-starter date and the start of its outpatient year).
const APRIL_2025: i64 = 9_222;

fn staff_csv(rng: &mut ChaCha8Rng, region: &Region) -> String {
    let site_weights: Vec<(usize, f64)> = region.sites.iter().enumerate().map(|(i, s)| (i, s.staff_weight)).collect();
    let groups: Vec<(usize, f64)> = STAFF_GROUPS.iter().enumerate().map(|(i, g)| (i, g.1)).collect();
    let mut rows = Vec::new();
    for n in 0..6_400u32 {
        let site = &region.sites[*pick(rng, &site_weights)];
        let (group, _, bands) = STAFF_GROUPS[*pick(rng, &groups)];
        let band = *pick(rng, bands);
        let entry = crate::input::band::Band::parse(band).is_entry_level();
        let new_starter = rng.random_range(0..100) < 11;
        let start = if new_starter {
            APRIL_2025 + rng.random_range(0..545)
        } else {
            APRIL_2025 - (rng.random::<f64>().powi(2) * 12_000.0) as i64 - 1
        };
        let scale_m = if entry {
            8_000.0
        } else if band.starts_with("Band") {
            14_000.0
        } else {
            20_000.0
        };
        let area = choose_area(rng, &region.areas, |a| {
            let represented = match (a.decile, entry, new_starter) {
                (1..=2, true, _) => 0.75,
                (1..=2, false, true) => 0.6,
                (1..=2, false, false) => 0.35,
                (3..=4, false, _) => 0.7,
                (7..=10, false, _) => 1.4,
                _ => 1.0,
            };
            f64::from(a.working_age) * exp(-distance(a.centroid, site.point) / scale_m) * represented
        });
        rows.push(vec![
            format!("{}", 20_400_000 + n * 7),
            group.to_string(),
            band.to_string(),
            site.code.to_string(),
            date(start),
            home_postcode(rng, region, area, 3),
            // Contracted WTE, part time for about one in four (no draw: the region stays as it was).
            ["1.00", "1.00", "0.80", "1.00", "0.60", "1.00", "1.00", "0.53"][(n % 8) as usize].to_string(),
        ]);
    }
    // A few staff whose postcode has no grid reference in the directory.
    for (k, row) in rows.iter_mut().step_by(1_500).enumerate() {
        row[5] = format!("QZ{} 9ZZ", k + 1);
    }
    let headers =
        ["employee_number", "staff_group", "band", "site_code", "start_date", "home_postcode", "contracted_wte"];
    csv_text(&headers, rows)
}

fn vacancies_csv(rng: &mut ChaCha8Rng, region: &Region) -> String {
    let site_weights: Vec<(usize, f64)> = region.sites.iter().enumerate().map(|(i, s)| (i, s.staff_weight)).collect();
    // Vacancies lean to the groups with most turnover.
    let groups: Vec<(usize, f64)> =
        STAFF_GROUPS.iter().enumerate().map(|(i, g)| (i, g.1 * if i == 1 || i == 5 { 1.8 } else { 1.0 })).collect();
    let rows = (0..320).map(|n| {
        let site = &region.sites[*pick(rng, &site_weights)];
        let (group, _, bands) = STAFF_GROUPS[*pick(rng, &groups)];
        let band = *pick(rng, bands);
        let entry = crate::input::band::Band::parse(band).is_entry_level() && !band.ends_with('4');
        vec![
            format!("DEMO-V{:04}", n + 1),
            site.code.into(),
            group.into(),
            band.into(),
            if entry { "Y" } else { "N" }.into(),
        ]
    });
    csv_text(&["vacancy_id", "site_code", "staff_group", "band", "entry_level"], rows.collect::<Vec<_>>())
}

/// Outpatient specialties: treatment function code, share of appointments, the sites that run them.
const SPECIALTIES: [(&str, f64, &[&str]); 12] = [
    ("100", 0.08, &["AH01", "SM01"]),
    ("110", 0.12, &["AH01", "FW01"]),
    ("120", 0.06, &["AH02", "AH01"]),
    ("130", 0.14, &["AH02", "FW01"]),
    ("300", 0.07, &["AH01", "SM01"]),
    ("320", 0.08, &["AH01"]),
    ("330", 0.07, &["AH01", "FW01"]),
    ("340", 0.05, &["AH01", "SM01"]),
    ("410", 0.05, &["FW01"]),
    ("420", 0.06, &["AH01"]),
    ("502", 0.07, &["AH01", "SM01"]),
    ("650", 0.15, &["SM01", "FW01", "AH01"]),
];

fn appointments_csv(rng: &mut ChaCha8Rng, region: &Region) -> String {
    let need: Vec<f64> = region
        .areas
        .iter()
        .map(|a| {
            f64::from(a.total)
                * match a.decile {
                    1..=2 => 1.35,
                    3..=4 => 1.15,
                    _ => 1.0,
                }
        })
        .collect();
    let choose_patient = WeightedIndex::new(&need).expect("positive weights");
    let specialties: Vec<(usize, f64)> = SPECIALTIES.iter().enumerate().map(|(i, s)| (i, s.1)).collect();
    let modes = [("01", 0.74), ("02", 0.20), ("03", 0.06)];
    let kinds = [("First", 0.33), ("Follow-up", 0.67)];
    let mut rows = Vec::with_capacity(100_000);
    for n in 0..100_000u32 {
        let (code, _, offered) = SPECIALTIES[*pick(rng, &specialties)];
        let area = choose_patient.sample(rng);
        let home = region.areas[area].centroid;
        let site_choices: Vec<(&Site, f64)> = region
            .sites
            .iter()
            .filter(|s| offered.contains(&s.code))
            .map(|s| (s, s.staff_weight * exp(-distance(home, s.point) / 8_000.0)))
            .collect();
        let site = pick(rng, &site_choices);
        let mut day = APRIL_2025 + rng.random_range(0..365);
        // 2000-01-01 was a Saturday: move weekend days to the Monday after.
        match day % 7 {
            0 => day += 2,
            1 => day += 1,
            _ => {}
        }
        rows.push(vec![
            format!("{:06}", n + 1),
            home_postcode(rng, region, area, 2),
            site.code.into(),
            (*pick(rng, &modes)).into(),
            code.into(),
            (*pick(rng, &kinds)).into(),
            date(day),
        ]);
    }
    csv_text(
        &[
            "attendance_id",
            "patient_postcode",
            "site_code",
            "consultation_medium_used",
            "treatment_function_code",
            "first_follow_up",
            "appointment_date",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(date(0), "2000-01-01");
        assert_eq!(date(APRIL_2025), "2025-04-01");
        assert_eq!(date(APRIL_2025 + 365), "2026-04-01");
    }

    #[test]
    fn half_plane_clip_keeps_the_seed_side() {
        let square =
            [Coord { x: 0.0, y: 0.0 }, Coord { x: 2.0, y: 0.0 }, Coord { x: 2.0, y: 2.0 }, Coord { x: 0.0, y: 2.0 }];
        let half = clip_half_plane(&square, Coord { x: 0.5, y: 1.0 }, Coord { x: 1.5, y: 1.0 });
        let area = Polygon::new(LineString(half), vec![]).unsigned_area();
        assert!((area - 2.0).abs() < 1e-9, "{area}");
    }
}
