//! Analyses: pure functions from typed rows to typed tables; no I/O, no printing.

pub mod community;
pub mod demography;
pub mod emissions;
pub mod gaps;
pub mod profile;
pub mod targets;
pub mod travel;

/// What the analyses know of one area (one row per distinct area code).
#[derive(Debug, Clone, Default)]
pub struct AreaFacts {
    pub code: String,
    pub name: String,
    pub decile: Option<u8>,
    pub rank: Option<u32>,
    pub score: Option<f64>,
    /// Population (working age by default); `None` when the population file lacks the area.
    pub population: Option<f64>,
    /// Centroid, BNG metres.
    pub centroid: Option<geo::Coord<f64>>,
    /// The area's MSOA (an index into [`Areas::msoas`]), when the run has an LSOA → MSOA lookup.
    pub msoa: Option<usize>,
    /// The name people know the area's neighbourhood by (its MSOA's House of Commons Library name).
    pub neighbourhood: Option<String>,
    /// The electoral ward the area is in, when the run has a ward lookup.
    pub ward: Option<String>,
    /// The area's decile in its own nation's index, when the run compares each nation on its own
    /// (`--wimd`, `--simd`): England's IMD decile for an English area, WIMD's for a Welsh one, SIMD's
    /// for a Scottish one. `decile` stays England's IMD only.
    pub own: Option<OwnDecile>,
    /// The name the area's own nation gives it, in a run across nations: WIMD 2025's descriptive
    /// name for a Welsh LSOA ("Rhyl West 2"), a Scottish data zone's name ("Culter - 01").
    pub own_name: Option<String>,
    /// A Scottish data zone's intermediate zone, council area and health board (`--data-zone-lookup`).
    pub zone: Option<crate::reference::area_names::DataZone>,
}

/// An area's decile in its own nation's index (never comparable across nations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnDecile {
    pub nation: crate::reference::Country,
    /// 1 = most deprived 10% of the nation's areas.
    pub decile: u8,
}

impl AreaFacts {
    /// The area as people know it: "Warndon West (Worcester 002A)", else its own name. In a run
    /// across nations, the name its own nation gives it comes first: "Rhyl West 2 (Denbighshire
    /// 004E)" (WIMD's name for a Welsh LSOA), "Culter - 01" (a data zone, named so in its boundaries).
    ///
    /// ```
    /// use anchormap::analysis::AreaFacts;
    /// let mut area = AreaFacts { code: "E01032282".into(), name: "Worcester 002A".into(), ..Default::default() };
    /// assert_eq!(area.label(), "Worcester 002A");
    /// area.neighbourhood = Some("Warndon West".into());
    /// assert_eq!(area.label(), "Warndon West (Worcester 002A)");
    /// let wales = AreaFacts { code: "W01000240".into(), name: "Denbighshire 004E".into(), neighbourhood: Some("Rhyl".into()), own_name: Some("Rhyl West 2".into()), ..Default::default() };
    /// assert_eq!(wales.label(), "Rhyl West 2 (Denbighshire 004E)");
    /// let zone = AreaFacts { code: "S01006506".into(), name: "Culter - 01".into(), own_name: Some("Culter - 01".into()), ..Default::default() };
    /// assert_eq!(zone.label(), "Culter - 01");
    /// let unnamed = AreaFacts { code: "S01006506".into(), own_name: Some("Culter - 01".into()), ..Default::default() };
    /// assert_eq!(unnamed.label(), "Culter - 01");
    /// ```
    pub fn label(&self) -> String {
        if let Some(own) = self.own_name.as_deref().filter(|n| !n.is_empty()) {
            return match self.name.as_str() {
                "" => own.to_string(),
                name if name == own || name == self.code => own.to_string(),
                name => format!("{own} ({name})"),
            };
        }
        match (&self.neighbourhood, self.name.is_empty()) {
            (Some(n), false) => format!("{n} ({})", self.name),
            (Some(n), true) => format!("{n} ({})", self.code),
            (None, false) => self.name.clone(),
            (None, true) => self.code.clone(),
        }
    }
}

/// The areas an analysis works over: one row per distinct area code.
pub struct Areas {
    pub facts: Vec<AreaFacts>,
    /// All polygons of each area (BNG metres).
    pub geometry: Vec<geo::MultiPolygon<f64>>,
    /// The same polygons as read, where the boundaries were in WGS84.
    pub wgs84: Vec<Option<geo::MultiPolygon<f64>>>,
    /// For each boundary feature (geocoder area id), its row in `facts`: the one translation
    /// between the two id spaces, behind [`Areas::of`].
    row_of_feature: Vec<usize>,
    /// The MSOAs the areas belong to (empty without an LSOA → MSOA lookup).
    pub msoas: Vec<crate::reference::area_names::Msoa>,
}

impl Areas {
    /// The area row a geocoded postcode falls in (its boundary feature's row), if any.
    pub fn of(&self, geocoded: &crate::geocoder::Geocoded) -> Option<usize> {
        geocoded.area.map(|feature| self.row_of_feature[feature.index()])
    }

