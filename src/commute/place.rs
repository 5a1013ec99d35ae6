//! Each staff row to a home point, a work site, a WTE and a mode split: placed and tallied, or counted by reason (no site, unknown site, site not located, no home point, a home beyond daily commuting distance).

use std::collections::BTreeMap;

use anyhow::bail;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::analysis::travel::TravelModel;
use crate::cli::CommuteArgs;
use crate::commute::modes::{Modes, SplitFrom};
use crate::commute::tally::{CommuteMeasures, CommuteTally, Frequency, PlacedStaff};
use crate::error::{Error, Location};
use crate::geocoder::{Geocoded, MatchStatus};
use crate::input::band::BandGroup;
use crate::input::sites::{Site, SiteNames};
use crate::input::staff::StaffColumns;
use crate::input::unrecognised::{UnrecognisedValues, UNRECOGNISED_SHARE_LIMIT};
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
use crate::io::format::thousands;
use crate::io::CsvInput;
use crate::run::{each_batch, RunContext};

/// A WTE above this is taken as a typing slip and capped (a contract is at most about 1.5 WTE).
pub const MAX_WTE: f64 = 1.5;

/// Where each member of staff works.
#[derive(Debug, Clone)]
pub enum SiteAssignment {
    /// One site for all (`--site`, or the only site of the sites file).
    One(usize),
    /// The staff file's site column.
    Column(usize),
    /// Another staff column (`Lookup::column`) through `--site-lookup`.
    Lookup(SiteLookup),
}

/// `--site-lookup`: values of a staff column (trimmed, compared ignoring case) to site rows.
#[derive(Debug, Clone)]
pub struct SiteLookup {
    /// The staff file's column.
    pub column: usize,
    /// Its header, as the warnings name it.
    pub header: String,
    /// Each value (lower case) to its site row.
    pub sites: FxHashMap<String, usize>,
}

impl SiteLookup {
    /// Reads the lookup: its first header names the staff column, a `site` (or `site_code`) column
    /// the site; a site the sites file lacks stops the run naming the cell.
    fn read(path: &std::path::Path, input: &CsvInput, names: &SiteNames) -> anyhow::Result<SiteLookup> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(|e| Error::csv(path, e))?;
        let headers: Vec<String> =
            reader.headers().map_err(|e| Error::csv(path, e))?.iter().map(String::from).collect();
        let key = |h: &str| crate::columns::normalise(h.trim_start_matches('\u{feff}'));
        let site_col = headers.iter().position(|h| matches!(key(h).as_str(), "site" | "sitecode" | "sitename"));
        let (Some(first), Some(site_col)) = (headers.first().filter(|_| site_col != Some(0)), site_col) else {
            bail!(Error::invalid(
                Location::file(path),
                "a site lookup needs a first column headed by the staff file's column it maps (e.g. Cost Centre) and a site column"
            ));
        };
        let Some(column) = input.headers.iter().position(|h| key(h) == key(first)) else {
            bail!(Error::invalid(
                Location::at(path, 1, 1),
                format!(
                    "'{first}' is not a column of the staff file (its header has {})",
                    crate::columns::list_headers(&input.headers)
                )
            ));
        };
        let mut sites = FxHashMap::default();
        for record in reader.records() {
            let record = record.map_err(|e| Error::csv(path, e))?;
            let line = record.position().map_or(0, |p| p.line());
            let (value, site) =
                (record.get(0).unwrap_or_default().trim(), record.get(site_col).unwrap_or_default().trim());
            if value.is_empty() {
                continue;
            }
            let Some(row) = names.find(site) else {
                let message = format!("site '{site}' (for '{value}') is not a site of the sites file");
                bail!(Error::invalid(Location::at(path, line, site_col + 1), message));
            };
            sites.insert(value.to_lowercase(), row);
        }
        Ok(SiteLookup { column, header: input.headers[column].clone(), sites })
    }
}

