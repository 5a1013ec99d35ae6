//! `anchormap emissions`: patient travel to outpatient appointments as km, kg CO2e, cost and time by area, decile, site and specialty, with a virtual-care scenario.

pub mod published;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::json;

use crate::analysis::emissions::{DecileGroups, EmissionsTally, Measures, PlacedAppointment, Scenario, ShiftScope};
use crate::analysis::travel::{AreaModeShares, AreaTravel, EmissionFactors, ModeShare, TimeModel, TravelModel, Trip};
use crate::analysis::{AreaFacts, Areas};
use crate::cli::{EmissionsArgs, TravelArgs};
use crate::emissions::published::{PublishedEmissions, PublishedMeasures};
use crate::error::{Error, Location};
use crate::geocoder::nations::nation_name;
use crate::geocoder::{Geocoded, Geocoder, MatchStatus};
use crate::input::appointments::{AppointmentColumns, Attended, NoJourney, UnrecognisedAppointmentValues};
use crate::input::distance_matrix::DistanceMatrix;
use crate::input::home_postcode;
use crate::input::sites::{Site, SiteNames};
use crate::input::staff::Date;
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
use crate::io::format::{mass, quantity, thousands};
use crate::io::CsvInput;
use crate::output::disclosure::{Cell, Disclosure, Margins, RunAudit};
use crate::output::geojson;
use crate::output::run_summary::{
    DateRange, EmissionsNation, EmissionsSummary, ModeShareByArea, Range, RangeAssumptions, ScenarioSummary,
    TravelAssumptions, TripStarts, Units, WellToTank,
};
use crate::output::summary::{file_name, INTERNAL_FOLDER};
use crate::output::table::{fixed, Table};
use crate::reference::bridge::{shares, AreaBridge, Change};
use crate::reference::census::CensusTravelTable;
use crate::reference::population::TOTAL_POPULATION_COLUMN;
use crate::reference::{Country, Population};
use crate::run::{each_batch, RunContext};

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
    Placed {
        placed: PlacedAppointment,
        by_area_code: bool,
        from_matrix: bool,
    },
    /// A patient area code of the other vintage, placed on its parts here (shares of the count).
    Bridged {
        parts: Vec<PlacedAppointment>,
        change: Change,
        from_matrix: f64,
    },
    Unplaced {
        reason: Unplaced,
        appointments: f64,
    },
    /// Not attended (did not attend, cancelled, not yet held): no journey.
    NotAttended {
        reason: NoJourney,
        appointments: f64,
    },
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
    /// Distance matrix rows naming an area or site not in the inputs, if any.
    matrix_warning: Option<String>,
    /// Distance matrix rows keyed by the other vintage, bridged, by change type.
    matrix_rows_bridged: BTreeMap<&'static str, u64>,
    model: &'a TravelModel,
    /// The mode share (and so kg per km, time and cost) of each area's patients.
    travel: &'a AreaTravel,
    scenario: Scenario,
    /// The user's value maps (consultation medium, attendance).
    maps: ValueMaps,
}

pub(crate) fn run(args: EmissionsArgs) -> anyhow::Result<()> {
    if args.reference.deprivation.is_none() {
        bail!(crate::Error::usage("emissions needs --deprivation (an IoD file) to report by deprivation decile"));
    }
    let input = CsvInput::open(&args.appointments)?;
    let columns = AppointmentColumns::resolve(&input, &args.appointment_columns)?;
    let postcode_spec = &crate::dictionary::APPOINTMENTS[0];
    let postcode_column =
        columns.postcode.map(|i| home_postcode::decision(&input.headers, postcode_spec, i, &args.appointment_columns));
    let scenario = scenario(&args, &columns, &input.headers)?;
    let model = travel_model(&args.travel)?;
    let mut run = open_run(&args)?;
    let sites = run.sites(&args.sites)?;
    let (census, travel) = area_travel(&args, &model, &mut run)?;
    let placer = Placer::new(&args, &run.areas, &run.geocoder, columns, &sites, &model, &travel, scenario)?;
    run.warnings.extend(placer.matrix_warning.clone());
    let placed = place_appointments(input, &placer, &run.geocoder, &args.appointments)?;
    run.warnings.extend(placed.warnings.iter().cloned());
    let groups = decile_groups(&run, &placed.tally);
    let area_msoas: Vec<Option<usize>> = run.areas.facts.iter().map(|a| a.msoa).collect();
    let published = PublishedEmissions::new(&placed.tally, &groups, &area_msoas, scenario.fraction, &run.disclosure);
    let catchment = Catchment::of(&run.areas.facts, &placed.tally, &groups);
    let by_specialty = placer.columns.specialty.is_some();
    let mut written = write_tables(&run, (&sites, &groups), &placed.tally, &published, &catchment, by_specialty)?;
    write_exact_decile_table(run.out(), &placed.tally.by_group(&groups), &groups)?;
    let basis = format!("Per 1,000 population: per 1,000 {}.", catchment.basis());
    written.push(run.write_workbook(
        "emissions.xlsx",
        "Patient travel to outpatient appointments",
        &written,
        &[basis],
    )?);
    written.push(RunAudit::new(run.disclosure, published.audits.clone()).write(run.out())?);
    let mode_share_by_area = mode_share_by_area(&model, census.as_ref(), &travel, run.areas.facts.len());
    let mut summary = summary(&args, &run, &placed.counts, &published, &placer, mode_share_by_area, written);
    each_nation_on_its_own(&mut summary, &published, &groups);
    summary.population_basis = run.population_column.as_ref().map(|_| catchment.basis());
    summary.postcode_column = postcode_column.map(|(text, _)| text);
    let exact = exact_summary(&args, &placed, &placer, &run.warnings);
    let (quiet, started) = (run.quiet, run.started);
    run.finish((SUMMARY, &summary), (INTERNAL_SUMMARY, &exact))?;
    if !quiet {
        let total = placed.tally.total();
        let core20 = Measures::sum(&placed.tally.by_group(&groups)[..2]);
        let core20 = (!groups.across_nations()).then_some(&core20);
        print_summary(&placed.counts, &total, core20, &scenario, started);
        summary.by_nation.iter().for_each(|nation| eprintln!("{}", nation.headline));
        summary.nations_not_pooled.iter().for_each(|sentence| eprintln!("{sentence}"));
    }
    Ok(())
}

