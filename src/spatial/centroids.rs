//! `CentroidIndex`: area centroids in an R-tree, for "areas within a radius" and "k nearest areas" questions.

use geo::{Centroid, Coord, MultiPolygon, Point};
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::spatial::area_index::AreaId;

/// Area centroids (BNG metres), indexed.
pub struct CentroidIndex {
    tree: RTree<GeomWithData<Point<f64>, AreaId>>,
}

impl CentroidIndex {
    /// Indexes the centroid of each area for which `keep` is true; ids are positions in the iterator.
    pub fn new<'a>(areas: impl Iterator<Item = &'a MultiPolygon<f64>>, keep: impl Fn(AreaId) -> bool) -> Self {
        let points = areas
            .enumerate()
            .filter(|(id, _)| keep(*id as AreaId))
            .filter_map(|(id, area)| area.centroid().map(|c| GeomWithData::new(c, id as AreaId)))
            .collect();
        CentroidIndex { tree: RTree::bulk_load(points) }
    }

    /// Areas whose centroid is within `radius_m` of the point, with their distances (m), nearest first.
    pub fn within(&self, point: Coord<f64>, radius_m: f64) -> Vec<(AreaId, f64)> {
        let mut found: Vec<(AreaId, f64)> = self
            .tree
            .locate_within_distance(Point(point), radius_m * radius_m)
            .map(|c| (c.data, distance(c.geom().0, point)))
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }

    /// The `k` areas whose centroids are nearest the point, with distances (m).
    pub fn nearest(&self, point: Coord<f64>, k: usize) -> Vec<(AreaId, f64)> {
        self.tree
            .nearest_neighbor_iter_with_distance_2(&Point(point))
            .take(k)
            .map(|(c, d2)| (c.data, d2.sqrt()))
            .collect()
    }

    /// The centroids indexed.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether no centroid is indexed.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

fn distance(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    #[test]
    fn radius_and_nearest() {
        let square =
            |x: f64| MultiPolygon(vec![polygon![(x: x, y: 0.), (x: x + 2., y: 0.), (x: x + 2., y: 2.), (x: x, y: 2.)]]);
        let areas = [square(0.), square(10.), square(20.), square(30.)];
        let index = CentroidIndex::new(areas.iter(), |id| id != 2);
        assert_eq!(index.len(), 3);
        let near = index.within(coord! { x: 1., y: 1. }, 10.0);
        assert_eq!(near, vec![(0, 0.0), (1, 10.0)]);
        assert_eq!(index.nearest(coord! { x: 24., y: 1. }, 2), vec![(3, 7.0), (1, 13.0)]);
    }
}