impl SiteAssignment {
    /// `--site` (a site of the file), else the staff file's site column, else the sites file's only
    /// site; otherwise the run stops naming the flags.
    pub fn new(
        args: &CommuteArgs,
        input: &CsvInput,
        sites: &[Site],
        names: &SiteNames,
        warnings: &mut Vec<String>,
    ) -> anyhow::Result<SiteAssignment> {
        let columns = args.staff_columns.named("--staff-columns");
        let column = input.find(crate::dictionary::role(&crate::dictionary::STAFF, "site"), &columns)?;
        if let Some(path) = &args.site_lookup {
            let lookup = SiteLookup::read(path, input, names)?;
            if let Some(i) = column.filter(|i| *i != lookup.column) {
                warnings.push(format!(
                    "column '{}' not read: --site-lookup gives each member of staff's site from '{}'",
                    input.headers[i], lookup.header
                ));
            }
            return Ok(SiteAssignment::Lookup(lookup));
        }
        if let Some(code) = &args.site {
            let Some(site) = names.find(code) else {
                let known: Vec<&str> = sites.iter().take(10).map(|s| s.label.as_str()).collect();
                bail!(Error::usage(format!(
                    "--site {code} is not a site of {} (its sites: {}{})",
                    args.sites.display(),
                    known.join(", "),
                    if sites.len() > 10 { ", …" } else { "" }
                )));
            };
            if let Some(i) = column {
                warnings.push(format!(
                    "column '{}' not read: --site {code} gives one site for every member of staff",
                    input.headers[i]
                ));
            }
            return Ok(SiteAssignment::One(site));
        }
        match (column, sites.len()) {
            (Some(i), _) => Ok(SiteAssignment::Column(i)),
            (None, 1) => {
                warnings.push(format!("the staff file has no site column: everyone works at {}, the only site of the sites file", sites[0].label));
                Ok(SiteAssignment::One(0))
            }
            (None, n) => bail!(Error::invalid(
                Location::file(&args.staff),
                format!(
                    "no work site column, and the sites file has {n} sites: give --site CODE (one site for everyone) or name the column with --staff-columns site=HEADER; the header has {}",
                    crate::columns::list_headers(&input.headers)
                )
            )),
        }
    }
}

/// Why a member of staff could not be placed (counted, never dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unplaced {
    NoSite,
    UnknownSite,
    NotInSiteLookup,
    SiteNotLocated,
    InvalidPostcode,
    UnknownPostcode,
    NoCoordinates,
    BeyondMaxCommute,
}

impl Unplaced {
    fn as_str(self) -> &'static str {
        match self {
            Unplaced::NoSite => "no_site",
            Unplaced::UnknownSite => "unknown_site",
            Unplaced::NotInSiteLookup => "not_in_site_lookup",
            Unplaced::SiteNotLocated => "site_not_located",
            Unplaced::InvalidPostcode => "invalid_postcode",
            Unplaced::UnknownPostcode => "unknown_postcode",
            Unplaced::NoCoordinates => "no_coordinates",
            Unplaced::BeyondMaxCommute => "home_beyond_max_commute_km",
        }
    }
}

/// How a WTE value was read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wte {
    Read(f64),
    /// Blank or not a number: taken as 1.
    NotRead,
    /// Outside 0–[`MAX_WTE`]: capped to the nearest end.
    Capped(f64),
}

impl Wte {
    fn parse(text: &[u8]) -> Wte {
        match std::str::from_utf8(text).unwrap_or_default().trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=MAX_WTE).contains(&v) => Wte::Read(v),
            Ok(v) if v.is_finite() => Wte::Capped(v.clamp(0.0, MAX_WTE)),
            _ => Wte::NotRead,
        }
    }

    fn value(self) -> f64 {
        match self {
            Wte::Read(v) | Wte::Capped(v) => v,
            Wte::NotRead => 1.0,
        }
    }
}

/// What became of one row.
enum Outcome {
    Placed { placed: PlacedStaff, from: SplitFrom, from_matrix: bool, wte: Wte },
    Unplaced(Unplaced),
}

/// Counts of rows by what became of them.
#[derive(Debug, Default)]
pub struct Counts {
    /// Rows read.
    pub rows: u64,
    /// Rows placed.
    pub placed: u64,
    /// Rows not placed, by reason.
    pub unplaced_by_reason: BTreeMap<&'static str, u64>,
    /// Site names the sites file does not have, with counts.
    pub unknown_sites: UnrecognisedValues,
    /// Values of the `--site-lookup` column the lookup does not have, with counts.
    pub not_in_lookup: UnrecognisedValues,
    /// WTE blank or not a number (taken as 1).
    pub wte_not_read: u64,
    /// WTE outside 0–1.5, capped.
    pub wte_capped: u64,
    /// Placed staff by where their split came from.
    pub by_split: BTreeMap<SplitFrom, u64>,
    /// Placed staff whose distance came from the matrix.
    pub from_matrix: u64,
    /// Notes for the published summary's reader.
    pub decisions: Vec<String>,
}

