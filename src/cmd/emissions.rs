//! `anchormap emissions`: patient travel to outpatient appointments as km, kg CO2e, cost and time by area, decile, site and specialty, with a virtual-care scenario.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{bail, Context as _};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::json;

use crate::analysis::emissions::{EmissionsTally, Measures, PlacedAppointment, Scenario, ShiftScope};
use crate::analysis::travel::{EmissionFactors, TravelModel, Trip};
use crate::analysis::{AreaFacts, Areas};
use crate::cli::EmissionsArgs;
use crate::error::{Error, Location};
use crate::geocoder::{Geocoded, Geocoder, MatchStatus};
use crate::input::appointments::{AppointmentColumns, Attended, NoJourney, UnrecognisedAppointmentValues};
use crate::input::csv_input::Row;
use crate::input::distance_matrix::DistanceMatrix;
use crate::input::sites::{read_sites, Site, SiteNames};
use crate::input::staff::Date;
use crate::reference::bridge::{shares, AreaBridge, Change};
use crate::input::CsvInput;
use crate::output::disclosure::{Cell, Margins};
use crate::output::published::{PublishedEmissions, PublishedMeasures};
use crate::output::run_folder::RunFolder;
use crate::output::summary::{mass, quantity, thousands, write_run_summaries, INTERNAL_FOLDER};
use crate::output::table::{fixed, Table};
use crate::output::{geojson, progress};
use crate::reference::population::TOTAL_POPULATION_COLUMN;
use crate::reference::Population;

const BATCH_ROWS: usize = 65_536;

/// Why an appointment row could not be placed (it is counted, never dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unplaced {
    InvalidPostcode,
    UnknownPostcode,
    NoCoordinates,
    UnknownArea,
    NoPatientLocation,
    UnknownSite,
    SiteNotLocated,
}

impl Unplaced {
    fn as_str(self) -> &'static str {
        match self {
            Unplaced::InvalidPostcode => "invalid_postcode",
            Unplaced::UnknownPostcode => "unknown_postcode",
            Unplaced::NoCoordinates => "no_coordinates",
            Unplaced::UnknownArea => "unknown_area",
            Unplaced::NoPatientLocation => "no_patient_location",
            Unplaced::UnknownSite => "unknown_site",
            Unplaced::SiteNotLocated => "site_not_located",
        }
    }
}

/// What became of one row.
enum Outcome {
    Placed { placed: PlacedAppointment, by_area_code: bool, from_matrix: bool },
    /// A patient area code of the other vintage, placed on its parts here (shares of the count).
    Bridged { parts: Vec<PlacedAppointment>, change: Change, from_matrix: f64 },
    Unplaced { reason: Unplaced, appointments: f64 },
    /// Not attended (did not attend, cancelled, not yet held): no journey.
    NotAttended { reason: NoJourney, appointments: f64 },
    InvalidCount,
}

/// Counts of rows and appointments by what became of them.
#[derive(Debug, Default, Serialize)]
struct Counts {
    rows: u64,
    rows_with_invalid_count: u64,
    appointments_total: f64,
    appointments_placed: f64,
    unplaced_by_reason: BTreeMap<&'static str, f64>,
    unplaced_rows_by_reason: BTreeMap<&'static str, u64>,
    not_attended_by_reason: BTreeMap<&'static str, f64>,
    bridged_by_change: BTreeMap<&'static str, f64>,
    patients_located_by_postcode: f64,
    patients_located_by_area_centroid: f64,
    patients_outside_the_boundaries: f64,
    trips_from_distance_matrix: f64,
    trips_from_straight_line: f64,
    dates_not_read: u64,
    #[serde(skip)]
    first_date: Option<Date>,
    #[serde(skip)]
    last_date: Option<Date>,
}

/// Everything a row needs to be placed.
struct Placer<'a> {
    areas: &'a Areas,
    columns: AppointmentColumns,
    area_by_code: FxHashMap<&'a str, usize>,
    site_names: SiteNames,
    bridge: Option<AreaBridge>,
    sites: &'a [Site],
    matrix: FxHashMap<(usize, usize), (f64, Option<f64>)>,
    model: &'a TravelModel,
    scenario: Scenario,
}

