//! `Community`: the set of areas a workforce is compared with, always stated (codes, a radius around sites, or a lookup).

use geo::Coord;
use rustc_hash::FxHashSet;

use crate::analysis::AreaFacts;

/// The areas of the community, as flags over the area list, with a plain description.
#[derive(Debug, Clone)]
pub struct Community {
    pub members: Vec<bool>,
    pub description: String,
}

impl Community {
    /// Areas whose code is in the set.
    pub fn from_codes(areas: &[AreaFacts], codes: &FxHashSet<String>, description: String) -> Community {
        Community { members: areas.iter().map(|a| codes.contains(&a.code)).collect(), description }
    }

    /// Areas whose centroid lies within `radius_m` of any of the points.
    pub fn within_radius(areas: &[AreaFacts], sites: &[Coord<f64>], radius_m: f64, description: String) -> Community {
        let members = areas
            .iter()
            .map(|a| a.centroid.is_some_and(|c| sites.iter().any(|s| (c.x - s.x).hypot(c.y - s.y) <= radius_m)))
            .collect();
        Community { members, description }
    }

    /// Narrows to areas that are also in `other` (e.g. a radius within an ICB).
    pub fn intersect(mut self, other: &Community) -> Community {
        for (m, o) in self.members.iter_mut().zip(&other.members) {
            *m &= *o;
        }
        self.description = format!("{} and {}", self.description, other.description);
        self
    }

    pub fn contains(&self, area: usize) -> bool {
        self.members[area]
    }

    pub fn size(&self) -> usize {
        self.members.iter().filter(|m| **m).count()
    }
}
