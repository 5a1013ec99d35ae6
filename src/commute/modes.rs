//! How staff travel: each home area's mode split from Census 2021 TS061 (home working dropped and the rest renormalised), the trust's own survey by site and band group, or one split; car availability (TS045) lowering the national split's car share where the census split is not read.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::bail;
use rustc_hash::FxHashMap;

use crate::analysis::travel::{AreaModeShares, Blend, EmissionFactors, ModeShare, TravelModel};
use crate::cli::CommuteArgs;
use crate::columns::{normalise, ColumnMap};
use crate::dictionary::TRAVEL_TO_WORK_METHODS;
use crate::error::{Error, Location};
use crate::input::band::BandGroup;
use crate::input::sites::SiteNames;
use crate::reference::bridge::AreaBridge;
use crate::reference::census::{CensusTable, CensusTravelTable};
use crate::reference::Geography;
use crate::run::RunContext;

/// The national split of journeys to work in England and Wales, Census 2021 TS061 (27.8 million
/// workers; those working mainly at or from home, 31%, and "other method", 1%, left out and the
/// rest renormalised; walk_cycle takes the rounding, +0.0002). Used where TS061 is not given.
pub const DEFAULT_COMMUTE_MODE_SHARE: &str =
    "car=0.6656,car_passenger=0.0576,bus=0.0617,rail=0.0281,tram=0.0269,taxi=0.0106,motorbike=0.0068,walk_cycle=0.1427";

/// People in a car whose driver commutes too: a passenger's share of the car's vehicle-km factor
/// is one over this (two people in the car).
pub const CAR_PASSENGER_OCCUPANCY: f64 = 2.0;

/// The TS061 method columns of [`TRAVEL_TO_WORK_METHODS`] that are journeys, and the mode each is.
const CENSUS_MODES: [(usize, &str); 9] = [
    (2, "tram"),
    (3, "rail"),
    (4, "bus"),
    (5, "taxi"),
    (6, "motorbike"),
    (7, "car"),
    (8, "car_passenger"),
    (9, "walk_cycle"),
    (10, "walk_cycle"),
];

/// The factor file with a `car_passenger` mode added (the car's factors over
/// [`CAR_PASSENGER_OCCUPANCY`]) unless it has one.
pub fn with_passenger_factor(mut factors: EmissionFactors) -> EmissionFactors {
    if let Some(car) = factors.kgco2e_per_km.get("car").copied() {
        factors.kgco2e_per_km.entry("car_passenger".into()).or_insert(car / CAR_PASSENGER_OCCUPANCY);
    }
    if let Some(wtt) = factors.wtt_kgco2e_per_km.as_mut() {
        if let Some(car) = wtt.get("car").copied() {
            wtt.entry("car_passenger".into()).or_insert(car / CAR_PASSENGER_OCCUPANCY);
        }
    }
    factors
}

/// One area's census counts (the columns of [`TRAVEL_TO_WORK_METHODS`]) as a split among those who
/// travel, and the share of its workers working mainly at or from home; `None` when nobody travels.
///
/// ```
/// use anchormap::commute::modes::census_split;
/// // total, home, underground, train, bus, taxi, motorcycle, driving, passenger, bicycle, foot, other
/// let (split, home) = census_split(&[100.0, 20.0, 0.0, 5.0, 10.0, 0.0, 0.0, 50.0, 5.0, 2.0, 8.0, 0.0]).unwrap();
/// assert_eq!((split.0["car"], split.0["walk_cycle"], home), (0.625, 0.125, 0.2));
/// ```
pub fn census_split(counts: &[f64]) -> Option<(ModeShare, f64)> {
    let travellers: f64 = CENSUS_MODES.iter().map(|(i, _)| counts[*i]).sum();
    if travellers <= 0.0 {
        return None;
    }
    let mut shares: BTreeMap<String, f64> = BTreeMap::new();
    for (i, mode) in CENSUS_MODES {
        *shares.entry(mode.to_string()).or_default() += counts[i] / travellers;
    }
    Some((ModeShare(shares), counts[1] / (counts[1] + travellers)))
}

/// Where a member of staff's mode split came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SplitFrom {
    /// The home area's own TS061 split.
    Census,
    /// The national split lowered or raised by the home area's car availability (TS045).
    CarAvailability,
    /// The trust's travel survey.
    Survey,
    /// One split everywhere (`--mode-share`, or the national split where nothing else applies).
    National,
}