pub fn run(args: EmissionsArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let quiet = args.output.quiet;
    if args.reference.deprivation.is_none() {
        bail!(crate::Error::usage("emissions needs --deprivation (an IoD file) to report by deprivation decile"));
    }
    let input = CsvInput::open(&args.appointments)?;
    let columns = AppointmentColumns::resolve(&input, &args.appointment_columns)?;
    let applies_to = match (args.shift_applies_to, columns.first_follow_up) {
        (Some(ShiftScope::FollowUps), None) => bail!(Error::invalid(
            Location::file(&args.appointments),
            format!(
                "--shift-applies-to follow-ups needs a first/follow-up column (name it with --appointment-columns first_follow_up=HEADER); the header has {}",
                crate::columns::list_headers(&input.headers)
            )
        )),
        (Some(scope), _) => scope,
        (None, Some(_)) => ShiftScope::FollowUps,
        (None, None) if args.shift_to_virtual > 0.0 => bail!(Error::invalid(
            Location::file(&args.appointments),
            format!(
                "no first/follow-up column, so the scenario cannot be limited to follow-ups: name it with \
                 --appointment-columns first_follow_up=HEADER, or move any face-to-face appointment with --shift-applies-to all; \
                 the header has {}",
                crate::columns::list_headers(&input.headers)
            )
        )),
        (None, None) => ShiftScope::All,
    };
    let scenario = Scenario { fraction: args.shift_to_virtual, applies_to };
    let factors = match &args.travel.factors {
        Some(path) => EmissionFactors::read(path)?,
        None => EmissionFactors::uk_2025(),
    };
    let model = TravelModel::new(
        args.travel.circuity,
        args.travel.mode_share.clone(),
        &factors,
        args.travel.mileage_rate,
        args.travel.speed_kmh,
    )
    .map_err(|e| anyhow::anyhow!("--mode-share: {e}"))?;
    let mut inputs = args.reference.files();
    inputs.extend([Some(&args.appointments), Some(&args.sites), args.population.as_ref(), args.travel.factors.as_ref(), args.travel.distance_matrix.as_ref(), args.area_bridge.as_ref()].into_iter().flatten().map(|p| p.as_path()));
    let folder = RunFolder::create(&args.output.out, args.output.force, &inputs)?;
    let disclosure = args.disclosure.rule();

    let geocoder = Geocoder::load(&args.reference.paths()).context("loading reference data")?;
    let population = args
        .population
        .as_deref()
        .map(|p| Population::load_column(p, &args.population_columns, &TOTAL_POPULATION_COLUMN))
        .transpose()
        .context("loading population")?;
    if let Some(population) = &population {
        population.check_vintage(&geocoder.boundaries.geography)?;
    }
    let areas = Areas::collect(&geocoder, population.as_ref());
    let facts = &areas.facts;
    let mut warnings = geocoder.notes.clone();
    if let (Some(coverage), Some(path)) = (geocoder.coverage(), &args.reference.deprivation) {
        coverage.check_same_vintage(path)?;
    }
    if let Some(w) = geocoder.coverage().as_ref().and_then(|c| c.warning()) {
        warnings.push(w);
    }
    let sites = read_sites(&args.sites, &args.site_columns, Some(&geocoder.directory))?;
    for site in sites.iter().filter(|s| s.location.is_none()) {
        warnings.push(format!("site {} could not be located ({})", site.label, site.located_by));
    }
    let area_by_code: FxHashMap<&str, usize> = facts.iter().enumerate().map(|(i, a)| (a.code.as_str(), i)).collect();
    let site_names = SiteNames::new(&sites);
    let bridge = args
        .area_bridge
        .as_deref()
        .map(|path| AreaBridge::load(path, &geocoder.boundaries.geography, &args.area_bridge_columns))
        .transpose()?;
    let mut matrix = FxHashMap::default();
    let mut matrix_rows_bridged = BTreeMap::new();
    if let Some(path) = &args.travel.distance_matrix {
        let mut read = DistanceMatrix::read(path, &args.travel.distance_matrix_columns)?;
        let rows_read = read.len();
        if let Some(bridge) = &bridge {
            (read, matrix_rows_bridged) = read.bridged(bridge, |code| area_by_code.contains_key(code));
        }
        let mut unknown = 0;
        for ((area, site), value) in read.iter() {
            match (area_by_code.get(area.as_str()), site_names.find(site)) {
                (Some(a), Some(s)) => {
                    matrix.insert((*a, s), *value);
                }
                _ => unknown += 1,
            }
        }
        if unknown > 0 {
            warnings.push(format!(
                "{unknown} of {rows_read} distance matrix rows name an area or site not in the inputs",
            ));
        }
    }
    let context =
        Placer { areas: &areas, columns, area_by_code, site_names, bridge, sites: &sites, matrix, model: &model, scenario };

    // Stream the appointments: place in parallel, accumulate in order.
    let mut tally = EmissionsTally::new(facts.len(), sites.len());
    let mut counts = Counts::default();
    let mut unrecognised = UnrecognisedAppointmentValues::default();
    let bar = progress::counter("placing appointments");
    let input = input.for_each_batch(BATCH_ROWS, |batch| -> anyhow::Result<()> {
        let geocoded = match columns.postcode {
            Some(_) => geocoder.geocode_many(&batch.iter().map(|row| columns.postcode(row)).collect::<Vec<_>>()),
            None => Vec::new(),
        };
        let outcomes: Vec<Outcome> =
            batch.par_iter().enumerate().map(|(i, row)| context.place(row, geocoded.get(i))).collect();
        for (row, outcome) in batch.iter().zip(outcomes) {
            counts.add(&outcome);
            match &outcome {
                Outcome::Placed { placed, .. } => tally.add(placed, columns.specialty.map(|_| columns.specialty(row))),
                Outcome::Bridged { parts, .. } => {
                    for placed in parts {
                        tally.add(placed, columns.specialty.map(|_| columns.specialty(row)));
                    }
                }
                _ => {}
            }
            if columns.date.is_some() {
                counts.add_date(columns.date(row), row, &columns);
            }
            unrecognised.add(row, &columns);
        }
        bar.inc(batch.len() as u64);
        Ok(())
    })?;
    bar.finish_and_clear();
    if input.short_rows > 0 {
        warnings.push(format!("{} appointment rows had fewer fields than the header", input.short_rows));
    }
    warnings.extend(crate::postcode::withheld_warning());
    if counts.rows_with_invalid_count > 0 {
        warnings.push(format!(
            "{} row(s) have a blank, negative or fractional count and were not counted",
            counts.rows_with_invalid_count
        ));
    }
    warnings.extend(unrecognised.check(&args.appointments, &input.headers, &columns, counts.rows, counts.dates_not_read)?);

    // Tables: every count under the rule, hidden consistently across tables, figures from published counts.
    let out = folder.path();
    let area_deciles: Vec<Option<u8>> = facts.iter().map(|a| a.decile).collect();
    let published = PublishedEmissions::new(&tally, &area_deciles, scenario.fraction, &disclosure);
    let (area_table, area_features) = area_table(facts, &tally, &published);
    area_table.write_csv(&out.join("emissions_by_area.csv"))?;
    geojson::write_areas(
        &out.join("emissions_by_area.geojson"),
        area_features.into_iter().map(|(i, properties)| (areas.shape(i), properties)),
    )?;
    decile_table(facts, &published).write_csv(&out.join("emissions_by_decile.csv"))?;
    site_table(&sites, &published).write_csv(&out.join("emissions_by_site.csv"))?;
    let mut written =
        vec!["emissions_by_area.csv", "emissions_by_area.geojson", "emissions_by_decile.csv", "emissions_by_site.csv"];
    if columns.specialty.is_some() {
        specialty_table(&published).write_csv(&out.join("emissions_by_specialty.csv"))?;
        written.push("emissions_by_specialty.csv");
    }

    for w in &warnings {
        eprintln!("anchormap: warning: {w}");
    }
    let total = tally.total();
    let assumptions = json!({
        "distance": if context.matrix.is_empty() {
            "straight line between patient point and site, times the circuity factor, both ways"
        } else {
            "the distance matrix's one-way road distance where it has the area and site, else straight line times the circuity factor; both ways"
        },
        "patient_point": "the postcode's Code-Point/ONSPD point; the area's centroid when only an area code is given",
        "circuity": model.circuity,
        "return_trip": true,
        "mode_share": model.mode_share,
        "kgco2e_per_km_by_mode": model.factors,
        "kgco2e_per_passenger_km_blended": model.kgco2e_per_km,
        "factors_source": model.factors_source,
        "well_to_tank": "excluded (direct emissions only)",
        "car_occupancy": "one patient per car; car and motorbike factors are per vehicle-km",
        "mileage_rate_gbp_per_mile": model.mileage_gbp_per_mile,
        "cost": "car share of patient miles at the mileage rate; fares for other modes are not estimated",
        "speed_kmh": model.speed_kmh,
        "unrecorded_mode": "counted as face to face",
        "virtual": "telephone, video/telemedicine, talk type, email and SMS appointments involve no patient travel",
        "published_figures": "counts under the disclosure rule; km, kg CO2e, £ and hours are the published count times the per-trip average to 3 significant figures, hidden with their count",
    });
    // Published: counts follow the rule (placed and each reason add up to the total, so they are
    // protected as one line); every figure is the total row of the published tables.
    let reasons: Vec<&'static str> = counts.unplaced_by_reason.keys().copied().collect();
    let mut line: Vec<f64> = vec![counts.appointments_total, counts.appointments_placed];
    line.extend(counts.unplaced_by_reason.values());
    line.extend(counts.not_attended_by_reason.values());
    let unplaced_end = 2 + reasons.len();
    let mut margins = Margins::new();
    margins.add(1..line.len(), 0);
    let line = disclosure.cells(&line, &margins);
    let t = &published.total;
    let c20 = &published.core20;
    let value = |cell: Cell, decimals: i32| cell.value().map(|v| round(v, decimals));
    let share = |part: Cell, whole: Cell| match (part.value(), whole.value()) {
        (Some(p), Some(w)) if w > 0.0 => Some(round(p / w, 4)),
        _ => None,
    };
    let public = json!({
        "appointments_file": file_name(&args.appointments),
        "appointments_total": line[0].value(),
        "appointments_placed": line[1].value(),
        "unplaced_by_reason": reasons.iter().zip(&line[2..unplaced_end]).map(|(r, c)| (r.to_string(), c.value())).collect::<BTreeMap<_, _>>(),
        "not_attended_by_reason": counts.not_attended_by_reason.keys().zip(&line[unplaced_end..]).map(|(r, c)| (r.to_string(), c.value())).collect::<BTreeMap<_, _>>(),
        "dates": counts.first_date.map(|first| json!({
            "first": first.to_string(),
            "last": counts.last_date.map(|d| d.to_string()),
        })),
        "face_to_face": t.face_to_face.value(),
        "virtual": t.virtual_.value(),
        "patient_km_total": value(t.patient_km, 1),
        "kgco2e_total": value(t.kgco2e, 3),
        "tco2e_total": t.kgco2e.value().map(|kg| round(kg / 1000.0, 3)),
        "kgco2e_avoided": value(t.kgco2e_avoided, 3),
        "scenario_kgco2e_saved": value(t.scenario_kgco2e_saved, 3),
        "scenario": {
            "shift_to_virtual": scenario.fraction,
            "applies_to": scenario.applies_to,
            "appointments_eligible": t.scenario_eligible.value(),
            "appointments_shifted": value(t.scenario_appointments_shifted, 1),
            "patient_km_saved": value(t.scenario_patient_km_saved, 1),
            "patient_miles_saved": t.scenario_patient_km_saved.value().map(|km| round(km / 1.609_344, 1)),
            "kgco2e_saved": value(t.scenario_kgco2e_saved, 3),
            "cost_saved_gbp": value(t.scenario_cost_saved_gbp, 2),
            "hours_saved": value(t.scenario_hours_saved, 1),
            "share_of_saving_to_deciles_1_2": share(c20.scenario_kgco2e_saved, t.scenario_kgco2e_saved),
            "share_of_face_to_face_from_deciles_1_2": share(c20.face_to_face, t.face_to_face),
        },
        "assumptions": assumptions,
        "units": {
            "kgco2e": "kilograms of CO2 equivalent, 3 decimal places (tco2e: tonnes)",
            "patient_km": "passenger-kilometres, both ways, 1 decimal place",
            "cost_saved_gbp": "pounds sterling, 2 decimal places",
            "hours_saved": "patient hours, 1 decimal place",
            "counts": "appointments under the disclosure rule: null where suppressed",
        },
        "disclosure": disclosure,
        "population_column": population.as_ref().map(|p| &p.column),
        "vintages": geocoder.vintages(population.as_ref()),
        "reference": geocoder.reference_summary(),
        "outputs": written,
        "internal_summary": format!("{INTERNAL_FOLDER}/{INTERNAL_SUMMARY}"),
    });
    // Internal: exact counts, for the analyst who ran it; never published.
    let internal = json!({
        "not_for_publication": "exact counts of people: keep with the row-level data, never publish",
        "appointments_file": args.appointments.display().to_string(),
        "rows": counts.rows,
        "rows_with_invalid_count": counts.rows_with_invalid_count,
        "appointments_total": counts.appointments_total,
        "appointments_placed": counts.appointments_placed,
        "unplaced_by_reason": counts.unplaced_by_reason,
        "unplaced_rows_by_reason": counts.unplaced_rows_by_reason,
        "not_attended_by_reason": counts.not_attended_by_reason,
        "patient_areas_bridged_by_change": counts.bridged_by_change,
        "distance_matrix_rows_bridged_by_change": matrix_rows_bridged,
        "patients_located_by": {
            "postcode": counts.patients_located_by_postcode,
            "area_centroid": counts.patients_located_by_area_centroid,
        },
        "patients_outside_the_boundaries": counts.patients_outside_the_boundaries,
        "trips": {
            "from_distance_matrix": counts.trips_from_distance_matrix,
            "from_straight_line": counts.trips_from_straight_line,
        },
        "dates_not_read": counts.dates_not_read,
        "face_to_face": total.face_to_face,
        "virtual": total.virtual_,
        "mode_not_recorded_counted_as_face_to_face": total.mode_not_recorded,
        "patient_km_total": round(total.patient_km, 1),
        "kgco2e_total": round(total.kgco2e, 3),
        "kgco2e_avoided": round(total.kgco2e_avoided, 3),
        "patient_km_avoided": round(total.patient_km_avoided, 1),
        "scenario_appointments_eligible": total.scenario_eligible,
        "scenario_kgco2e_saved": round(total.scenario_kgco2e_saved, 3),
        "warnings": warnings,
    });
    write_run_summaries(out, SUMMARY, &public, INTERNAL_SUMMARY, &internal)?;
    folder.commit()?;
    if !quiet {
        let deciles = tally.by_decile(&area_deciles);
        print_summary(&counts, &total, &Measures::sum(&deciles[..2]), &scenario, started);
    }
    Ok(())
}

