//! `anchormap commute`: staff travel to work from the staff file as trips, km, kg CO2e, cost and hours a year by home area, deprivation decile, band group, staff group and site.

pub mod distance;
pub mod equity;
pub mod modes;
pub mod nations;
pub mod partners;
pub mod published;
pub mod reach;
pub mod summary;
pub mod tables;
pub mod tally;

mod place;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::bail;
use rustc_hash::FxHashMap;

use crate::analysis::travel::{EmissionFactors, ModeShare, TimeModel, TravelModel};
use crate::cli::{CommuteArgs, TravelArgs};
use crate::commute::modes::{with_passenger_factor, Modes, DEFAULT_COMMUTE_MODE_SHARE};
use crate::commute::place::{place_staff, Counts, Placer, SiteAssignment};
use crate::commute::published::PublishedCommute;
use crate::commute::summary::{
    CommuteAssumptions, CommuteExact, CommuteScenarios, CommuteSummary, DaysOnSiteSummary, INTERNAL_SUMMARY, SUMMARY,
};
use crate::commute::tally::{CommuteTally, Frequency};
use crate::input::distance_matrix::DistanceMatrix;
use crate::input::sites::{Site, SiteNames};
use crate::io::format::{mass, thousands};
use crate::output::disclosure::{Cell, Disclosure, Margins, RunAudit};
use crate::output::run_summary::Range;
use crate::output::summary::{file_name, INTERNAL_FOLDER};
use crate::run::RunContext;

