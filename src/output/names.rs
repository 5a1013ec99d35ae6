//! The columns that name an area in published tables when a run has names people know: the neighbourhood ("Warndon West (Worcester 002A)"), its MSOA and its ward; in a run across nations, the name each nation gives its areas and a Scottish data zone's intermediate zone, council area and health board.

use crate::analysis::AreaFacts;
use crate::reference::area_names::Msoa;

/// The columns, after `area_code` and `area_name`.
pub const HEADERS: [&str; 4] = ["neighbourhood", "msoa_code", "msoa_name", "ward_name"];

/// A Scottish data zone's places, after the names (with `--data-zone-lookup`, in a run across nations).
pub const ZONE_HEADERS: [&str; 4] =
    ["intermediate_zone_code", "intermediate_zone_name", "council_area", "health_board"];

/// An area's [`HEADERS`] cells: its label, its MSOA's code and name, its ward (blank where unknown).
pub fn cells(area: &AreaFacts, msoas: &[Msoa]) -> [String; 4] {
    let msoa = area.msoa.and_then(|m| msoas.get(m));
    [
        area.label(),
        msoa.map_or(String::new(), |m| m.code.clone()),
        msoa.map_or(String::new(), |m| m.name.clone()),
        area.ward.clone().unwrap_or_default(),
    ]
}

/// Which name columns an area table has: [`HEADERS`] with the MSOA or ward lookups; in a run across
/// nations, `neighbourhood` alone where a nation names its areas otherwise than the boundaries do
/// (WIMD 2025's names for Welsh LSOAs), and [`ZONE_HEADERS`] where data zones were looked up. An
/// England-only run's columns are as they always were.
#[derive(Debug, Clone, Copy)]
pub struct NameColumns<'a> {
    msoas: Option<&'a [Msoa]>,
    neighbourhood: bool,
    zones: bool,
}

impl<'a> NameColumns<'a> {
    /// The columns for `facts` (those `shown`), with the lookups' MSOAs (`msoas`, `None` without
    /// MSOA or ward lookups), in a run `across_nations` or not.
    pub fn of(
        msoas: Option<&'a [Msoa]>,
        facts: &[AreaFacts],
        shown: impl Fn(usize) -> bool,
        across_nations: bool,
    ) -> NameColumns<'a> {
        let shown: Vec<&AreaFacts> = facts.iter().enumerate().filter(|(i, _)| shown(*i)).map(|(_, a)| a).collect();
        let named_otherwise = shown.iter().any(|a| a.own_name.as_ref().is_some_and(|n| *n != a.name));
        NameColumns {
            msoas,
            neighbourhood: msoas.is_some() || (across_nations && named_otherwise),
            zones: across_nations && shown.iter().any(|a| a.zone.is_some()),
        }
    }

    /// The headers, after `area_code` and `area_name`.
    pub fn headers(&self) -> Vec<&'static str> {
        let mut headers = match (self.msoas, self.neighbourhood) {
            (Some(_), _) => HEADERS.to_vec(),
            (None, true) => vec![HEADERS[0]],
            (None, false) => Vec::new(),
        };
        if self.zones {
            headers.extend(ZONE_HEADERS);
        }
        headers
    }

    /// An area's cells under [`NameColumns::headers`] (blank where unknown).
    pub fn cells(&self, area: &AreaFacts) -> Vec<String> {
        let mut row = match (self.msoas, self.neighbourhood) {
            (Some(msoas), _) => cells(area, msoas).to_vec(),
            (None, true) => vec![area.label()],
            (None, false) => Vec::new(),
        };
        if self.zones {
            let zone = area.zone.as_ref();
            let iz = zone.and_then(|z| z.intermediate_zone.as_ref());
            row.extend([
                iz.map_or(String::new(), |(code, _)| code.clone()),
                iz.map_or(String::new(), |(_, name)| name.clone()),
                zone.and_then(|z| z.council_area.clone()).unwrap_or_default(),
                zone.and_then(|z| z.health_board.clone()).unwrap_or_default(),
            ]);
        }
        row
    }
}