    /// An area's polygons for writing: as read when they were WGS84, else the BNG ones.
    pub fn shape(&self, area: usize) -> crate::spatial::Shape<'_> {
        use crate::spatial::Shape;
        match &self.wgs84[area] {
            Some(wgs84) => Shape::Wgs84(wgs84),
            None => Shape::Bng(&self.geometry[area]),
        }
    }

    /// The geocoder's boundaries as distinct areas (features sharing a code are one area), with
    /// deprivation and population attached; the areas' shapes gathered in parallel.
    pub fn collect(geocoder: &crate::geocoder::Geocoder, population: Option<&crate::reference::Population>) -> Areas {
        use rayon::prelude::*;
        let features = geocoder.areas();
        // Each area's features: a run of consecutive features with one code.
        let mut starts: Vec<usize> =
            (0..features.len()).filter(|&i| i == 0 || features[i - 1].code != features[i].code).collect();
        let row_of_feature = (0..starts.len()).flat_map(|row| {
            let end = starts.get(row + 1).copied().unwrap_or(features.len());
            std::iter::repeat_n(row, end - starts[row])
        });
        let row_of_feature: Vec<usize> = row_of_feature.collect();
        starts.push(features.len());
        let areas: Vec<(AreaFacts, geo::MultiPolygon<f64>, Option<geo::MultiPolygon<f64>>)> =
            starts.par_windows(2).map(|run| Areas::area_of(geocoder, population, run[0]..run[1])).collect();
        let mut facts = Vec::with_capacity(areas.len());
        let (mut geometry, mut wgs84) = (Vec::with_capacity(areas.len()), Vec::with_capacity(areas.len()));
        for (fact, shape, lon_lat) in areas {
            facts.push(fact);
            geometry.push(shape);
            wgs84.push(lon_lat);
        }
        Areas { facts, geometry, wgs84, row_of_feature, msoas: Vec::new() }
    }

    /// One area from its features (`run`, consecutive, one code): its facts, its shape (with the
    /// centroid) and its shape in longitude and latitude, where the boundaries have one.
    fn area_of(
        geocoder: &crate::geocoder::Geocoder,
        population: Option<&crate::reference::Population>,
        run: std::ops::Range<usize>,
    ) -> (AreaFacts, geo::MultiPolygon<f64>, Option<geo::MultiPolygon<f64>>) {
        use geo::Centroid;
        let features = &geocoder.areas()[run.clone()];
        let area = &features[0];
        let feature = crate::geocoder::FeatureId(run.start as u32);
        let imd = geocoder.deprivation_of(feature);
        let own = geocoder.own_index(feature).zip(area.country);
        // Census 2021 covers England and Wales; Scotland's data zones take SIMD's working-age population.
        let scottish = || population.and(geocoder.nations.as_ref()?.working_age(&area.code));
        let shape = geo::MultiPolygon(features.iter().flat_map(|f| f.geometry.0.iter().cloned()).collect());
        let lon_lat = area.wgs84.as_ref().map(|_| {
            geo::MultiPolygon(
                features.iter().filter_map(|f| f.wgs84.as_ref()).flat_map(|m| m.0.iter().cloned()).collect(),
            )
        });
        let fact = AreaFacts {
            code: area.code.clone(),
            name: area.name.clone(),
            decile: imd.map(|d| d.decile),
            rank: imd.map(|d| d.rank),
            score: imd.and_then(|d| d.score),
            population: population.and_then(|p| p.get(&area.code)).or_else(scottish),
            own: own.map(|((_, own), nation)| OwnDecile { nation, decile: own.decile }),
            own_name: geocoder
                .nations
                .as_ref()
                .filter(|_| area.country != Some(crate::reference::Country::England))
                .and_then(|n| n.own_name(&area.code, area.country))
                .map(str::to_string),
            centroid: shape.centroid().map(|p| p.0),
            ..AreaFacts::default()
        };
        (fact, shape, lon_lat)
    }

    /// Attaches each area's MSOA, neighbourhood name and ward; returns how many areas got an MSOA
    /// and how many a ward. Only the MSOAs some area belongs to are kept, in order of first use.
    pub fn attach_names(&mut self, names: &crate::reference::area_names::AreaNames) -> (usize, usize) {
        let mut kept: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
        let (mut with_msoa, mut with_ward) = (0, 0);
        for area in &mut self.facts {
            if let Some(m) = names.msoa(&area.code) {
                let next = kept.len();
                let i = *kept.entry(m).or_insert(next);
                if i == next {
                    self.msoas.push(names.msoas[m].clone());
                }
                area.msoa = Some(i);
                area.neighbourhood = names.msoas[m].named_by_library.then(|| names.msoas[m].name.clone());
                with_msoa += 1;
            }
            area.ward = names.ward(&area.code).map(str::to_string);
            with_ward += usize::from(area.ward.is_some());
        }
        (with_msoa, with_ward)
    }

    /// Attaches each Scottish data zone's intermediate zone, council area and health board (and
    /// its name, where neither the boundaries nor SIMD gave one); returns how many zones got them.
    pub fn attach_zones(&mut self, zones: &crate::reference::area_names::DataZones) -> usize {
        let mut named = 0;
        for area in &mut self.facts {
            if let Some(zone) = zones.get(&area.code) {
                if area.own_name.is_none() && (area.name.is_empty() || area.name == area.code) {
                    area.own_name = zone.name.clone();
                }
                area.zone = Some(zone.clone());
                named += 1;
            }
        }
        named
    }
}