/// The run's context: reference data (with the nations' indices where given), the population by
/// area (total population: per-capita rates), names.
fn open_run(args: &EmissionsArgs) -> anyhow::Result<RunContext> {
    let rule = (args.disclosure.rule(), true);
    let mut run = RunContext::open_with_nations(&args.output, &args.reference, rule, &inputs(args), || {
        args.population
            .population
            .as_deref()
            .map(|p| Population::load_column(p, &args.population.population_columns, &TOTAL_POPULATION_COLUMN))
            .transpose()
    })?;
    scotland_total_population(&mut run);
    run.attach_names(&args.names)?;
    Ok(run)
}

/// Across nations, each nation's headline on its own index, and no figure that would pool them.
fn each_nation_on_its_own(summary: &mut EmissionsSummary, published: &PublishedEmissions, groups: &DecileGroups) {
    summary.by_nation = by_nation(published, groups);
    if groups.across_nations() {
        // England's deciles 1-2 over every nation's patients would pool the indices: per nation instead.
        summary.scenario.share_of_saving_to_deciles_1_2 = None;
        summary.scenario.share_of_face_to_face_from_deciles_1_2 = None;
    }
    summary.nations_not_pooled = groups.across_nations().then(|| NATIONS_NOT_POOLED.to_string());
}

/// The files no output may replace.
fn inputs(args: &EmissionsArgs) -> Vec<&Path> {
    let travel = &args.travel;
    [Some(&args.appointments), args.sites.sites.as_ref(), args.population.population.as_ref(), travel.factors.as_ref()]
        .into_iter()
        .chain([travel.distance_matrix.as_ref(), args.bridge.area_bridge.as_ref()])
        .chain([travel.car_availability.as_ref(), travel.travel_to_work.as_ref()])
        .flatten()
        .map(|p| p.as_path())
        .chain(args.names.paths())
        .collect()
}

/// The scenario: which appointments it may move (follow-ups when the file says which are), and how many.
fn scenario(args: &EmissionsArgs, columns: &AppointmentColumns, headers: &[String]) -> anyhow::Result<Scenario> {
    let applies_to = match (args.shift_applies_to, columns.first_follow_up) {
        (Some(ShiftScope::FollowUps), None) => bail!(Error::invalid(
            Location::file(&args.appointments),
            format!(
                "--shift-applies-to follow-ups needs a first/follow-up column (name it with --appointment-columns first_follow_up=HEADER); the header has {}",
                crate::columns::list_headers(headers)
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
                crate::columns::list_headers(headers)
            )
        )),
        (None, None) => ShiftScope::All,
    };
    Ok(Scenario { fraction: args.shift_to_virtual, applies_to })
}

/// A scenario limited to follow-ups on a first/follow-up column blank on every row would move
/// nothing without a word: it stops, naming the column and the flags that fix it.
fn check_scenario_column(
    unrecognised: &UnrecognisedAppointmentValues,
    scenario: &Scenario,
    path: &Path,
    headers: &[String],
    columns: &AppointmentColumns,
) -> anyhow::Result<()> {
    let (Some(i), Some(rows)) = (columns.first_follow_up, unrecognised.first_follow_up_all_blank()) else {
        return Ok(());
    };
    if scenario.fraction > 0.0 && scenario.applies_to == ShiftScope::FollowUps {
        bail!(Error::invalid(
            Location::file(path).with_column(format!("'{}'", headers[i])),
            format!(
                "the first/follow-up is blank on all {} rows, so the scenario would move no follow-up; name the column that \
                 holds it with --appointment-columns first_follow_up=HEADER, or move any face-to-face appointment with \
                 --shift-applies-to all",
                thousands(rows)
            )
        ));
    }
    Ok(())
}

/// The travel model from the options: factors, national mode share, circuity, mileage rate, time model.
pub(crate) fn travel_model(travel: &TravelArgs) -> anyhow::Result<TravelModel> {
    let factors = match &travel.factors {
        Some(path) => EmissionFactors::read(path)?,
        None => EmissionFactors::uk_2025(),
    };
    TravelModel::new(
        travel.circuity,
        travel.mode_share.clone().unwrap_or_else(ModeShare::default_national),
        &factors,
        travel.mileage_rate,
        travel.speed_kmh.map_or_else(TimeModel::default, |kmh| TimeModel::Speed { kmh }),
        travel.public_transport_time_factor,
        travel.include_wtt,
    )
    .map_err(|e| anyhow::anyhow!(e))
}

/// Mode share by area from the census's car availability (and travel to work), unless one
/// national split is given or the census does not fit the boundaries (both warned about).
fn area_travel(
    args: &EmissionsArgs,
    model: &TravelModel,
    run: &mut RunContext,
) -> anyhow::Result<(Option<CensusTravelTable>, AreaTravel)> {
    let travel = &args.travel;
    let census = match (&travel.car_availability, &travel.mode_share) {
        (Some(path), None) => Some(CensusTravelTable::load(
            path,
            &travel.car_availability_columns,
            travel.travel_to_work.as_deref(),
            &travel.travel_to_work_columns,
        )?),
        (Some(_), Some(_)) => {
            run.warnings.push("--car-availability not used: --mode-share gives one national split".to_string());
            None
        }
        (None, _) => None,
    };
    let geography = &run.geocoder.boundaries.geography;
    let by_area = match &census {
        Some(c) => c.for_run(
            run.areas.facts.iter().map(|a| a.code.as_str()),
            geography,
            args.bridge.area_bridge.as_deref(),
            &args.bridge.area_bridge_columns,
        )?,
        None => None,
    };
    if census.is_some() && by_area.is_none() {
        run.warnings.push(format!(
            "--car-availability not used: it is on LSOA areas and the boundaries are {geography}; the national mode share applies everywhere"
        ));
    }
    let travel = match (&census, &by_area) {
        (Some(c), Some(by_area)) => {
            AreaTravel::by_area(model, &AreaModeShares::new(model.mode_share.clone(), c.national), by_area)
        }
        _ => AreaTravel::national(model),
    };
    Ok((census, travel))
}