/// Everything a row needs to be placed.
pub struct Placer<'a> {
    columns: StaffColumns,
    wte: Option<usize>,
    assignment: SiteAssignment,
    site_names: SiteNames,
    sites: &'a [Site],
    model: &'a TravelModel,
    modes: &'a Modes,
    matrix: &'a FxHashMap<(usize, usize), (f64, Option<f64>)>,
    frequency: &'a Frequency,
    maps: ValueMaps,
    keep_home_working: bool,
    /// The scenarios: the fraction of short car trips shifted, what short is (one-way km), the car's
    /// kg CO2e per km, and whether one more day a week at home applies.
    shift: (f64, f64, f64),
    extra_home_day: bool,
    /// The moved site's row and new point (`--scenario-site`).
    site_move: Option<(usize, geo::Coord<f64>)>,
    /// Homes further than this (metres, straight line) from the site are not taken as daily commutes.
    max_commute_m: f64,
}

impl<'a> Placer<'a> {
    /// The staff file's columns and the run's lookups.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        args: &CommuteArgs,
        input: &CsvInput,
        assignment: SiteAssignment,
        sites: &'a [Site],
        model: &'a TravelModel,
        modes: &'a Modes,
        matrix: &'a FxHashMap<(usize, usize), (f64, Option<f64>)>,
        frequency: &'a Frequency,
    ) -> anyhow::Result<Placer<'a>> {
        let columns = StaffColumns::resolve(input, &args.staff_columns)?;
        let named = args.staff_columns.named("--staff-columns");
        let wte = input.find(crate::dictionary::role(&crate::dictionary::STAFF, "wte"), &named)?;
        Ok(Placer {
            columns,
            wte,
            assignment,
            site_names: SiteNames::new(sites),
            sites,
            model,
            modes,
            matrix,
            frequency,
            maps: args.values.maps()?,
            keep_home_working: args.commute.keep_census_home_working,
            shift: (args.commute.shift_short_car_trips, args.commute.short_trip_km, car_factor(model)),
            extra_home_day: args.commute.extra_home_day,
            site_move: site_move(args, sites)?,
            max_commute_m: args.commute.max_commute_km * 1000.0,
        })
    }

    /// The site text of a row (blank with one site for all).
    fn site_text<'r>(&self, row: &'r Row) -> &'r [u8] {
        self.site_column().and_then(|i| row.record.get(i)).unwrap_or_default()
    }

    /// The staff file's site column, when read.
    fn site_column(&self) -> Option<usize> {
        match &self.assignment {
            SiteAssignment::One(_) => None,
            SiteAssignment::Column(i) => Some(*i),
            SiteAssignment::Lookup(lookup) => Some(lookup.column),
        }
    }

    /// What a row's site, staff group and band texts come to (`group` is the staff group's number).
    fn profile(&self, row: &Row, group: usize, staff_group: &str) -> Profile {
        let text = String::from_utf8_lossy(self.site_text(row));
        let site = match (&self.assignment, text.trim()) {
            (SiteAssignment::One(s), _) => Ok(*s),
            (_, "") => Err(Unplaced::NoSite),
            (SiteAssignment::Column(_), text) => self.site_names.find(text).ok_or(Unplaced::UnknownSite),
            (SiteAssignment::Lookup(lookup), text) => {
                lookup.sites.get(&text.to_lowercase()).copied().ok_or(Unplaced::NotInSiteLookup)
            }
        };
        let site = site.and_then(|s| self.sites[s].location.map(|_| s).ok_or(Unplaced::SiteNotLocated));
        let extra_home_day = self.extra_home_day && self.frequency.home_day_eligible(staff_group);
        Profile {
            site,
            group,
            band: self.columns.band(row, &self.maps).group(),
            trips_per_wte: self.frequency.trips_per_wte_year(staff_group),
            extra_home_day,
            survey_group: self.modes.survey_group(staff_group),
        }
    }

    /// Places one row of `profile`: its home point, its WTE, its split and its year of trips.
    fn place(&self, row: &Row, profile: &Profile, geocoded: &Geocoded, areas: &crate::analysis::Areas) -> Outcome {
        let site = match profile.site {
            Ok(site) => site,
            Err(reason) => return Outcome::Unplaced(reason),
        };
        let Some(site_point) = self.sites[site].location else { return Outcome::Unplaced(Unplaced::SiteNotLocated) };
        let Some(home) = geocoded.location else {
            return Outcome::Unplaced(match geocoded.status {
                MatchStatus::InvalidPostcode => Unplaced::InvalidPostcode,
                MatchStatus::NoCoordinates => Unplaced::NoCoordinates,
                _ => Unplaced::UnknownPostcode,
            });
        };
        let straight_m = (home.x - site_point.x).hypot(home.y - site_point.y);
        if straight_m > self.max_commute_m {
            return Outcome::Unplaced(Unplaced::BeyondMaxCommute);
        }
        let area = areas.of(geocoded);
        let wte = self.wte.map_or(Wte::Read(1.0), |i| Wte::parse(row.record.get(i).unwrap_or_default()));
        let band = profile.band;
        let chosen = self.modes.choose(area, site, band, profile.survey_group);
        let at_home = if self.keep_home_working && chosen.from == SplitFrom::Census { chosen.home_share } else { 0.0 };
        let trips = wte.value() * profile.trips_per_wte * (1.0 - at_home);
        let road = area.and_then(|a| self.matrix.get(&(a, site)).copied());
        let trip = self.model.trip(chosen.blend, straight_m, road);
        let mut measures = CommuteMeasures::of(wte.value(), trips, &trip);
        let (fraction, short_km, car_kg_per_km) = self.shift;
        if fraction > 0.0 && trip.km / 2.0 < short_km {
            let car = chosen.share.0.get("car").copied().unwrap_or(0.0);
            measures.shift_kgco2e_saved = measures.km * car * fraction * car_kg_per_km;
        }
        if let Some((_, to)) = self.site_move.filter(|(s, _)| *s == site) {
            let (before, after) = (self.model.trip(chosen.blend, straight_m, None), {
                let moved_m = (home.x - to.x).hypot(home.y - to.y);
                self.model.trip(chosen.blend, moved_m, None)
            });
            measures.site_move_kgco2e_saved = trips * (before.kgco2e - after.kgco2e);
            measures.site_move_km_saved = trips * (before.km - after.km);
            measures.site_move_hours_saved = trips * (before.hours - after.hours);
        }
        if profile.extra_home_day {
            let saved_trips = wte.value() * self.frequency.trips_per_weekday_year() * (1.0 - at_home);
            measures.home_day_kgco2e_saved = saved_trips * trip.kgco2e;
        }
        let decile = area.map_or(10, |a| crate::commute::tally::decile_slot(areas.facts[a].decile));
        let (staff_group, split) = (profile.group, chosen.split);
        let distance = crate::commute::distance::band_of(straight_m);
        let placed = PlacedStaff { area, site, decile, band, distance, staff_group, split, measures };
        Outcome::Placed { placed, from: chosen.from, from_matrix: road.is_some(), wte }
    }
}