/// The published summary of an emissions run.
pub const SUMMARY: &str = "emissions_summary.json";
/// The exact counts of an emissions run, in [`INTERNAL_FOLDER`].
pub const INTERNAL_SUMMARY: &str = "emissions_summary_exact.json";

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

impl Placer<'_> {
    /// A patient area code of the other vintage: its parts here, each with its share of the count.
    fn bridged(&self, row: &Row, code: &str, count: f64) -> Option<Outcome> {
        let (change, codes) = self.bridge.as_ref()?.parts(code)?;
        let areas: Vec<usize> = codes.iter().filter_map(|c| self.area_by_code.get(c.as_str()).copied()).collect();
        if areas.len() != codes.len() {
            return None;
        }
        let populations: Vec<Option<f64>> = areas.iter().map(|a| self.areas.facts[*a].population).collect();
        let unplaced = |reason| Some(Outcome::Unplaced { reason, appointments: count });
        let Some(site) = self.site_names.find(self.columns.site(row)) else { return unplaced(Unplaced::UnknownSite) };
        let Some(site_point) = self.sites[site].location else { return unplaced(Unplaced::SiteNotLocated) };
        let mut from_matrix = 0.0;
        let parts = areas
            .iter()
            .zip(shares(&populations))
            .map(|(area, share)| {
                let point = self.areas.facts[*area].centroid?;
                let trip = match self.matrix.get(&(*area, site)) {
                    Some((km, minutes)) => {
                        from_matrix += count * share;
                        self.model.road(*km, *minutes)
                    }
                    None => self.model.straight_line((point.x - site_point.x).hypot(point.y - site_point.y)),
                };
                let measures =
                    Measures::of(count * share, self.columns.attendance(row), self.columns.visit(row), &trip, &self.scenario);
                Some(PlacedAppointment { area: Some(*area), site, measures })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Outcome::Bridged { parts, change, from_matrix })
    }

    /// Places one row: its count, the patient's point and area, the site, the trip.
    fn place(&self, row: &Row, geocoded: Option<&Geocoded>) -> Outcome {
        let Some(count) = self.columns.count(row) else { return Outcome::InvalidCount };
        if let Attended::NoJourney(reason) = self.columns.attended(row) {
            return Outcome::NotAttended { reason, appointments: count };
        }
        let unplaced = |reason| Outcome::Unplaced { reason, appointments: count };
        let by_postcode = geocoded.and_then(|g| {
            let area = g.area.map(|id| self.areas.row_of_feature[id as usize]);
            g.location.map(|point| (point, area))
        });
        let area_code = self.columns.area(row);
        let (point, area, by_area_code) = match by_postcode {
            Some((point, area)) => (point, area, false),
            None if !area_code.is_empty() => {
                let Some(&area) = self.area_by_code.get(area_code) else {
                    return self.bridged(row, area_code, count).unwrap_or_else(|| unplaced(Unplaced::UnknownArea));
                };
                match self.areas.facts[area].centroid {
                    Some(point) => (point, Some(area), true),
                    None => return unplaced(Unplaced::UnknownArea),
                }
            }
            None => {
                let reason = match geocoded.map(|g| g.status) {
                    Some(MatchStatus::UnknownPostcode) => Unplaced::UnknownPostcode,
                    Some(MatchStatus::NoCoordinates) => Unplaced::NoCoordinates,
                    Some(_) if !self.columns.postcode(row).iter().all(u8::is_ascii_whitespace) => {
                        Unplaced::InvalidPostcode
                    }
                    _ => Unplaced::NoPatientLocation,
                };
                return unplaced(reason);
            }
        };
        let Some(site) = self.site_names.find(self.columns.site(row)) else { return unplaced(Unplaced::UnknownSite) };
        let Some(site_point) = self.sites[site].location else { return unplaced(Unplaced::SiteNotLocated) };
        let road = area.and_then(|a| self.matrix.get(&(a, site)));
        let trip: Trip = match road {
            Some((km, minutes)) => self.model.road(*km, *minutes),
            None => self.model.straight_line((point.x - site_point.x).hypot(point.y - site_point.y)),
        };
        let measures =
            Measures::of(count, self.columns.attendance(row), self.columns.visit(row), &trip, &self.scenario);
        Outcome::Placed {
            placed: PlacedAppointment { area, site, measures },
            by_area_code,
            from_matrix: road.is_some(),
        }
    }
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        self.rows += 1;
        match outcome {
            Outcome::InvalidCount => self.rows_with_invalid_count += 1,
            Outcome::Bridged { parts, change, from_matrix } => {
                let n: f64 = parts.iter().map(|p| p.measures.appointments).sum();
                self.appointments_total += n;
                self.appointments_placed += n;
                self.patients_located_by_area_centroid += n;
                self.trips_from_distance_matrix += from_matrix;
                self.trips_from_straight_line += n - from_matrix;
                *self.bridged_by_change.entry(change.as_str()).or_default() += n;
            }
            Outcome::NotAttended { reason, appointments } => {
                self.appointments_total += appointments;
                *self.not_attended_by_reason.entry(reason.as_str()).or_default() += appointments;
            }
            Outcome::Unplaced { reason, appointments } => {
                self.appointments_total += appointments;
                *self.unplaced_by_reason.entry(reason.as_str()).or_default() += appointments;
                *self.unplaced_rows_by_reason.entry(reason.as_str()).or_default() += 1;
            }
            Outcome::Placed { placed, by_area_code, from_matrix } => {
                let n = placed.measures.appointments;
                self.appointments_total += n;
                self.appointments_placed += n;
                *(if *by_area_code {
                    &mut self.patients_located_by_area_centroid
                } else {
                    &mut self.patients_located_by_postcode
                }) += n;
                if placed.area.is_none() {
                    self.patients_outside_the_boundaries += n;
                }
                *(if *from_matrix {
                    &mut self.trips_from_distance_matrix
                } else {
                    &mut self.trips_from_straight_line
                }) += n;
            }
        }
    }

    fn add_date(&mut self, date: Option<Date>, row: &Row, columns: &AppointmentColumns) {
        match date {
            Some(d) => {
                self.first_date = Some(self.first_date.map_or(d, |f| f.min(d)));
                self.last_date = Some(self.last_date.map_or(d, |l| l.max(d)));
            }
            None => {
                let blank = columns.date.and_then(|i| row.record.get(i)).is_none_or(|t| t.trim_ascii().is_empty());
                if !blank {
                    self.dates_not_read += 1;
                }
            }
        }
    }
}