impl SplitFrom {
    /// As the summary names it.
    pub fn as_str(self) -> &'static str {
        match self {
            SplitFrom::Census => "census_travel_to_work_of_home_area",
            SplitFrom::CarAvailability => "national_split_by_car_availability_of_home_area",
            SplitFrom::Survey => "travel_survey",
            SplitFrom::National => "one_split",
        }
    }
}

/// Each area's blend (and home-working share), the survey's blends, and the national one.
pub struct Modes {
    /// By area row: the blend, where it came from, and the share of its workers at home (TS061).
    by_area: Vec<Option<(Blend, SplitFrom, f64)>>,
    /// The survey's splits by (site, band group, staff group), `None` being "any": each an index of `survey_splits`.
    survey: FxHashMap<SurveyKey, usize>,
    /// The survey's staff groups (normalised), by number.
    survey_groups: Vec<String>,
    /// The survey's blends and splits, in the order of their keys.
    survey_splits: Vec<(Blend, ModeShare)>,
    national: Blend,
    /// Each area's split, for the exact summary's trips by mode (same rows as `by_area`).
    shares: Vec<Option<ModeShare>>,
    /// The split applied where nothing else does.
    pub national_share: ModeShare,
    /// How the splits were chosen, in words, for the summary.
    pub method: String,
    /// The census files read for the split.
    pub census_files: Vec<String>,
}

/// The split a member of staff travels by, with where it came from.
pub struct Chosen<'a> {
    /// The blend (kg per km, car share, time factor).
    pub blend: &'a Blend,
    /// Where the split came from.
    pub from: SplitFrom,
    /// The home area's share of workers at home (TS061), when the split is the census's.
    pub home_share: f64,
    /// The split itself.
    pub share: &'a ModeShare,
    /// Which split it is (see [`Modes::split`]): the same number for everyone travelling by the same split.
    pub split: usize,
}

impl Modes {
    /// The splits from the options: a survey, one split, the census's by area, or the national split
    /// (with car availability); warnings for census tables that could not be joined.
    pub fn load(
        args: &CommuteArgs,
        model: &TravelModel,
        run: &mut RunContext,
        site_names: &SiteNames,
    ) -> anyhow::Result<Modes> {
        let travel = &args.travel;
        let national_share = model.mode_share.clone();
        let mut modes = Modes {
            by_area: vec![None; run.areas.facts.len()],
            survey: FxHashMap::default(),
            survey_groups: Vec::new(),
            survey_splits: Vec::new(),
            national: model.national,
            shares: vec![None; run.areas.facts.len()],
            national_share,
            method: String::new(),
            census_files: Vec::new(),
        };
        if let Some(path) = &args.commute.mode_survey {
            let (splits, groups) = read_survey(path, site_names, model)?;
            modes.survey_groups = groups;
            for (i, (key, share)) in splits.into_iter().enumerate() {
                modes.survey.insert(key, i);
                modes.survey_splits.push((model.blend(&share), share));
            }
        }
        if travel.mode_share.is_some() {
            for (flag, given) in
                [("--travel-to-work", &travel.travel_to_work), ("--car-availability", &travel.car_availability)]
            {
                if given.is_some() {
                    run.warnings.push(format!("{flag} not used for the mode split: --mode-share gives one split"));
                }
            }
            modes.method = "one split for every member of staff (--mode-share)".into();
        } else if let Some(path) = &travel.travel_to_work {
            modes.census_by_area(path, args, model, run)?;
        } else if let Some(path) = &travel.car_availability {
            modes.car_availability_by_area(path, args, model, run)?;
        } else {
            modes.method = "the national split of journeys to work (Census 2021 TS061, England and Wales) for every home area: give --travel-to-work for each area's own".into();
        }
        if args.commute.mode_survey.is_some() {
            modes.method = format!(
                "the trust's travel survey by site and band group where it has them; elsewhere {}",
                modes.method
            );
        }
        Ok(modes)
    }

