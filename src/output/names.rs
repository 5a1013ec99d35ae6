//! The columns that name an area in published tables when a run has names people know: the neighbourhood ("Warndon West (Worcester 002A)"), its MSOA and its ward.

use crate::analysis::AreaFacts;
use crate::reference::area_names::Msoa;

/// The columns, after `area_code` and `area_name`.
pub const HEADERS: [&str; 4] = ["neighbourhood", "msoa_code", "msoa_name", "ward_name"];

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