/// The measure columns shared by every table.
const MEASURE_COLUMNS: [&str; 14] = [
    "appointments",
    "face_to_face",
    "virtual",
    "patient_km",
    "kgco2e",
    "kgco2e_avoided",
    "kgco2e_per_appointment",
    "kgco2e_per_face_to_face",
    "scenario_appointments_eligible",
    "scenario_appointments_shifted",
    "scenario_patient_km_saved",
    "scenario_kgco2e_saved",
    "scenario_cost_saved_gbp",
    "scenario_hours_saved",
];

/// A published figure to `decimals` places; `*` where hidden, blank where it does not apply.
fn figure(cell: Option<Cell>, decimals: usize) -> String {
    match cell {
        Some(Cell::Count(v)) => fixed(Some(v), decimals),
        Some(Cell::Suppressed) => "*".to_string(),
        None => String::new(),
    }
}

/// One group's published measures, in the order of [`MEASURE_COLUMNS`].
fn measure_cells(p: &PublishedMeasures) -> Vec<String> {
    vec![
        figure(Some(p.appointments), 0),
        figure(Some(p.face_to_face), 0),
        figure(Some(p.virtual_), 0),
        figure(Some(p.patient_km), 1),
        figure(Some(p.kgco2e), 3),
        figure(Some(p.kgco2e_avoided), 3),
        figure(p.kgco2e_per_appointment, 3),
        figure(p.kgco2e_per_face_to_face, 3),
        figure(Some(p.scenario_eligible), 0),
        figure(Some(p.scenario_appointments_shifted), 1),
        figure(Some(p.scenario_patient_km_saved), 1),
        figure(Some(p.scenario_kgco2e_saved), 3),
        figure(Some(p.scenario_cost_saved_gbp), 2),
        figure(Some(p.scenario_hours_saved), 1),
    ]
}