/// Appointments placed and tallied, with the counts of what became of every row.
struct PlacedAppointments {
    tally: EmissionsTally,
    counts: Counts,
    warnings: Vec<String>,
}

/// Streams the appointments: places each batch in parallel, accumulates in order; values not
/// understood are warned about (or stop the run) after the pass.
fn place_appointments(
    input: CsvInput,
    placer: &Placer,
    geocoder: &Geocoder,
    path: &Path,
) -> anyhow::Result<PlacedAppointments> {
    let columns = &placer.columns;
    let mut tally = EmissionsTally::new(placer.areas.facts.len(), placer.sites.len());
    let mut counts = Counts::default();
    let mut unrecognised = UnrecognisedAppointmentValues::default();
    let mut warnings = Vec::new();
    let input = each_batch(input, "placing appointments", |batch| {
        let geocoded = match columns.postcode {
            Some(_) => geocoder.geocode_many(&batch.iter().map(|row| columns.postcode(row)).collect::<Vec<_>>()),
            None => Vec::new(),
        };
        let outcomes: Vec<Outcome> =
            batch.par_iter().enumerate().map(|(i, row)| placer.place(row, geocoded.get(i))).collect();
        for (row, outcome) in batch.iter().zip(outcomes) {
            counts.add(&outcome);
            let specialty = columns.specialty.map(|_| columns.specialty(row));
            match &outcome {
                Outcome::Placed { placed, .. } => tally.add(placed, specialty),
                Outcome::Bridged { parts, .. } => parts.iter().for_each(|placed| tally.add(placed, specialty.clone())),
                _ => {}
            }
            if columns.date.is_some() {
                counts.add_date(columns.date(row), row, columns);
            }
            unrecognised.add(row, columns, &placer.maps);
        }
        Ok(())
    })?;
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
    warnings.extend(unrecognised.check(path, &input.headers, columns, counts.rows, counts.dates_not_read)?);
    check_scenario_column(&unrecognised, &placer.scenario, path, &input.headers, columns)?;
    Ok(PlacedAppointments { tally, counts, warnings })
}

/// Writes the tables by area (CSV and GeoJSON), decile, site and, when the file has one, specialty.
fn write_tables(
    run: &RunContext,
    (sites, groups): (&[Site], &DecileGroups),
    tally: &EmissionsTally,
    published: &PublishedEmissions,
    catchment: &Catchment,
    by_specialty: bool,
) -> anyhow::Result<Vec<String>> {
    let (areas, facts) = (&run.areas, &run.areas.facts);
    let names = run.names.is_some().then_some(areas.msoas.as_slice());
    let (area_table, area_features) = area_table(facts, (names, groups), tally, published);
    run.write_table("emissions_by_area.csv", &area_table)?;
    run.write_areas(
        "emissions_by_area.geojson",
        &area_table,
        area_features.into_iter().map(|(i, properties)| (areas.shape(i), properties)),
    )?;
    let msoa_written = msoa_tables(run, tally, published)?;
    run.write_table("emissions_by_decile.csv", &decile_table(&catchment.population_by_decile, published, groups))?;
    run.write_table("emissions_by_site.csv", &site_table(sites, published))?;
    let mut written =
        vec!["emissions_by_area.csv", "emissions_by_area.geojson", "emissions_by_decile.csv", "emissions_by_site.csv"];
    if by_specialty {
        run.write_table("emissions_by_specialty.csv", &specialty_table(published))?;
        written.push("emissions_by_specialty.csv");
    }
    written.extend(msoa_written);
    Ok(written.into_iter().map(String::from).collect())
}

/// The travel model's assumptions in the summary's words.
fn assumptions(model: &TravelModel, from_matrix: bool, mode_share_by_area: ModeShareByArea) -> TravelAssumptions {
    TravelAssumptions {
        distance: if from_matrix {
            "the distance matrix's one-way road distance where it has the area and site, else straight line times the circuity factor; both ways"
        } else {
            "straight line between patient point and site, times the circuity factor, both ways"
        }
        .into(),
        patient_point: "the postcode's Code-Point/ONSPD point; the area's centroid when only an area code is given".into(),
        circuity: model.circuity,
        return_trip: true,
        mode_share: model.mode_share.clone(),
        mode_share_by_area,
        kgco2e_per_km_by_mode: model.factors.clone(),
        kgco2e_per_passenger_km_blended: model.national.kgco2e_per_km,
        factors_source: model.factors_source.clone(),
        well_to_tank: if model.include_wtt {
            WellToTank { included: true, kgco2e_per_km_by_mode: model.wtt_factors.clone(), note: None }
        } else {
            WellToTank {
                included: false,
                kgco2e_per_km_by_mode: None,
                note: Some("direct emissions only; --include-wtt adds fuel production and supply".into()),
            }
        },
        range: RangeAssumptions {
            low: format!(
                "circuity {}, car share {} (or the area's, if lower; the other modes in the same proportions), direct emissions only",
                model.circuity_range.0,
                crate::analysis::travel::LOW_CAR_SHARE
            ),
            high: format!(
                "circuity {}, every patient by car, well-to-tank included{}",
                model.circuity_range.1,
                if model.wtt_factors.is_some() { "" } else { " (none: the factor file has no wtt_kgco2e_per_km column)" }
            ),
            distance_matrix_trips: "road km as given, in low and high alike".into(),
        },
        car_occupancy: "one patient per car; car and motorbike factors are per vehicle-km".into(),
        mileage_rate_gbp_per_mile: model.mileage_gbp_per_mile,
        cost: "car share of patient miles at the mileage rate; fares for other modes are not estimated".into(),
        travel_time: model.time,
        travel_time_note: match model.time {
            TimeModel::FixedPlusPerKm { .. } => "one-way car minutes = 9.5 + 1.04 x straight-line km (fitted to national road travel times, median error 9%); a distance matrix's minutes where it has them",
            TimeModel::Speed { .. } => "one-way car minutes = road km (straight line x circuity) at the speed given; a distance matrix's minutes where it has them",
        }
        .into(),
        travel_time_without_car_factor: model.without_car_time_factor,
        unrecorded_mode: "counted as face to face".into(),
        virtual_: "telephone, video/telemedicine, talk type, email and SMS appointments involve no patient travel".into(),
        published_figures: "counts under the disclosure rule; km, kg CO2e, £ and hours are the published count times the per-trip average to 3 significant figures, hidden with their count".into(),
    }
}

