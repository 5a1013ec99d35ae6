//! The equity lens's headline: Bands 1–4 staff living in deciles 1–2 and their commute's cost and time as shares of pay and of paid hours, and the modelled share of households without a car (Census 2021 TS045) where staff in deciles 1–2 live.

use serde::Serialize;

use crate::cli::CommuteArgs;
use crate::commute::published::PublishedCommute;
use crate::commute::tables::entry_pay;
use crate::commute::tally::{CommuteMeasures, CommuteTally};
use crate::input::band::BandGroup;
use crate::output::disclosure::Cell;
use crate::reference::census::CensusTravelTable;
use crate::run::RunContext;

/// Contracted hours a week of a whole-time equivalent on Agenda for Change (Handbook, section 11).
pub const AFC_HOURS_A_WEEK: f64 = 37.5;

/// Each area's share of households without a car or van (Census 2021 TS045), from `--car-availability`.
pub struct NoCar {
    /// By area row; `None` where the table has no households for the area.
    pub by_area: Vec<Option<f64>>,
}

impl NoCar {
    /// The shares, when `--car-availability` is given and joins the run's areas (else `None`, with a warning
    /// when it cannot be joined).
    pub fn load(args: &CommuteArgs, run: &mut RunContext) -> anyhow::Result<Option<NoCar>> {
        let travel = &args.travel;
        let Some(path) = &travel.car_availability else { return Ok(None) };
        let census = CensusTravelTable::load(path, &travel.car_availability_columns, None, &Default::default())?;
        let geography = run.geocoder.boundaries.geography.clone();
        let codes = run.areas.facts.iter().map(|a| a.code.as_str());
        let by_area =
            census.for_run(codes, &geography, args.bridge.area_bridge.as_deref(), &args.bridge.area_bridge_columns)?;
        let Some(by_area) = by_area else {
            run.warnings.push(format!(
                "--car-availability not used for the equity lens: the boundaries are {geography}, not LSOAs"
            ));
            return Ok(None);
        };
        Ok(Some(NoCar { by_area: by_area.iter().map(|c| c.as_ref().and_then(|c| c.without_car())).collect() }))
    }

    /// The staff-weighted share of households without a car over the areas in deciles 1–2 (`staff` and
    /// `deciles` by area row), and the share of those staff whose area the table covers.
    pub fn weighted(&self, staff: &[f64], deciles: &[Option<u8>]) -> Option<(f64, f64)> {
        let (mut weighted, mut covered, mut all) = (0.0, 0.0, 0.0);
        for ((n, decile), share) in staff.iter().zip(deciles).zip(&self.by_area) {
            if *n <= 0.0 || !matches!(decile, Some(1 | 2)) {
                continue;
            }
            all += n;
            if let Some(s) = share {
                weighted += n * s;
                covered += n;
            }
        }
        (covered > 0.0).then(|| (weighted / covered, covered / all))
    }
}

/// Bands 1–4 staff living in deciles 1–2: how many, how likely to be without a car, and what the
/// commute costs them against their pay and paid hours.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EquityLens {
    /// Bands 1–4 staff whose home is in a national IMD decile 1 or 2 area.
    pub bands_1_4_deciles_1_2_staff: Option<f64>,
    /// Modelled: the share of households without a car or van (TS045) in the deciles 1–2 areas where
    /// staff live, weighted by each area's staff (all bands); not a count of people. `None` without
    /// `--car-availability`.
    pub households_without_car_share_modelled: Option<f64>,
    /// Of the staff in deciles 1–2 areas, the share whose home area the car table covers.
    pub households_without_car_coverage: Option<f64>,
    /// Car mileage cost a year per whole-time equivalent.
    pub cost_gbp_per_wte: Option<f64>,
    /// The same over Band 2's entry pay point.
    pub cost_share_of_entry_pay: Option<f64>,
    /// Door-to-door commuting hours a year per whole-time equivalent.
    pub hours_per_wte: Option<f64>,
    /// The same over a whole-time year's paid hours.
    pub hours_share_of_paid_hours: Option<f64>,
    /// The pay and paid hours compared with.
    pub entry_pay_gbp: Option<f64>,
    /// Paid hours a year of one whole-time equivalent.
    pub paid_hours_per_wte: f64,
    /// How each figure is made, in words.
    pub method: String,
}