    /// Each area's own TS061 split among those who travel.
    fn census_by_area(
        &mut self,
        path: &Path,
        args: &CommuteArgs,
        model: &TravelModel,
        run: &mut RunContext,
    ) -> anyhow::Result<()> {
        let columns = &args.travel.travel_to_work_columns;
        let table = CensusTable::read(path, &TRAVEL_TO_WORK_METHODS, columns, "--travel-to-work-columns")?;
        self.census_files.push(crate::output::summary::file_name(path));
        if let Some((national, _)) = census_split(&table.totals()) {
            self.national = model.blend(&national);
            self.national_share = national;
        }
        let Some(counts) = census_for_run(&table, args, run)? else { return Ok(()) };
        for (area, counts) in counts.into_iter().enumerate() {
            if let Some((share, home)) = counts.as_deref().and_then(census_split) {
                self.by_area[area] = Some((model.blend(&share), SplitFrom::Census, home));
                self.shares[area] = Some(share);
            }
        }
        self.method = format!(
            "each home area's own split of journeys to work (Census 2021 TS061): workers working mainly at or from home{} and \"other method\" left out, the rest renormalised; cars driven count as cars, passengers as 1/{} of a car; areas the table does not cover take the national split of the same table",
            if args.commute.keep_census_home_working { " (kept as no trip: --keep-census-home-working)" } else { "" },
            CAR_PASSENGER_OCCUPANCY
        );
        Ok(())
    }

    /// The national split with each area's car share following its households without a car (TS045).
    fn car_availability_by_area(
        &mut self,
        path: &Path,
        args: &CommuteArgs,
        model: &TravelModel,
        run: &mut RunContext,
    ) -> anyhow::Result<()> {
        let travel = &args.travel;
        let census = CensusTravelTable::load(path, &travel.car_availability_columns, None, &ColumnMap::default())?;
        self.census_files.push(crate::output::summary::file_name(path));
        let geography = run.geocoder.boundaries.geography.clone();
        let codes = run.areas.facts.iter().map(|a| a.code.as_str());
        let by_area =
            census.for_run(codes, &geography, args.bridge.area_bridge.as_deref(), &args.bridge.area_bridge_columns)?;
        let Some(by_area) = by_area else {
            run.warnings.push(format!("--car-availability not used: the boundaries are {geography}, not LSOAs"));
            return Ok(());
        };
        let shares = AreaModeShares::new(model.mode_share.clone(), census.national);
        for (area, counts) in by_area.iter().enumerate() {
            if let Some(counts) = counts {
                let share = shares.share(counts);
                self.by_area[area] = Some((model.blend(&share), SplitFrom::CarAvailability, 0.0));
                self.shares[area] = Some(share);
            }
        }
        self.method = "the national split of journeys to work, each home area's car share following its share of households without a car (Census 2021 TS045, as emissions does): give --travel-to-work for each area's own split".into();
        Ok(())
    }

    /// The split of a member of staff living in `area` (`None`: outside every area) working at
    /// `site` in `band` and the survey's staff group `group` ([`Modes::survey_group`]): the survey's
    /// most specific split (site, band and group; site and group; site and band; site; the same
    /// without the site; any); else the home area's; else the national one.
    pub fn choose(&self, area: Option<usize>, site: usize, band: BandGroup, group: Option<usize>) -> Chosen<'_> {
        if !self.survey.is_empty() {
            let (s, b, g) = (Some(site), Some(band), group);
            let keys = [(s, b, g), (s, None, g), (s, b, None), (s, None, None)];
            let keys = keys.into_iter().chain([(None, b, g), (None, None, g), (None, b, None), (None, None, None)]);
            for key in keys.filter(|k| group.is_some() || k.2.is_none()) {
                if let Some(&i) = self.survey.get(&key) {
                    let (blend, share) = &self.survey_splits[i];
                    let split = self.by_area.len() + 1 + i;
                    return Chosen { blend, from: SplitFrom::Survey, home_share: 0.0, share, split };
                }
            }
        }
        let own = area.and_then(|a| Some((a, self.by_area[a].as_ref()?, self.shares[a].as_ref()?)));
        match own {
            Some((a, (blend, from, home), share)) => Chosen { blend, from: *from, home_share: *home, share, split: a },
            None => Chosen {
                blend: &self.national,
                from: SplitFrom::National,
                home_share: 0.0,
                share: &self.national_share,
                split: self.by_area.len(),
            },
        }
    }

    /// A staff group's number among the survey's staff groups (compared ignoring case and punctuation).
    pub fn survey_group(&self, staff_group: &str) -> Option<usize> {
        let key = normalise(staff_group);
        self.survey_groups.iter().position(|g| *g == key)
    }

    /// How many splits there are: each area's own, the national one, the survey's.
    pub fn splits(&self) -> usize {
        self.by_area.len() + 1 + self.survey_splits.len()
    }

    /// The split numbered `split` by [`Modes::choose`].
    pub fn split(&self, split: usize) -> &ModeShare {
        let areas = self.by_area.len();
        match split {
            s if s < areas => self.shares[s].as_ref().unwrap_or(&self.national_share),
            s if s == areas => &self.national_share,
            s => &self.survey_splits[s - areas - 1].1,
        }
    }

    /// How many of the run's areas have a split of their own.
    pub fn areas_with_own_split(&self) -> usize {
        self.by_area.iter().flatten().count()
    }
}