/// The published summary: counts under the rule (placed and each reason add up to the total, so
/// they are protected as one line); every figure is the total row of the published tables.
fn summary(
    args: &EmissionsArgs,
    run: &RunContext,
    counts: &Counts,
    published: &PublishedEmissions,
    placer: &Placer,
    mode_share_by_area: ModeShareByArea,
    written: Vec<String>,
) -> EmissionsSummary {
    let line = PublishedCounts::new(counts, &run.disclosure);
    let t = &published.total;
    EmissionsSummary {
        appointments_file: file_name(&args.appointments),
        postcode_column: None,
        appointments_total: line.total,
        appointments_placed: line.placed,
        unplaced_by_reason: line.unplaced_by_reason,
        not_attended_by_reason: line.not_attended_by_reason,
        dates: counts
            .first_date
            .map(|first| DateRange { first: first.to_string(), last: counts.last_date.map(|d| d.to_string()) }),
        trip_starts: TripStarts {
            postcode: counts.patients_located_by_postcode > 0.0,
            area_centroid: counts.patients_located_by_area_centroid > 0.0,
            bridged: !counts.bridged_by_change.is_empty(),
        },
        face_to_face: t.face_to_face.value(),
        virtual_: t.virtual_.value(),
        patient_km_total: value(t.patient_km, 1),
        kgco2e_total: value(t.kgco2e, 3),
        kgco2e_range: range(t.kgco2e_low, t.kgco2e_high),
        tco2e_total: t.kgco2e.value().map(|kg| round(kg / 1000.0, 3)),
        kgco2e_avoided: value(t.kgco2e_avoided, 3),
        scenario_kgco2e_saved: value(t.scenario_kgco2e_saved, 3),
        scenario_kgco2e_saved_range: range(t.scenario_kgco2e_saved_low, t.scenario_kgco2e_saved_high),
        scenario: scenario_summary(published, &placer.scenario),
        assumptions: assumptions(placer.model, !placer.matrix.is_empty(), mode_share_by_area),
        units: Units::default(),
        disclosure: run.disclosure,
        population_column: run.population_column.clone(),
        population_basis: None,
        vintages: run.vintages.clone(),
        reference: run.geocoder.reference_summary(),
        area_names: run.names.clone(),
        outputs: written,
        internal_summary: format!("{INTERNAL_FOLDER}/{INTERNAL_SUMMARY}"),
        by_nation: Vec::new(),
        nations_not_pooled: None,
    }
}

/// The scenario's figures in the summary: the published total row's, Core20's shares of them.
fn scenario_summary(published: &PublishedEmissions, scenario: &Scenario) -> ScenarioSummary {
    let (t, c20) = (&published.total, &published.core20);
    ScenarioSummary {
        shift_to_virtual: scenario.fraction,
        applies_to: scenario.applies_to,
        appointments_eligible: t.scenario_eligible.value(),
        appointments_shifted: value(t.scenario_appointments_shifted, 1),
        patient_km_saved: value(t.scenario_patient_km_saved, 1),
        patient_miles_saved: t.scenario_patient_km_saved.value().map(|km| round(km / 1.609_344, 1)),
        kgco2e_saved: value(t.scenario_kgco2e_saved, 3),
        kgco2e_saved_range: range(t.scenario_kgco2e_saved_low, t.scenario_kgco2e_saved_high),
        cost_saved_gbp: value(t.scenario_cost_saved_gbp, 2),
        hours_saved: value(t.scenario_hours_saved, 1),
        share_of_saving_to_deciles_1_2: share_of(c20.scenario_kgco2e_saved, t.scenario_kgco2e_saved),
        share_of_face_to_face_from_deciles_1_2: share_of(c20.face_to_face, t.face_to_face),
    }
}

/// A published figure to `decimals` places; none when hidden.
fn value(cell: Cell, decimals: i32) -> Option<f64> {
    cell.value().map(|v| round(v, decimals))
}

/// A published low and high estimate, to 3 decimal places.
fn range(low: Cell, high: Cell) -> Range {
    Range { low: value(low, 3), high: value(high, 3) }
}

/// `part` ÷ `whole` of two published figures to 4 decimal places; none when either is hidden or
/// `whole` is 0.
fn share_of(part: Cell, whole: Cell) -> Option<f64> {
    match (part.value(), whole.value()) {
        (Some(p), Some(w)) if w > 0.0 => Some(round(p / w, 4)),
        _ => None,
    }
}

/// The summary's counts of appointments under the rule: placed, each reason not placed and
/// each reason not attended add up to the total, so they are protected as one line.
struct PublishedCounts {
    total: Option<f64>,
    placed: Option<f64>,
    unplaced_by_reason: BTreeMap<String, Option<f64>>,
    not_attended_by_reason: BTreeMap<String, Option<f64>>,
}

impl PublishedCounts {
    fn new(counts: &Counts, rule: &Disclosure) -> PublishedCounts {
        let mut line: Vec<f64> = vec![counts.appointments_total, counts.appointments_placed];
        line.extend(counts.unplaced_by_reason.values());
        line.extend(counts.not_attended_by_reason.values());
        let mut margins = Margins::new();
        margins.add(1..line.len(), 0);
        let cells = rule.cells(&line, &margins);
        let (unplaced, not_attended) = cells[2..].split_at(counts.unplaced_by_reason.len());
        let by_reason = |keys: std::collections::btree_map::Keys<&'static str, f64>, cells: &[Cell]| {
            keys.zip(cells).map(|(r, c)| (r.to_string(), c.value())).collect()
        };
        PublishedCounts {
            total: cells[0].value(),
            placed: cells[1].value(),
            unplaced_by_reason: by_reason(counts.unplaced_by_reason.keys(), unplaced),
            not_attended_by_reason: by_reason(counts.not_attended_by_reason.keys(), not_attended),
        }
    }
}