impl EquityLens {
    /// The lens from the published decile × band cells (deciles 1 and 2, Bands 1–4), and the modelled
    /// car share from `no_car` weighted by the published staff count of each area in deciles 1–2 (all
    /// bands: counts by area and band are not published); figures hidden with their counts.
    pub fn published(
        published: &PublishedCommute,
        no_car: Option<&NoCar>,
        deciles: &[Option<u8>],
        paid_hours: f64,
    ) -> EquityLens {
        let (d1, d2) = (&published.decile_band[BANDS_1_4], &published.decile_band[5 + BANDS_1_4]);
        let sum = |a: Cell, b: Cell| match (a, b) {
            (Cell::Count(a), Cell::Count(b)) => Some(a + b),
            _ => None,
        };
        let figures =
            [sum(d1.staff, d2.staff), sum(d1.wte, d2.wte), sum(d1.cost_gbp, d2.cost_gbp), sum(d1.hours, d2.hours)];
        let area_staff: Vec<f64> = published.areas.iter().map(|a| a.staff.value().unwrap_or(0.0)).collect();
        let car = no_car.and_then(|c| c.weighted(&area_staff, deciles));
        EquityLens::of(figures, car, paid_hours, true)
    }

    /// The lens from the exact tally, for the exact summary.
    pub fn exact(tally: &CommuteTally, no_car: Option<&NoCar>, deciles: &[Option<u8>], paid_hours: f64) -> EquityLens {
        let m = CommuteMeasures::sum([&tally.by_decile_band[0][BANDS_1_4], &tally.by_decile_band[1][BANDS_1_4]]);
        let area_staff: Vec<f64> = tally.by_area.iter().map(|a| a.staff).collect();
        let car = no_car.and_then(|c| c.weighted(&area_staff, deciles));
        EquityLens::of([Some(m.staff), Some(m.wte), Some(m.cost_gbp), Some(m.hours)], car, paid_hours, false)
    }

    /// From [staff, WTE, cost, hours] and the car share (and its coverage); rounded when `published`.
    fn of(figures: [Option<f64>; 4], car: Option<(f64, f64)>, paid_hours: f64, published: bool) -> EquityLens {
        let [staff, wte, cost, hours] = figures;
        let r = |v: f64, d: i32| if published { round(v, d) } else { v };
        let per_wte = |v: Option<f64>| match (v, wte) {
            (Some(v), Some(w)) if w > 0.0 => Some(v / w),
            _ => None,
        };
        let car = car.filter(|_| staff.is_some_and(|s| s > 0.0));
        let pay = entry_pay(BandGroup::Bands1To4);
        EquityLens {
            bands_1_4_deciles_1_2_staff: staff,
            households_without_car_share_modelled: car.map(|(s, _)| r(s, 2)),
            households_without_car_coverage: car.map(|(_, c)| r(c, 2)),
            cost_gbp_per_wte: per_wte(cost).map(|c| r(c, 0)),
            cost_share_of_entry_pay: per_wte(cost).zip(pay).map(|(c, p)| r(c / p, 4)),
            hours_per_wte: per_wte(hours).map(|h| r(h, 0)),
            hours_share_of_paid_hours: per_wte(hours).filter(|_| paid_hours > 0.0).map(|h| r(h / paid_hours, 4)),
            entry_pay_gbp: pay,
            paid_hours_per_wte: paid_hours,
            method: METHOD.to_string(),
        }
    }
}

/// Bands 1–4's place in [`BandGroup::ALL`].
const BANDS_1_4: usize = 0;

/// The lens's method, as both summaries state it.
pub const METHOD: &str = "Bands 1-4 staff whose home is in a national IMD decile 1 or 2 area (published counts). Households without a car is modelled: each member of staff (all bands) living in a decile 1 or 2 area counts as their home area's share of households without a car or van (Census 2021 TS045), averaged over them by each area's published staff count (staff by area and band are not published) and rounded to the whole per cent; it is not a count of staff without a car. Cost is car mileage at the mileage rate per whole-time equivalent over Band 2's entry pay point (Agenda for Change 2025/26); time is door-to-door hours a year per whole-time equivalent over a whole-time year's paid hours (37.5 hours a week for the working days less leave).";

/// Paid hours a year of one whole-time equivalent: 37.5 a week over the working days less leave.
pub fn paid_hours(working_days: f64, leave_days: f64) -> f64 {
    AFC_HOURS_A_WEEK * (working_days - leave_days).max(0.0) / 5.0
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

impl EquityLens {
    /// One nation's lens in a run whose staff span nations: its Bands 1–4 staff in deciles 1–2 of its
    /// own index (`index`), from [staff, WTE, cost, hours] and its car share; rounded when `published`.
    pub(crate) fn of_nation(
        figures: [Option<f64>; 4],
        car: Option<(f64, f64)>,
        paid_hours: f64,
        (published, index): (bool, &str),
    ) -> EquityLens {
        let mut lens = EquityLens::of(figures, car, paid_hours, published);
        lens.method =
            METHOD.replacen("a national IMD decile 1 or 2 area", &format!("a decile 1 or 2 area of {index}"), 1);
        lens
    }
}