/// kg CO2e per 1,000 people, from a published figure; hidden with it.
fn per_1000(kg: Cell, population: Option<f64>) -> String {
    match (kg, population.filter(|p| *p > 0.0)) {
        (Cell::Suppressed, _) => "*".to_string(),
        (Cell::Count(kg), Some(p)) => fixed(Some(kg / p * 1000.0), 3),
        (Cell::Count(_), None) => String::new(),
    }
}

/// A published share of a published total; hidden with its part.
fn share(part: Cell, whole: Cell) -> String {
    match (part, whole) {
        (Cell::Suppressed, _) | (_, Cell::Suppressed) => "*".to_string(),
        (Cell::Count(p), Cell::Count(w)) => fixed((w > 0.0).then(|| p / w), 4),
    }
}

/// Areas with appointments, then patients outside every area; the GeoJSON gets the areas.
fn area_table(
    facts: &[AreaFacts],
    tally: &EmissionsTally,
    published: &PublishedEmissions,
) -> (Table, Vec<(usize, ::geojson::JsonObject)>) {
    let mut headers = vec!["area_code", "area_name", "imd_decile", "population"];
    headers.extend(MEASURE_COLUMNS);
    headers.push("kgco2e_per_1000_population");
    let mut table = Table::new(&headers);
    let mut features = Vec::new();
    for (i, area) in facts.iter().enumerate().filter(|(i, _)| tally.by_area[*i].appointments > 0.0) {
        let p = &published.areas[i];
        let mut row = vec![area.code.clone(), area.name.clone(), fixed(area.decile.map(f64::from), 0)];
        row.push(fixed(area.population, 0));
        row.extend(measure_cells(p));
        row.push(per_1000(p.kgco2e, area.population));
        features.push((i, geojson::properties(&headers, &row)));
        table.push(row);
    }
    if tally.outside_areas.appointments > 0.0 {
        let mut row = vec![String::new(), "Outside the boundaries".to_string(), String::new(), String::new()];
        row.extend(measure_cells(&published.outside_areas));
        row.push(String::new());
        table.push(row);
    }
    (table, features)
}