/// The TS061 counts of each of the run's areas: directly on LSOA 2021 boundaries, summed over the
/// 2021 parts through `--area-bridge` on LSOA 2011 ones; `None` (with a warning) otherwise.
fn census_for_run(
    table: &CensusTable,
    args: &CommuteArgs,
    run: &mut RunContext,
) -> anyhow::Result<Option<Vec<Option<Vec<f64>>>>> {
    let geography = run.geocoder.boundaries.geography.clone();
    let codes = run.areas.facts.iter().map(|a| a.code.as_str());
    if geography == table.geography {
        return Ok(Some(codes.map(|c| table.get(c).map(<[f64]>::to_vec)).collect()));
    }
    let bridge = match (&geography, &args.bridge.area_bridge) {
        (Geography::Other(_), _) => None,
        (_, Some(path)) => Some(AreaBridge::load(path, &table.geography, &args.bridge.area_bridge_columns)?),
        (_, None) => bail!(Error::invalid(
            Location::file(&table.path),
            format!(
                "is on {} areas and the boundaries are {geography}: give --area-bridge (the ONS LSOA 2011 to LSOA 2021 \
                 lookup) to join them, or leave out --travel-to-work",
                table.geography
            ),
        )),
    };
    let Some(bridge) = bridge else {
        run.warnings.push(format!("--travel-to-work not used: the boundaries are {geography}, not LSOAs"));
        return Ok(None);
    };
    let summed = |code: &str| -> Option<Vec<f64>> {
        let (_, parts) = bridge.parts(code)?;
        let mut sum = vec![0.0; TRAVEL_TO_WORK_METHODS.len()];
        let mut any = false;
        for counts in parts.iter().filter_map(|p| table.get(p)) {
            sum.iter_mut().zip(counts).for_each(|(s, c)| *s += c);
            any = true;
        }
        any.then_some(sum)
    };
    Ok(Some(codes.map(|c| table.get(c).map(<[f64]>::to_vec).or_else(|| summed(c))).collect()))
}

/// A band group as a survey writes it: "Bands 1-4", "1-4", "Medical and dental", "medical".
fn band_group(text: &str) -> Option<BandGroup> {
    let key = normalise(text).trim_start_matches("bands").trim_start_matches("band").to_string();
    BandGroup::ALL.into_iter().find(|g| {
        let label = normalise(&g.to_string()).trim_start_matches("bands").to_string();
        key == label
            || (*g == BandGroup::Medical && key.starts_with("medical"))
            || (*g == BandGroup::Bands8To9 && key == "89")
    })
}

/// A survey split's site, band group and staff group (its number among the survey's); `None` is "any".
type SurveyKey = (Option<usize>, Option<BandGroup>, Option<usize>);