/// Runs `anchormap commute`.
pub fn run(args: CommuteArgs) -> anyhow::Result<()> {
    if args.reference.deprivation.is_none() {
        bail!(crate::Error::usage("commute needs --deprivation (an IoD file) to report by deprivation decile"));
    }
    let input = crate::io::CsvInput::open(&args.staff)?;
    let model = travel_model(&args.travel)?;
    let census = distance::census(&args)?; // read before the staff are placed: a bad file stops the run at once
    let rule = (args.disclosure.rule(), true); // each nation's staff on its own index (--wimd, --simd)
    let mut run = RunContext::open_with_nations(&args.output, &args.reference, rule, &inputs(&args), || Ok(None))?;
    run.attach_names(&args.names)?;
    let sites = run.read_sites(&args.sites, &args.site_columns)?;
    let site_names = SiteNames::new(&sites);
    let assignment = SiteAssignment::new(&args, &input, &sites, &site_names, &mut run.warnings)?;
    let modes = Modes::load(&args, &model, &mut run, &site_names)?;
    let (matrix, matrix_warning) = distance_matrix(&args.travel, &run, &site_names)?;
    run.warnings.extend(matrix_warning);
    let frequency = Frequency {
        working_days: args.commute.working_days,
        leave_days: args.commute.leave_days,
        days_on_site: args.commute.days_on_site.clone(),
    };
    let placer = Placer::new(&args, &input, assignment, &sites, &model, &modes, &matrix, &frequency)?;
    let mut placed = place_staff(input, &placer, &mut run)?;
    placed.tally.nations = nations::decile_groups(&run, &placed.tally);
    let no_car = equity::NoCar::load(&args, &mut run)?;
    let paid_hours = equity::paid_hours(frequency.working_days, frequency.leave_days);
    let deciles: Vec<Option<u8>> = run.areas.facts.iter().map(|a| a.decile).collect();
    let msoas: Vec<Option<usize>> = run.areas.facts.iter().map(|a| a.msoa).collect();
    let (published, exact) = PublishedCommute::new(&placed.tally, &deciles, &msoas, &run.disclosure);
    let (mut written, warning) = tables::write(&run, &sites, (&placed.tally, &published), census.as_ref())?;
    run.warnings.extend(warning);
    let exact_tables =
        tables::write_exact(&run.out().join(INTERNAL_FOLDER), (&run.areas, &sites), (&placed.tally, &exact))?;
    let target_reach = write_target_reach(&args, &mut run, &sites, &placed.tally, &model, &mut written)?;
    let not_pooled: Vec<String> = published.by_nation.iter().map(|_| nations::NATIONS_NOT_POOLED.to_string()).collect();
    written.push(run.write_workbook("commute.xlsx", "Staff travel to work", &written, &not_pooled)?);
    written.push(RunAudit::new(run.disclosure, published.audits.clone()).write(run.out())?);
    written.extend(exact_tables.iter().map(|f| format!("{INTERNAL_FOLDER}/{f}")));
    let assumptions = assumptions(&model, &modes, &frequency, !matrix.is_empty());
    let mut summary = published_summary(&args, &run, &placed.counts, &published, assumptions.clone(), written);
    summary.equity_lens = equity::EquityLens::published(&published, no_car.as_ref(), &deciles, paid_hours);
    let mut exact = exact_summary(&placed.counts, &placed.tally, assumptions, &run.warnings);
    exact.equity_lens = equity::EquityLens::exact(&placed.tally, no_car.as_ref(), &deciles, paid_hours);
    exact.scenarios = exact_scenarios(&args, &placed.tally, &deciles);
    by_nation(&args, (&mut summary, &mut exact), (&published, &placed.tally), (no_car.as_ref(), paid_hours));
    summary.target_reach = target_reach.as_ref().map(|(_, r)| r.clone());
    exact.target_reach = target_reach.map(|(_, r)| r);
    let (quiet, started) = (run.quiet, run.started);
    run.finish((SUMMARY, &summary), (INTERNAL_SUMMARY, &exact))?;
    if !quiet {
        print_summary(&placed.counts, &placed.tally);
        summary.by_nation.iter().for_each(|n| eprintln!("{}", n.headline));
        summary.nations_not_pooled.iter().for_each(|s| eprintln!("{s}"));
        eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The reach of the target areas from the sites where staff work (`--targets`), written as a
/// table; target areas not among the run's are counted in a warning.
fn write_target_reach(
    args: &CommuteArgs,
    run: &mut RunContext,
    sites: &[Site],
    tally: &CommuteTally,
    model: &TravelModel,
    written: &mut Vec<String>,
) -> anyhow::Result<Option<(crate::output::table::Table, reach::TargetReach)>> {
    let worked_at: Vec<_> =
        sites.iter().zip(&tally.by_site).filter(|(_, m)| m.staff > 0.0).map(|(s, _)| s.clone()).collect();
    let target_reach = reach::target_reach(&args.reach, &run.areas, &worked_at, model)?;
    if let Some((table, reach)) = &target_reach {
        run.write_table(reach::TABLE, table)?;
        written.push(reach::TABLE.to_string());
        if !reach.targets_not_in_areas.is_empty() {
            run.warnings.push(format!(
                "{} of the --targets areas are not among the run's areas and are left out (e.g. {})",
                reach.targets_not_in_areas.len(),
                reach.targets_not_in_areas[0]
            ));
        }
    }
    Ok(target_reach)
}

/// In a run whose staff span nations: each nation's figures on its own index (published and
/// exact), the not-pooled sentence, and no deciles 1-2 share pooled across nations.
fn by_nation(
    args: &CommuteArgs,
    (summary, exact): (&mut CommuteSummary, &mut CommuteExact),
    (published, tally): (&PublishedCommute, &CommuteTally),
    (no_car, paid_hours): (Option<&equity::NoCar>, f64),
) {
    let Some(nations) = &published.by_nation else { return };
    let c = &args.commute;
    let asked = [c.shift_short_car_trips > 0.0, c.extra_home_day, c.scenario_site.is_some()];
    let area_staff: Vec<f64> = published.areas.iter().map(|a| a.staff.value().unwrap_or(0.0)).collect();
    summary.by_nation = nations.summaries(&area_staff, (no_car, paid_hours), asked);
    exact.by_nation = nations::exact_summaries(tally, no_car, paid_hours, asked);
    for scenarios in [&mut summary.scenarios, &mut exact.scenarios] {
        // England's deciles 1-2 over every nation's staff would pool the indices: per nation instead.
        scenarios.modal_shift_share_to_deciles_1_2 = None;
        scenarios.extra_home_day_share_to_deciles_1_2 = None;
        scenarios.site_move_share_to_deciles_1_2 = None;
    }
    summary.share_of_kgco2e_from_deciles_1_2 = None;
    summary.nations_not_pooled = Some(nations::NATIONS_NOT_POOLED.to_string());
    exact.nations_not_pooled = summary.nations_not_pooled.clone();
}

/// The files no output may replace.
fn inputs(args: &CommuteArgs) -> Vec<&Path> {
    let travel = &args.travel;
    [
        Some(&args.staff),
        Some(&args.sites),
        args.site_lookup.as_ref(),
        travel.factors.as_ref(),
        travel.distance_matrix.as_ref(),
    ]
    .into_iter()
    .chain([travel.car_availability.as_ref(), travel.travel_to_work.as_ref(), args.bridge.area_bridge.as_ref()])
    .chain([args.commute.mode_survey.as_ref(), args.commute.distance_travelled.as_ref()])
    .flatten()
    .map(|p| p.as_path())
    .chain(args.names.paths())
    .collect()
}

/// The travel model: the factors (with car passengers), the national commute split or `--mode-share`,
/// circuity, mileage rate and time model.
fn travel_model(travel: &TravelArgs) -> anyhow::Result<TravelModel> {
    let factors = match &travel.factors {
        Some(path) => EmissionFactors::read(path)?,
        None => EmissionFactors::uk_2025(),
    };
    let national: ModeShare = DEFAULT_COMMUTE_MODE_SHARE.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    TravelModel::new(
        travel.circuity,
        travel.mode_share.clone().unwrap_or(national),
        &with_passenger_factor(factors),
        travel.mileage_rate,
        travel.speed_kmh.map_or_else(TimeModel::default, |kmh| TimeModel::Speed { kmh }),
        travel.public_transport_time_factor,
        travel.include_wtt,
    )
    .map_err(|e| anyhow::anyhow!(e))
}

/// The user's road distances (and times) by (area row, site row); rows naming an area or site not
/// in the inputs are counted in a warning.
fn distance_matrix(
    travel: &TravelArgs,
    run: &RunContext,
    site_names: &SiteNames,
) -> anyhow::Result<(FxHashMap<(usize, usize), (f64, Option<f64>)>, Option<String>)> {
    let mut matrix = FxHashMap::default();
    let Some(path) = &travel.distance_matrix else { return Ok((matrix, None)) };
    let read = DistanceMatrix::read(path, &travel.distance_matrix_columns)?;
    let area_by_code: FxHashMap<&str, usize> =
        run.areas.facts.iter().enumerate().map(|(i, a)| (a.code.as_str(), i)).collect();
    let mut unknown = 0;
    for ((area, site), value) in read.iter() {
        match (area_by_code.get(area.as_str()), site_names.find(site)) {
            (Some(a), Some(s)) => {
                matrix.insert((*a, s), *value);
            }
            _ => unknown += 1,
        }
    }
    let warning = (unknown > 0)
        .then(|| format!("{unknown} of {} distance matrix rows name an area or site not in the inputs", read.len()));
    Ok((matrix, warning))
}

/// The assumptions, as both summaries state them.
fn assumptions(model: &TravelModel, modes: &Modes, frequency: &Frequency, from_matrix: bool) -> CommuteAssumptions {
    let days = &frequency.days_on_site;
    CommuteAssumptions {
        trips_per_wte_year: (frequency.working_days - frequency.leave_days).max(0.0),
        working_days: frequency.working_days,
        leave_days: frequency.leave_days,
        days_on_site: DaysOnSiteSummary {
            overall: days.overall.unwrap_or(5.0),
            by_group: days.by_group.iter().cloned().collect(),
            clinical_groups: "staff groups naming medical, dental, nursing, midwifery, allied health, additional clinical services, healthcare scientists, scientific and technical, or students stay at 5 days a week unless named".into(),
        },
        trips: "one return trip a day on site: contracted WTE (capped to 0-1.5; 1 where not read) x (working days - leave days) x days a week on site / 5".into(),
        modes: modes.method.clone(),
        national_mode_share: modes.national_share.clone(),
        census_files: modes.census_files.clone(),
        factors: model.factors.clone(),
        factors_source: model.factors_source.clone(),
        include_wtt: model.include_wtt,
        circuity: model.circuity,
        distance: if from_matrix {
            "the distance matrix's one-way road km for the home area and site where it has them, else the straight line from the home postcode's point to the site times the circuity factor; both ways"
        } else {
            "straight line from the home postcode's point to the site, times the circuity factor, both ways"
        }
        .into(),
        range: format!(
            "low: circuity {}, car share at most {} (the other modes in proportion), direct emissions only; high: circuity {}, everyone driving, well-to-tank included",
            model.circuity_range.0,
            crate::analysis::travel::LOW_CAR_SHARE,
            model.circuity_range.1
        ),
        cost: "car drivers' and passengers' miles at the mileage rate; fares for other modes are not estimated".into(),
        mileage_gbp_per_mile: model.mileage_gbp_per_mile,
        travel_time: model.time,
        travel_time_without_car_factor: model.without_car_time_factor,
        published_figures: "staff counts under the disclosure rule; WTE, trips, km, kg CO2e, £ and hours are the published count times the per-person average to 3 significant figures, hidden with their count".into(),
    }
}

/// The published summary: counts under the rule (placed and each reason add up to the total, so
/// they are protected as one line); every figure is the tables' total row.
fn published_summary(
    args: &CommuteArgs,
    run: &RunContext,
    counts: &Counts,
    published: &PublishedCommute,
    assumptions: CommuteAssumptions,
    outputs: Vec<String>,
) -> CommuteSummary {
    let (total, placed, unplaced_by_reason) = published_counts(counts, &run.disclosure);
    let t = &published.total;
    let value = |cell: Cell, decimals: i32| cell.value().map(|v| round(v, decimals));
    CommuteSummary {
        staff_file: file_name(&args.staff),
        staff_as_at: args.as_at.map(|d| d.to_string()),
        staff_total: total,
        staff_placed: placed,
        unplaced_by_reason,
        wte_total: value(t.wte, 1),
        trips_total: value(t.trips, 0),
        km_total: value(t.km, 0),
        kgco2e_total: value(t.kgco2e, 1),
        kgco2e_range: Range { low: value(t.kgco2e_low, 1), high: value(t.kgco2e_high, 1) },
        tco2e_total: t.kgco2e.value().map(|kg| round(kg / 1000.0, 3)),
        cost_gbp_total: value(t.cost_gbp, 0),
        hours_total: value(t.hours, 0),
        share_of_kgco2e_from_deciles_1_2: match (published.core20.kgco2e.value(), t.kgco2e.value()) {
            (Some(p), Some(w)) if w > 0.0 => Some(round(p / w, 4)),
            _ => None,
        },
        equity_lens: Default::default(),
        decisions: counts.decisions.clone(),
        target_reach: None,
        scenarios: scenarios(
            args,
            (t.shift_kgco2e_saved.value(), published.core20.shift_kgco2e_saved.value()),
            (t.home_day_kgco2e_saved.value(), published.core20.home_day_kgco2e_saved.value()),
            [
                t.site_move_kgco2e_saved.value(),
                published.core20.site_move_kgco2e_saved.value(),
                t.site_move_km_saved.value(),
                t.site_move_hours_saved.value(),
            ],
        ),
        assumptions,
        disclosure: run.disclosure,
        vintages: run.vintages.clone(),
        reference: run.geocoder.reference_summary(),
        area_names: run.names.clone(),
        outputs,
        internal_summary: format!("{INTERNAL_FOLDER}/{INTERNAL_SUMMARY}"),
        by_nation: Vec::new(),
        nations_not_pooled: None,
    }
}

/// The rows, the placed and each reason not placed under the rule, as one line that adds up.
fn published_counts(counts: &Counts, rule: &Disclosure) -> (Option<f64>, Option<f64>, BTreeMap<String, Option<f64>>) {
    let mut line = vec![counts.rows as f64, counts.placed as f64];
    line.extend(counts.unplaced_by_reason.values().map(|n| *n as f64));
    let mut margins = Margins::new();
    margins.add(1..line.len(), 0);
    let cells = rule.cells(&line, &margins);
    let reasons = counts.unplaced_by_reason.keys().zip(&cells[2..]).map(|(r, c)| (r.to_string(), c.value()));
    (cells[0].value(), cells[1].value(), reasons.collect())
}

/// Exact figures for the analyst who ran it; never published.
fn exact_summary(
    counts: &Counts,
    tally: &CommuteTally,
    assumptions: CommuteAssumptions,
    warnings: &[String],
) -> CommuteExact {
    let t = tally.total();
    CommuteExact {
        staff_total: counts.rows,
        staff_placed: counts.placed,
        unplaced_by_reason: counts.unplaced_by_reason.clone(),
        unknown_sites: counts.unknown_sites.counts(),
        not_in_site_lookup: counts.not_in_lookup.counts(),
        equity_lens: Default::default(),
        wte_not_read: counts.wte_not_read,
        wte_capped: counts.wte_capped,
        staff_by_split: counts.by_split.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        trips_from_distance_matrix: counts.from_matrix,
        trips_from_straight_line: counts.placed - counts.from_matrix,
        wte_total: t.wte,
        trips_total: t.trips,
        km_total: t.km,
        kgco2e_total: t.kgco2e,
        kgco2e_range: Range { low: Some(t.kgco2e_low), high: Some(t.kgco2e_high) },
        cost_gbp_total: t.cost_gbp,
        hours_total: t.hours,
        trips_by_mode: tally.trips_by_mode.clone(),
        staff_by_distance_band: distance::DISTANCE_BANDS
            .iter()
            .zip(&tally.by_distance)
            .map(|(b, m)| (b.0, m.staff))
            .collect(),
        target_reach: None,
        scenarios: CommuteScenarios {
            shift_short_car_trips: 0.0,
            short_trip_km: 0.0,
            modal_shift_kgco2e_saved: None,
            modal_shift_share_to_deciles_1_2: None,
            extra_home_day: false,
            extra_home_day_kgco2e_saved: None,
            extra_home_day_share_to_deciles_1_2: None,
            site_move: None,
            site_move_kgco2e_saved: None,
            site_move_km_saved: None,
            site_move_hours_saved: None,
            site_move_share_to_deciles_1_2: None,
            method: String::new(),
        },
        assumptions,
        warnings: warnings.to_vec(),
        by_nation: Vec::new(),
        nations_not_pooled: None,
    }
}

/// The scenarios as the summary states them: each saving (total, and the part saved by staff living
/// in deciles 1–2) from the figures given, `None` where a scenario was not asked for.
fn scenarios(
    args: &CommuteArgs,
    shift: (Option<f64>, Option<f64>),
    home: (Option<f64>, Option<f64>),
    moved: [Option<f64>; 4],
) -> CommuteScenarios {
    let c = &args.commute;
    let share = |(total, core20): (Option<f64>, Option<f64>)| match (total, core20) {
        (Some(t), Some(p)) if t > 0.0 => Some(round(p / t, 4)),
        _ => None,
    };
    let asked = |on: bool, v: (Option<f64>, Option<f64>)| if on { v } else { (None, None) };
    let (shift, home) = (asked(c.shift_short_car_trips > 0.0, shift), asked(c.extra_home_day, home));
    let moving = match c.scenario_site {
        Some(_) => (moved[0], moved[1], moved[2], moved[3]),
        None => (None, None, None, None),
    };
    CommuteScenarios {
        shift_short_car_trips: c.shift_short_car_trips,
        short_trip_km: c.short_trip_km,
        modal_shift_kgco2e_saved: shift.0.map(|v| round(v, 1)),
        modal_shift_share_to_deciles_1_2: share(shift),
        extra_home_day: c.extra_home_day,
        extra_home_day_kgco2e_saved: home.0.map(|v| round(v, 1)),
        extra_home_day_share_to_deciles_1_2: share(home),
        site_move: c.scenario_site.as_ref().map(|m| format!("{} to ({}, {})", m.site, m.easting, m.northing)),
        site_move_kgco2e_saved: moving.0.map(|v| round(v, 1)),
        site_move_km_saved: moving.2.map(|v| round(v, 0)),
        site_move_hours_saved: moving.3.map(|v| round(v, 0)),
        site_move_share_to_deciles_1_2: match (moving.0, moving.1) {
            (Some(t), Some(p)) if t != 0.0 => Some(round(p / t, 4)),
            _ => None,
        },
        method: format!(
            "modal shift: {:.0}% of car drivers' trips under {} km one way (road) made on foot or by bicycle, saving their car kg CO2e; extra home day: staff of non-clinical groups on site at least 2 days a week one day fewer (their trips less one fifth of a full-time year), saving those trips' kg CO2e; moved site: the site's staff travel to its new point by the same split and as often, both before and after as the straight line x circuity (a distance matrix is not used for either), the saving being before less after (negative where the new point is further)",
            c.shift_short_car_trips * 100.0,
            c.short_trip_km
        ),
    }
}

/// The scenarios' exact savings, for the exact summary.
fn exact_scenarios(args: &CommuteArgs, tally: &CommuteTally, deciles: &[Option<u8>]) -> CommuteScenarios {
    let t = tally.total();
    let by_decile = tally.by_decile(deciles);
    let core20 = crate::commute::tally::CommuteMeasures::sum(&by_decile[..2]);
    let mut s = scenarios(
        args,
        (Some(t.shift_kgco2e_saved), Some(core20.shift_kgco2e_saved)),
        (Some(t.home_day_kgco2e_saved), Some(core20.home_day_kgco2e_saved)),
        [
            Some(t.site_move_kgco2e_saved),
            Some(core20.site_move_kgco2e_saved),
            Some(t.site_move_km_saved),
            Some(t.site_move_hours_saved),
        ],
    );
    s.modal_shift_kgco2e_saved = s.modal_shift_kgco2e_saved.map(|_| t.shift_kgco2e_saved);
    s.extra_home_day_kgco2e_saved = s.extra_home_day_kgco2e_saved.map(|_| t.home_day_kgco2e_saved);
    s.site_move_kgco2e_saved = s.site_move_kgco2e_saved.map(|_| t.site_move_kgco2e_saved);
    s.site_move_km_saved = s.site_move_km_saved.map(|_| t.site_move_km_saved);
    s.site_move_hours_saved = s.site_move_hours_saved.map(|_| t.site_move_hours_saved);
    s
}

fn print_summary(counts: &Counts, tally: &CommuteTally) {
    let unplaced: Vec<String> =
        counts.unplaced_by_reason.iter().map(|(reason, n)| format!("{reason} {}", thousands(*n))).collect();
    eprintln!(
        "staff: {} rows; {} placed{}{}",
        thousands(counts.rows),
        thousands(counts.placed),
        if unplaced.is_empty() { "" } else { "; not placed: " },
        unplaced.join(", ")
    );
    let t = tally.total();
    eprintln!(
        "commute: {} return trips a year, {} km, {} CO2e (range {} to {}), {} hours",
        thousands(t.trips.round() as u64),
        thousands(t.km.round() as u64),
        mass(t.kgco2e),
        mass(t.kgco2e_low),
        mass(t.kgco2e_high),
        thousands(t.hours.round() as u64)
    );
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