fn decile_table(facts: &[AreaFacts], published: &PublishedEmissions) -> Table {
    let mut headers = vec!["imd_decile", "population"];
    headers.extend(MEASURE_COLUMNS);
    headers.extend(["kgco2e_per_1000_population", "share_of_kgco2e", "share_of_scenario_kgco2e_saved"]);
    let mut table = Table::new(&headers);
    let mut population = [0.0; 10];
    let mut any_population = false;
    for area in facts {
        if let (Some(d), Some(p)) = (area.decile.filter(|d| (1..=10).contains(d)), area.population) {
            population[d as usize - 1] += p;
            any_population = true;
        }
    }
    let total = &published.total;
    for (i, p) in published.deciles.iter().enumerate() {
        let pop = (i < 10 && any_population).then(|| population[i]);
        let mut row = vec![if i < 10 { (i + 1).to_string() } else { "none".to_string() }, fixed(pop, 0)];
        row.extend(measure_cells(p));
        row.extend([
            per_1000(p.kgco2e, pop),
            share(p.kgco2e, total.kgco2e),
            share(p.scenario_kgco2e_saved, total.scenario_kgco2e_saved),
        ]);
        table.push(row);
    }
    let mut row = vec!["total".to_string(), fixed(any_population.then(|| population.iter().sum()), 0)];
    row.extend(measure_cells(total));
    row.extend([String::new(), share(total.kgco2e, total.kgco2e), String::new()]);
    table.push(row);
    table
}