/// The survey file: site, band_group and staff_group (each optional), mode, share; each key's shares
/// add up to 1 and every mode has a factor. Returns the splits and the staff groups (normalised) by number.
fn read_survey(
    path: &Path,
    site_names: &SiteNames,
    model: &TravelModel,
) -> anyhow::Result<(BTreeMap<SurveyKey, ModeShare>, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(|e| Error::csv(path, e))?;
    let headers: Vec<String> =
        reader.headers().map_err(|e| Error::csv(path, e))?.iter().map(|h| normalise(h)).collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(mode), Some(share)) = (column("mode"), column("share")) else {
        bail!(Error::invalid(
            Location::file(path),
            "a travel survey needs columns mode and share (and optionally site, band_group, staff_group)"
        ));
    };
    let columns = SurveyColumns {
        site: column("site").or(column("sitecode")),
        band: column("bandgroup").or(column("band")),
        group: column("staffgroup"),
        mode,
        share,
    };
    let mut by_key: BTreeMap<SurveyKey, BTreeMap<String, f64>> = BTreeMap::new();
    let mut groups: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::csv(path, e))?;
        let ((site, band), mode, value) = survey_row(&record, &columns, path, site_names, model)?;
        let group = columns
            .group
            .and_then(|c| record.get(c))
            .map(normalise)
            .filter(|g| !matches!(g.as_str(), "" | "any" | "all"));
        let group = group.map(|g| {
            groups.iter().position(|k| *k == g).unwrap_or_else(|| {
                groups.push(g);
                groups.len() - 1
            })
        });
        *by_key.entry((site, band, group)).or_default().entry(mode).or_default() += value;
    }
    let mut out = BTreeMap::new();
    for (key, shares) in by_key {
        let total: f64 = shares.values().sum();
        if (total - 1.0).abs() > 1e-6 {
            bail!(Error::invalid(
                Location::file(path),
                format!("the shares of one site, band group and staff group add up to {total}, not 1")
            ));
        }
        out.insert(key, ModeShare(shares));
    }
    if out.is_empty() {
        bail!(Error::invalid(Location::file(path), "the travel survey has no rows"));
    }
    Ok((out, groups))
}

/// Where a survey's fields are.
struct SurveyColumns {
    site: Option<usize>,
    band: Option<usize>,
    group: Option<usize>,
    mode: usize,
    share: usize,
}

/// One survey row: its (site, band group) key, its mode and its share; an error naming the cell otherwise.
fn survey_row(
    record: &csv::StringRecord,
    columns: &SurveyColumns,
    path: &Path,
    site_names: &SiteNames,
    model: &TravelModel,
) -> anyhow::Result<((Option<usize>, Option<BandGroup>), String, f64)> {
    let line = record.position().map_or(0, |p| p.line());
    let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or_default().trim().to_string();
    let at = |c: Option<usize>, message: String| Error::invalid(Location::at(path, line, c.unwrap_or(0) + 1), message);
    let site = match cell(columns.site) {
        s if s.is_empty() => None,
        s => Some(
            site_names.find(&s).ok_or_else(|| at(columns.site, format!("'{s}' is not a site of the sites file")))?,
        ),
    };
    let band = match cell(columns.band) {
        b if b.is_empty() || b.eq_ignore_ascii_case("any") || b.eq_ignore_ascii_case("all") => None,
        b => Some(band_group(&b).ok_or_else(|| {
            let groups = "Bands 1-4, Bands 5-7, Bands 8a-9, Medical and dental";
            at(columns.band, format!("'{b}' is not a band group ({groups})"))
        })?),
    };
    let mode = cell(Some(columns.mode)).to_ascii_lowercase().replace([' ', '-', '/'], "_");
    if !model.factors.contains_key(&mode) {
        let known: Vec<&str> = model.factors.keys().map(String::as_str).collect();
        bail!(at(Some(columns.mode), format!("mode '{mode}' has no factor (modes: {})", known.join(", "))));
    }
    let share = cell(Some(columns.share));
    let value = share
        .parse::<f64>()
        .ok()
        .filter(|s| (0.0..=1.0).contains(s))
        .ok_or_else(|| at(Some(columns.share), format!("'{share}' is not a share between 0 and 1")))?;
    Ok(((site, band), mode, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_groups_read_as_surveys_write_them() {
        assert_eq!(band_group("Bands 1-4"), Some(BandGroup::Bands1To4));
        assert_eq!(band_group("1-4"), Some(BandGroup::Bands1To4));
        assert_eq!(band_group("Medical and dental"), Some(BandGroup::Medical));
        assert_eq!(band_group("Bands 8a-9"), Some(BandGroup::Bands8To9));
        assert_eq!(band_group("Band 12"), None);
    }

    #[test]
    fn the_default_split_adds_up_and_has_factors() {
        let share: ModeShare = DEFAULT_COMMUTE_MODE_SHARE.parse().unwrap();
        let factors = with_passenger_factor(EmissionFactors::uk_2025());
        assert!(share.0.keys().all(|m| factors.kgco2e_per_km.contains_key(m)));
        assert_eq!(factors.kgco2e_per_km["car_passenger"], 0.16725 / 2.0);
    }
}