/// Exact counts, for the analyst who ran it; never published.
fn exact_summary(
    args: &EmissionsArgs,
    placed: &PlacedAppointments,
    placer: &Placer,
    warnings: &[String],
) -> serde_json::Value {
    let (counts, total) = (&placed.counts, placed.tally.total());
    json!({
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
        "distance_matrix_rows_bridged_by_change": placer.matrix_rows_bridged,
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
        "kgco2e_range": {"low": round(total.kgco2e_low, 3), "high": round(total.kgco2e_high, 3)},
        "kgco2e_avoided": round(total.kgco2e_avoided, 3),
        "patient_km_avoided": round(total.patient_km_avoided, 1),
        "scenario_appointments_eligible": total.scenario_eligible,
        "scenario_kgco2e_saved": round(total.scenario_kgco2e_saved, 3),
        "warnings": warnings,
    })
}

/// The published summary of an emissions run.
pub const SUMMARY: &str = "emissions_summary.json";
/// The exact counts of an emissions run, in [`INTERNAL_FOLDER`].
pub const INTERNAL_SUMMARY: &str = "emissions_summary_exact.json";

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

impl<'a> Placer<'a> {
    /// The lookups a row needs: areas by code, sites by code, name or alias, the area bridge and
    /// the distance matrix (rows naming an area or site not in the inputs are counted in a warning).
    fn new(
        args: &EmissionsArgs,
        areas: &'a Areas,
        geocoder: &Geocoder,
        columns: AppointmentColumns,
        sites: &'a [Site],
        model: &'a TravelModel,
        travel: &'a AreaTravel,
        scenario: Scenario,
    ) -> anyhow::Result<Placer<'a>> {
        let area_by_code: FxHashMap<&str, usize> =
            areas.facts.iter().enumerate().map(|(i, a)| (a.code.as_str(), i)).collect();
        let site_names = SiteNames::new(sites);
        let bridge = args
            .bridge
            .area_bridge
            .as_deref()
            .map(|path| AreaBridge::load(path, &geocoder.boundaries.geography, &args.bridge.area_bridge_columns))
            .transpose()?;
        let mut matrix = FxHashMap::default();
        let mut matrix_warning = None;
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
                matrix_warning = Some(format!(
                    "{unknown} of {rows_read} distance matrix rows name an area or site not in the inputs"
                ));
            }
        }
        Ok(Placer {
            areas,
            columns,
            area_by_code,
            site_names,
            bridge,
            sites,
            matrix,
            matrix_warning,
            matrix_rows_bridged,
            model,
            travel,
            scenario,
            maps: args.values.maps()?,
        })
    }

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
                let straight_m = (point.x - site_point.x).hypot(point.y - site_point.y);
                let road = self.matrix.get(&(*area, site)).copied();
                if road.is_some() {
                    from_matrix += count * share;
                }
                let trip = self.model.trip(self.travel.blend(Some(*area)), straight_m, road);
                let measures = Measures::of(
                    count * share,
                    self.columns.attendance(row, &self.maps),
                    self.columns.visit(row),
                    &trip,
                    &self.scenario,
                );
                Some(PlacedAppointment { area: Some(*area), site, measures })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Outcome::Bridged { parts, change, from_matrix })
    }

    /// Places one row: its count, the patient's point and area, the site, the trip.
    fn place(&self, row: &Row, geocoded: Option<&Geocoded>) -> Outcome {
        let Some(count) = self.columns.count(row) else { return Outcome::InvalidCount };
        if let Attended::NoJourney(reason) = self.columns.attended(row, &self.maps) {
            return Outcome::NotAttended { reason, appointments: count };
        }
        let unplaced = |reason| Outcome::Unplaced { reason, appointments: count };
        let by_postcode = geocoded.and_then(|g| {
            let area = self.areas.of(g);
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
        let straight_m = (point.x - site_point.x).hypot(point.y - site_point.y);
        let trip: Trip = self.model.trip(self.travel.blend(area), straight_m, road.copied());
        let measures = Measures::of(
            count,
            self.columns.attendance(row, &self.maps),
            self.columns.visit(row),
            &trip,
            &self.scenario,
        );
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

/// The areas the patients come from (at least one appointment placed there), whose population the
/// per-1,000 rates divide by: the trust's own catchment, never England's population.
struct Catchment {
    areas: usize,
    /// Their population by decile group (England's IMD deciles, or each nation's own, nation after
    /// nation); `None` without a population file.
    population_by_decile: Option<Vec<f64>>,
    /// The groups are of several nations.
    across_nations: bool,
}

impl Catchment {
    fn of(facts: &[AreaFacts], tally: &EmissionsTally, groups: &DecileGroups) -> Catchment {
        let mut population = vec![0.0; groups.none()];
        let (mut areas, mut any_population) = (0, false);
        for (i, (area, measures)) in facts.iter().zip(&tally.by_area).enumerate() {
            if measures.appointments <= 0.0 {
                continue;
            }
            areas += 1;
            if let (Some(g), Some(p)) = (groups.of_area[i], area.population) {
                population[g] += p;
                any_population = true;
            }
        }
        let across_nations = groups.across_nations();
        Catchment { areas, population_by_decile: any_population.then_some(population), across_nations }
    }

    /// What the per-1,000 rates divide by, in words.
    fn basis(&self) -> String {
        let people: f64 = self.population_by_decile.as_ref().map_or(0.0, |p| p.iter().sum());
        let (with, not) = match self.across_nations {
            false => ("with an English IMD decile", "England's population"),
            true => (
                "with a decile of their nation's own index; Scotland's data zones by SIMD's total population",
                "a nation's population",
            ),
        };
        format!(
            "residents of the {} areas the patients come from (at least one appointment placed there; {} people in areas {with}), not {not}",
            thousands(self.areas as u64),
            thousands(people.round() as u64)
        )
    }
}

/// Why each nation's appointments are counted on its own index, in one sentence.
pub const NATIONS_NOT_POOLED: &str = "Each nation's index ranks its areas only within that nation (a Welsh decile 1 \
     is the most deprived tenth of Wales, not of England or Great Britain), so the indices are not pooled: each \
     nation's patients are counted on the deciles of that nation's own index.";

/// The decile groups of the run: England's IMD deciles; when the patients come from more than one
/// nation and the run has their indices (`--wimd`, `--simd`), each nation's own, England first.
fn decile_groups(run: &RunContext, tally: &EmissionsTally) -> DecileGroups {
    let facts = &run.areas.facts;
    let england = DecileGroups::england(&facts.iter().map(|a| a.decile).collect::<Vec<_>>());
    let Some(nations) = run.geocoder.nations.as_ref() else { return england };
    let order = [Country::England, Country::Wales, Country::Scotland];
    let mut present: Vec<Country> = facts
        .iter()
        .zip(&tally.by_area)
        .filter(|(_, m)| m.appointments > 0.0)
        .filter_map(|(a, _)| a.own.map(|o| o.nation))
        .filter(|n| *n != Country::England && order.contains(n))
        .collect();
    present.sort_by_key(|n| order.iter().position(|o| o == n));
    present.dedup();
    if present.is_empty() {
        return england;
    }
    let list: Vec<(Country, String)> = std::iter::once(Country::England)
        .chain(present)
        .map(|n| (n, nations.index_of(n).unwrap_or_default().to_string()))
        .collect();
    let of_area = facts
        .iter()
        .enumerate()
        .map(|(i, a)| match a.own {
            Some(own) if own.nation != Country::England => {
                let n = list.iter().position(|(n, _)| *n == own.nation)?;
                (1..=10).contains(&own.decile).then(|| n * 10 + own.decile as usize - 1)
            }
            _ => england.of_area[i],
        })
        .collect();
    DecileGroups { of_area, nations: list }
}

/// A Scottish data zone's population for the per-1,000 rates (all ages, as `--population` gives
/// England's and Wales's): SIMD's total population, not the working-age base gaps uses.
fn scotland_total_population(run: &mut RunContext) {
    let Some(nations) = run.geocoder.nations.as_ref() else { return };
    if run.population_column.is_none() {
        return;
    }
    for area in run.areas.facts.iter_mut().filter(|a| a.own.is_some_and(|o| o.nation == Country::Scotland)) {
        area.population = nations.total_population(&area.code);
    }
}

/// Each nation's appointments on its own index, from the published figures: a headline per
/// nation (empty unless the patients span nations).
fn by_nation(published: &PublishedEmissions, groups: &DecileGroups) -> Vec<EmissionsNation> {
    if !groups.across_nations() {
        return Vec::new();
    }
    groups
        .nations
        .iter()
        .zip(&published.nations)
        .map(|((nation, index), (total, low))| {
            let name = nation_name(*nation);
            let saving = share_of(low.scenario_kgco2e_saved, total.scenario_kgco2e_saved);
            let face_to_face = share_of(low.face_to_face, total.face_to_face);
            let kg = total.kgco2e.value().map_or("a hidden amount of".to_string(), mass);
            let appointments =
                total.appointments.value().map_or("a small number of".to_string(), |n| thousands(n as u64));
            let deprived = match (saving, face_to_face) {
                (Some(s), Some(f)) => format!(
                    "; {:.1}% of the scenario's saving would reach patients in {name}'s most deprived fifth of \
                     neighbourhoods ({index} deciles 1-2), who make {:.1}% of its face-to-face appointments",
                    s * 100.0,
                    f * 100.0
                ),
                (None, Some(f)) => format!(
                    "; patients in {name}'s most deprived fifth of neighbourhoods ({index} deciles 1-2) make {:.1}% \
                     of its face-to-face appointments",
                    f * 100.0
                ),
                _ => String::new(),
            };
            EmissionsNation {
                nation: name.to_string(),
                index: index.clone(),
                appointments: total.appointments.value(),
                face_to_face: total.face_to_face.value(),
                kgco2e: value(total.kgco2e, 3),
                share_of_face_to_face_from_deciles_1_2: face_to_face,
                share_of_saving_to_deciles_1_2: saving,
                headline: format!(
                    "{name}: patients' travel to {appointments} appointments came to {kg} CO2e{deprived}"
                ),
            }
        })
        .collect()
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

/// The by-decile table's travel columns: the range, kg per km, and time and cost per trip.
const TRAVEL_COLUMNS: [&str; 5] =
    ["kgco2e_low", "kgco2e_high", "kgco2e_per_patient_km", "minutes_per_trip", "cost_gbp_per_trip"];

/// One group's [`TRAVEL_COLUMNS`], from its published figures.
fn travel_cells(p: &PublishedMeasures) -> Vec<String> {
    vec![
        figure(Some(p.kgco2e_low), 3),
        figure(Some(p.kgco2e_high), 3),
        figure(p.kgco2e_per_patient_km(), 4),
        figure(p.minutes_per_trip(), 1),
        figure(p.cost_gbp_per_trip(), 2),
    ]
}

/// The summary's account of the mode share by area.
fn mode_share_by_area(
    model: &TravelModel,
    census: Option<&CensusTravelTable>,
    travel: &AreaTravel,
    areas: usize,
) -> ModeShareByArea {
    match census {
        Some(c) if travel.areas_by_census() > 0 => ModeShareByArea {
            applied: true,
            car_availability: Some(file_name(&c.car_availability)),
            travel_to_work: c.travel_to_work.as_deref().map(file_name),
            areas_with_census: Some(travel.areas_by_census()),
            areas: Some(areas),
            households_without_car_national: c.national.without_car().map(|s| round(s, 4)),
            method: Some("each area's share of trips without a car = the national share x its share of households without a car / the national share (Census 2021 TS045); shared among the other modes in the national proportions, tilted by how its workers travel (TS061) where given; areas the census does not cover take the national split".into()),
            note: None,
        },
        _ => ModeShareByArea {
            note: Some(
                if model.mode_share == ModeShare::default_national() {
                    "one national split everywhere: give --car-availability (Census 2021 TS045) to vary it by area"
                } else {
                    "one national split everywhere (--mode-share)"
                }
                .into(),
            ),
            ..ModeShareByArea::default()
        },
    }
}

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
    (names, groups): (Option<&[crate::reference::area_names::Msoa]>, &DecileGroups),
    tally: &EmissionsTally,
    published: &PublishedEmissions,
) -> (Table, Vec<(usize, ::geojson::JsonObject)>) {
    let across = groups.across_nations();
    let name_columns =
        crate::output::names::NameColumns::of(names, facts, |i| tally.by_area[i].appointments > 0.0, across);
    let mut headers = vec!["area_code", "area_name"];
    headers.extend(name_columns.headers());
    headers.push("imd_decile");
    if across {
        headers.extend(["nation", "deprivation_index", "deprivation_decile"]);
    }
    headers.push("population");
    headers.extend(MEASURE_COLUMNS);
    headers.push("kgco2e_per_1000_population");
    let mut table = Table::new(&headers);
    let mut features = Vec::new();
    for (i, area) in facts.iter().enumerate().filter(|(i, _)| tally.by_area[*i].appointments > 0.0) {
        let p = &published.areas[i];
        let mut row = vec![area.code.clone(), area.name.clone()];
        row.extend(name_columns.cells(area));
        row.push(fixed(area.decile.map(f64::from), 0));
        if across {
            row.extend(match groups.of_area[i] {
                Some(g) => {
                    let (nation, index) = &groups.nations[g / 10];
                    [nation_name(*nation).to_string(), index.clone(), (g % 10 + 1).to_string()]
                }
                None => Default::default(),
            });
        }
        row.push(fixed(area.population, 0));
        row.extend(measure_cells(p));
        row.push(per_1000(p.kgco2e, area.population));
        features.push((i, geojson::properties(&table, &row)));
        table.push(row);
    }
    if tally.outside_areas.appointments > 0.0 {
        let mut row = vec![String::new(), "Outside the boundaries".to_string()];
        row.resize(headers.len() - MEASURE_COLUMNS.len() - 1, String::new());
        row.extend(measure_cells(&published.outside_areas));
        row.push(String::new());
        table.push(row);
    }
    (table, features)
}

/// The by-MSOA table (CSV and GeoJSON, the MSOAs dissolved from their areas) of the MSOAs the
/// patients come from, when the run has an LSOA → MSOA lookup; per 1,000 of the MSOA's population.
fn msoa_tables(
    run: &RunContext,
    tally: &EmissionsTally,
    published: &PublishedEmissions,
) -> anyhow::Result<Vec<&'static str>> {
    let (out, areas) = (run.out(), &run.areas);
    if areas.msoas.is_empty() {
        return Ok(Vec::new());
    }
    let mut population: Vec<Option<f64>> = vec![None; areas.msoas.len()];
    let mut appointments = vec![0.0; areas.msoas.len()];
    for (area, measures) in areas.facts.iter().zip(&tally.by_area) {
        let Some(m) = area.msoa else { continue };
        appointments[m] += measures.appointments;
        if let Some(p) = area.population {
            population[m] = Some(population[m].unwrap_or(0.0) + p);
        }
    }
    let mut order: Vec<usize> = (0..areas.msoas.len()).filter(|m| appointments[*m] > 0.0).collect();
    order.sort_by(|a, b| areas.msoas[*a].code.cmp(&areas.msoas[*b].code));
    let mut headers = crate::output::msoa::HEADERS.to_vec();
    headers.push("population");
    headers.extend(MEASURE_COLUMNS);
    headers.push("kgco2e_per_1000_population");
    let mut table = Table::new(&headers);
    for &m in &order {
        let p = &published.msoas[m];
        let mut row = crate::output::msoa::cells(areas, m).to_vec();
        row.push(fixed(population[m], 0));
        row.extend(measure_cells(p));
        row.push(per_1000(p.kgco2e, population[m]));
        table.push(row);
    }
    run.write_table("emissions_by_msoa.csv", &table)?;
    let rows: Vec<(usize, usize)> = order.iter().copied().zip(0..).collect();
    crate::output::msoa::write_geojson((out, "emissions_by_msoa.geojson"), &run.formats, areas, &table, &rows)?;
    Ok(vec!["emissions_by_msoa.csv", "emissions_by_msoa.geojson"])
}

fn decile_table(population: &Option<Vec<f64>>, published: &PublishedEmissions, groups: &DecileGroups) -> Table {
    if groups.across_nations() {
        return decile_table_by_nation(population, published, groups);
    }
    let population = population.as_ref().map(|p| std::array::from_fn::<f64, 10, _>(|i| p[i]));
    let population = &population;
    let mut headers = vec!["imd_decile", "population"];
    headers.extend(MEASURE_COLUMNS);
    headers.extend(["kgco2e_per_1000_population", "share_of_kgco2e", "share_of_scenario_kgco2e_saved"]);
    headers.extend(TRAVEL_COLUMNS);
    let mut table = Table::new(&headers);
    let any_population = population.is_some();
    let population = population.unwrap_or([0.0; 10]);
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
        row.extend(travel_cells(p));
        table.push(row);
    }
    let mut row = vec!["total".to_string(), fixed(any_population.then(|| population.iter().sum()), 0)];
    row.extend(measure_cells(total));
    row.extend([String::new(), share(total.kgco2e, total.kgco2e), String::new()]);
    row.extend(travel_cells(total));
    table.push(row);
    table
}

/// `emissions_by_decile.csv` in a run whose patients span nations: each nation's deciles of its
/// own index and its total (shares within the nation), then the patients without a decile and the
/// run's total (shares of the run's).
fn decile_table_by_nation(
    population: &Option<Vec<f64>>,
    published: &PublishedEmissions,
    groups: &DecileGroups,
) -> Table {
    let mut headers = vec!["nation", "deprivation_index", "deprivation_decile", "population"];
    headers.extend(MEASURE_COLUMNS);
    headers.extend(["kgco2e_per_1000_population", "share_of_kgco2e", "share_of_scenario_kgco2e_saved"]);
    headers.extend(TRAVEL_COLUMNS);
    let mut table = Table::new(&headers);
    let row_of =
        |label: [String; 3], pop: Option<f64>, p: &PublishedMeasures, whole: &PublishedMeasures, saved: bool| {
            let mut row = label.to_vec();
            row.push(fixed(pop, 0));
            row.extend(measure_cells(p));
            row.extend([
                per_1000(p.kgco2e, pop),
                share(p.kgco2e, whole.kgco2e),
                if saved { share(p.scenario_kgco2e_saved, whole.scenario_kgco2e_saved) } else { String::new() },
            ]);
            row.extend(travel_cells(p));
            row
        };
    for (n, (nation, index)) in groups.nations.iter().enumerate() {
        let (name, total) = (nation_name(*nation).to_string(), &published.nations[n].0);
        let people = |d: usize| population.as_ref().map(|p| p[n * 10 + d]);
        for d in 0..10 {
            let label = [name.clone(), index.clone(), (d + 1).to_string()];
            table.push(row_of(label, people(d), &published.deciles[n * 10 + d], total, true));
        }
        let all = population.as_ref().map(|p| p[n * 10..n * 10 + 10].iter().sum());
        table.push(row_of([name, index.clone(), "total".into()], all, total, total, false));
    }
    let none = [String::new(), String::new(), "none".to_string()];
    table.push(row_of(none, None, &published.deciles[groups.none()], &published.total, true));
    let all = population.as_ref().map(|p| p.iter().sum());
    let total = [String::new(), String::new(), "total".to_string()];
    table.push(row_of(total, all, &published.total, &published.total, false));
    table
}

/// The columns of the exact decile table (`not-for-publication/emissions_by_decile.csv`), each
/// with its decimals (`None`: a count, whole unless a bridged area shared it) and its measure.
const EXACT_DECILE_COLUMNS: [(&str, Option<usize>, fn(&Measures) -> f64); 15] = [
    ("appointments", None, |m| m.appointments),
    ("face_to_face", None, |m| m.face_to_face),
    ("virtual", None, |m| m.virtual_),
    ("patient_km", Some(1), |m| m.patient_km),
    ("kgco2e", Some(3), |m| m.kgco2e),
    ("kgco2e_low", Some(3), |m| m.kgco2e_low),
    ("kgco2e_high", Some(3), |m| m.kgco2e_high),
    ("cost_gbp", Some(2), |m| m.cost_gbp),
    ("kgco2e_avoided", Some(3), |m| m.kgco2e_avoided),
    ("scenario_appointments_eligible", None, |m| m.scenario_eligible),
    ("scenario_appointments_shifted", Some(1), |m| m.scenario_shifted),
    ("scenario_patient_km_saved", Some(1), |m| m.scenario_km_saved),
    ("scenario_kgco2e_saved", Some(3), |m| m.scenario_kgco2e_saved),
    ("scenario_cost_saved_gbp", Some(2), |m| m.scenario_cost_saved_gbp),
    ("scenario_hours_saved", Some(1), |m| m.scenario_hours_saved),
];

/// The exact twin of `emissions_by_decile.csv` for the analyst, in [`INTERNAL_FOLDER`]: every
/// measure summed from the rows, no rule applied (what `docs/warehouse.md` reproduces on a data platform).
fn write_exact_decile_table(out: &Path, deciles: &[Measures], groups: &DecileGroups) -> anyhow::Result<()> {
    let across = groups.across_nations();
    let mut headers =
        if across { vec!["nation", "deprivation_index", "deprivation_decile"] } else { vec!["imd_decile"] };
    headers.extend(EXACT_DECILE_COLUMNS.iter().map(|(name, _, _)| *name));
    let mut table = Table::new(&headers);
    let total = Measures::sum(deciles.iter());
    let mut rows: Vec<(Vec<String>, Measures)> = Vec::new();
    for (n, (nation, index)) in groups.nations.iter().enumerate() {
        let label = |d: String| if across { vec![nation_name(*nation).to_string(), index.clone(), d] } else { vec![d] };
        for d in 0..10 {
            rows.push((label((d + 1).to_string()), deciles[n * 10 + d]));
        }
        if across {
            rows.push((label("total".to_string()), Measures::sum(&deciles[n * 10..n * 10 + 10])));
        }
    }
    let label = |d: &str| if across { vec![String::new(), String::new(), d.to_string()] } else { vec![d.to_string()] };
    rows.push((label("none"), deciles[groups.none()]));
    rows.push((label("total"), total));
    for (label, m) in &rows {
        let mut row = label.clone();
        row.extend(EXACT_DECILE_COLUMNS.iter().map(|(_, decimals, measure)| {
            let value = measure(m);
            let places = decimals.unwrap_or(if value.fract() == 0.0 { 0 } else { 3 });
            fixed(Some(value), places)
        }));
        table.push(row);
    }
    let dir = out.join(INTERNAL_FOLDER);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(table.write_csv(&dir.join("emissions_by_decile.csv"))?)
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
    let mut headers = vec!["specialty", "specialty_name"];
    headers.extend(MEASURE_COLUMNS);
    let mut table = Table::new(&headers);
    for (specialty, p) in &published.specialties {
        let mut row = vec![specialty.clone(), crate::reference::treatment_functions::name(specialty)];
        row.extend(measure_cells(p));
        table.push(row);
    }
    table
}

/// The run in a few lines; `core20` the patients in England's IMD deciles 1-2 (`None` across
/// nations, whose lines per nation follow).
fn print_summary(counts: &Counts, total: &Measures, core20: Option<&Measures>, scenario: &Scenario, started: Instant) {
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
        "travel: {} face to face, {} CO2e (range {} to {}) over {} patient km ({:.2} kg per face-to-face appointment); {} already virtual avoided {}",
        thousands(total.face_to_face as u64),
        mass(total.kgco2e),
        mass(total.kgco2e_low),
        mass(total.kgco2e_high),
        thousands(total.patient_km.round() as u64),
        if total.face_to_face > 0.0 { total.kgco2e / total.face_to_face } else { 0.0 },
        thousands(total.virtual_ as u64),
        mass(total.kgco2e_avoided),
    );
    if scenario.fraction > 0.0 {
        let to_core20 = if let (Some(core20), true) = (core20, total.scenario_kgco2e_saved > 0.0) {
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