fn site_table(sites: &[Site], published: &PublishedEmissions) -> Table {
    let mut headers = vec!["site_code", "site_name"];
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    for (site, p) in sites.iter().zip(&published.sites) {
        let mut row = vec![site.label.clone(), site.name.clone()];
        row.extend(measure_cells(p));
        table.push(row);
    }
    table
}

fn specialty_table(published: &PublishedEmissions) -> Table {
    let mut headers = vec!["specialty"];
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    for (specialty, p) in &published.specialties {
        let mut row = vec![specialty.clone()];
        row.extend(measure_cells(p));
        table.push(row);
    }
    table
}

fn print_summary(counts: &Counts, total: &Measures, core20: &Measures, scenario: &Scenario, started: Instant) {
    let unplaced: Vec<String> =
        counts.unplaced_by_reason.iter().map(|(reason, n)| format!("{reason} {}", thousands(*n as u64))).collect();
    eprintln!(
        "appointments: {} in {} rows; {} placed{}{}{}",
        thousands(counts.appointments_total as u64),
        thousands(counts.rows),
        thousands(counts.appointments_placed as u64),
        if unplaced.is_empty() { String::new() } else { "; not placed: ".to_string() },
        unplaced.join(", "),
        if counts.rows_with_invalid_count > 0 {
            format!("; {} rows with an invalid count", thousands(counts.rows_with_invalid_count))
        } else {
            String::new()
        }
    );
    eprintln!(
        "travel: {} face to face, {} CO2e over {} patient km ({:.2} kg per appointment); {} already virtual avoided {}",
        thousands(total.face_to_face as u64),
        mass(total.kgco2e),
        thousands(total.patient_km.round() as u64),
        if total.face_to_face > 0.0 { total.kgco2e / total.face_to_face } else { 0.0 },
        thousands(total.virtual_ as u64),
        mass(total.kgco2e_avoided),
    );
    if scenario.fraction > 0.0 {
        let to_core20 = if total.scenario_kgco2e_saved > 0.0 {
            format!(
                "; {:.1}% of the saving reaches patients in national deciles 1-2, who make {:.1}% of face-to-face appointments",
                core20.scenario_kgco2e_saved / total.scenario_kgco2e_saved * 100.0,
                if total.face_to_face > 0.0 { core20.face_to_face / total.face_to_face * 100.0 } else { 0.0 }
            )
        } else {
            String::new()
        };
        eprintln!(
            "scenario: moving {:.0}% of {} face-to-face appointments to virtual saves {} CO2e, {} patient miles, £{} and {} hours{}",
            scenario.fraction * 100.0,
            match scenario.applies_to {
                ShiftScope::All => "all",
                ShiftScope::FollowUps => "follow-up",
            },
            mass(total.scenario_kgco2e_saved),
            thousands((total.scenario_km_saved / 1.609_344).round() as u64),
            thousands(total.scenario_cost_saved_gbp.round() as u64),
            quantity(total.scenario_hours_saved),
            to_core20
        );
    }
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
}