/// What a row's site, staff group and band texts come to: the same for every row with the same texts.
#[derive(Debug, Clone, Copy)]
struct Profile {
    /// The site row, or why there is none (no site, unknown, not located).
    site: Result<usize, Unplaced>,
    /// The staff group's number.
    group: usize,
    band: BandGroup,
    /// Return trips a year for one WTE of the staff group.
    trips_per_wte: f64,
    /// Whether the extra-home-day scenario applies to the staff group.
    extra_home_day: bool,
    /// The staff group's number among the travel survey's, if it names it.
    survey_group: Option<usize>,
}

/// Each distinct (site, staff group, band) text of the file read once: the profiles, and the staff groups by number.
#[derive(Default)]
struct Profiles {
    by_text: FxHashMap<Box<[u8]>, usize>,
    list: Vec<Profile>,
    /// Staff groups as published, by number.
    groups: Vec<String>,
    group_numbers: FxHashMap<String, usize>,
    /// Profiles whose staff group was shaped like a postcode (withheld), counted again for each row.
    withheld: Vec<bool>,
    key: Vec<u8>,
}

impl Profiles {
    /// The number of a row's profile, worked out the first time its texts are seen.
    fn of(&mut self, row: &Row, placer: &Placer) -> usize {
        self.key.clear();
        let columns = &placer.columns;
        for column in [placer.site_column(), columns.staff_group, columns.band] {
            self.key.extend_from_slice(column.and_then(|i| row.record.get(i)).unwrap_or_default());
            self.key.push(0x1f);
        }
        if let Some(&n) = self.by_text.get(self.key.as_slice()) {
            if self.withheld[n] {
                columns.staff_group(row); // each row's withheld label counted, as when read row by row
            }
            return n;
        }
        let staff_group = columns.staff_group(row);
        let withheld = staff_group == crate::postcode::WITHHELD_POSTCODE;
        let group = match self.group_numbers.get(&staff_group) {
            Some(&g) => g,
            None => {
                self.groups.push(staff_group.clone());
                self.group_numbers.insert(staff_group.clone(), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let profile = placer.profile(row, group, &staff_group);
        self.list.push(profile);
        self.withheld.push(withheld);
        self.by_text.insert(self.key.as_slice().into(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// `--scenario-site`'s site row and new point; a code the sites file lacks stops the run naming the flag.
fn site_move(args: &CommuteArgs, sites: &[Site]) -> anyhow::Result<Option<(usize, geo::Coord<f64>)>> {
    let Some(moved) = &args.commute.scenario_site else { return Ok(None) };
    let Some(site) = SiteNames::new(sites).find(&moved.site) else {
        bail!(Error::usage(format!("--scenario-site {}: not a site of {}", moved.site, args.sites.display())));
    };
    Ok(Some((site, geo::Coord { x: moved.easting, y: moved.northing })))
}

/// kg CO2e per km of a car driven (well-to-tank included when the run includes it).
fn car_factor(model: &TravelModel) -> f64 {
    let wtt = model.wtt_factors.as_ref().and_then(|w| w.get("car")).copied().unwrap_or(0.0);
    model.factors.get("car").copied().unwrap_or(0.0) + if model.include_wtt { wtt } else { 0.0 }
}

/// Staff placed and tallied, with the counts of what became of every row.
pub struct Placed {
    /// Measures by area, site, band and staff group.
    pub tally: CommuteTally,
    /// What became of each row.
    pub counts: Counts,
}

/// Streams the staff file: geocodes and places each batch in parallel, tallies in order; then the
/// warnings (unknown sites, WTE not read or capped, groups of `--days-on-site` matching nobody).
pub fn place_staff(input: CsvInput, placer: &Placer, run: &mut RunContext) -> anyhow::Result<Placed> {
    let mut tally = CommuteTally::new(run.areas.facts.len(), placer.sites.len(), placer.modes.splits());
    if run.geocoder.nations.is_some() {
        tally.track_area_bands(run.areas.facts.len()); // each nation's equity lens
    }
    let mut counts = Counts::default();
    let mut profiles = Profiles::default();
    let (geocoder, areas) = (&run.geocoder, &run.areas);
    let input = each_batch(input, "placing staff", |batch| {
        let texts: Vec<&[u8]> = batch.iter().map(|row| placer.columns.postcode(row)).collect();
        let kinds: Vec<usize> = batch.iter().map(|row| profiles.of(row, placer)).collect();
        let geocoded = geocoder.geocode_many(&texts);
        let list = &profiles.list;
        let outcomes: Vec<Outcome> = (batch.par_iter().zip(&kinds).zip(&geocoded))
            .map(|((row, kind), g)| placer.place(row, &list[*kind], g, areas))
            .collect();
        for (row, outcome) in batch.iter().zip(outcomes) {
            count(row, outcome, placer, &mut counts, &mut tally);
        }
        Ok(())
    })?;
    tally.finish(&profiles.groups, |split| &placer.modes.split(split).0);
    if input.short_rows > 0 {
        run.warnings.push(format!("{} staff rows had fewer fields than the header", input.short_rows));
    }
    run.warnings.extend(crate::postcode::withheld_warning());
    warn(placer, &tally, &mut counts, run)?;
    Ok(Placed { tally, counts })
}

/// One row's outcome counted, and tallied when placed.
fn count(row: &Row, outcome: Outcome, placer: &Placer, counts: &mut Counts, tally: &mut CommuteTally) {
    counts.rows += 1;
    match outcome {
        Outcome::Placed { placed, from, from_matrix, wte } => {
            counts.placed += 1;
            *counts.by_split.entry(from).or_default() += 1;
            counts.from_matrix += u64::from(from_matrix);
            counts.wte_not_read += u64::from(matches!(wte, Wte::NotRead));
            counts.wte_capped += u64::from(matches!(wte, Wte::Capped(_)));
            tally.add(&placed);
        }
        Outcome::Unplaced(reason) => {
            *counts.unplaced_by_reason.entry(reason.as_str()).or_default() += 1;
            let text = || String::from_utf8_lossy(placer.site_text(row));
            match reason {
                Unplaced::UnknownSite => counts.unknown_sites.add(&text()),
                Unplaced::NotInSiteLookup => counts.not_in_lookup.add(text().trim()),
                _ => {}
            }
        }
    }
}

/// The run's warnings about what it read: unknown sites (loud beyond 5% of rows), WTE, days on site.
fn warn(placer: &Placer, tally: &CommuteTally, counts: &mut Counts, run: &mut RunContext) -> anyhow::Result<()> {
    if counts.rows > 0 && counts.placed == 0 {
        bail!("no member of staff could be placed ({}): check the postcode and site columns", reasons(counts));
    }
    warn_sites(placer, counts, run);
    match placer.wte {
        None => run.warnings.push(
            "the staff file has no WTE column: everyone counted as full time (name it with --staff-columns wte=HEADER)"
                .into(),
        ),
        Some(_) if counts.wte_not_read > 0 => run.warnings.push(format!(
            "{} staff have a WTE that is blank or not a number: counted as 1",
            thousands(counts.wte_not_read)
        )),
        Some(_) => {}
    }
    if counts.wte_capped > 0 {
        run.warnings.push(format!(
            "{} staff have a WTE outside 0-{MAX_WTE}: capped to that range",
            thousands(counts.wte_capped)
        ));
    }
    for (group, _) in &placer.frequency.days_on_site.by_group {
        let key = crate::columns::normalise(group);
        if !tally.by_staff_group.keys().any(|g| crate::columns::normalise(g) == key) {
            run.warnings
                .push(format!("--days-on-site names the staff group '{group}', which no member of staff placed is in"));
        }
    }
    Ok(())
}

/// Unknown sites and values the site lookup lacks, listed with counts (loud beyond 5% of rows).
fn warn_sites(placer: &Placer, counts: &mut Counts, run: &mut RunContext) {
    let lookup = match &placer.assignment {
        SiteAssignment::Lookup(lookup) => Some(lookup.header.as_str()),
        _ => None,
    };
    let unknown = [(&counts.unknown_sites, None), (&counts.not_in_lookup, lookup)];
    let mut loud_decisions = Vec::new();
    for (values, lookup) in unknown.into_iter().filter(|(v, _)| v.total() > 0) {
        let share = values.total() as f64 / counts.rows.max(1) as f64;
        let loud = share > UNRECOGNISED_SHARE_LIMIT;
        let (what, fix) = match lookup {
            None => ("work at a site the sites file does not name".to_string(), "add each as a site or to a site's aliases column (names separated by |), name another column with --staff-columns site=HEADER, or give --site CODE for one site for everyone"),
            Some(header) => (format!("have a '{header}' value the site lookup does not have"), "add each value to the --site-lookup file with its site"),
        };
        run.warnings.push(format!(
            "{}{} of {} staff ({:.1}%) {what}, and are not in the tables: {}; {fix}",
            if loud { "MORE THAN 5% OF STAFF NOT PLACED: " } else { "" },
            thousands(values.total()),
            thousands(counts.rows),
            share * 100.0,
            values.listing(8)
        ));
        if loud {
            loud_decisions.push(format!(
                "More than 5% of staff {what} and are not in the tables (listed in the not-for-publication summary)."
            ));
        }
    }
    counts.decisions.extend(loud_decisions);
    let far = counts.unplaced_by_reason.get(Unplaced::BeyondMaxCommute.as_str()).copied().unwrap_or(0);
    if far > 0 {
        let km = placer.max_commute_m / 1000.0;
        run.warnings.push(format!(
            "{} of {} staff ({:.1}%) live more than {km} km in a straight line from their site: not taken as daily commutes from that home, and left out of the figures (--max-commute-km)",
            thousands(far),
            thousands(counts.rows),
            far as f64 / counts.rows.max(1) as f64 * 100.0
        ));
        counts.decisions.push(format!(
            "Staff whose home is more than {km} km in a straight line from their site are not taken as travelling daily from it and are left out of the commute figures (counted in the summary's unplaced_by_reason)."
        ));
    }
}

/// The reasons rows were not placed, in words.
fn reasons(counts: &Counts) -> String {
    counts.unplaced_by_reason.iter().map(|(r, n)| format!("{r} {}", thousands(*n))).collect::<Vec<_>>().join(", ")
}
