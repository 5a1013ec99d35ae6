//! `AreaIndex`: which area a point lies in, by an R-tree over polygon envelopes, exact point-in-polygon tests and a nearest-edge fallback.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Coord, Line, MultiPolygon, Point, Polygon, Rect};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

/// An area identifier: the position of the area in the caller's list.
///
/// Ties (a point on an edge shared by two areas, or equally near to two) are broken towards the
/// smallest id, so callers that want a tie-break by area code number their areas in code order.
pub type AreaId = u32;

/// Where a point was placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// Inside the area, or on its boundary.
    Within {
        /// The area.
        area: AreaId,
    },
    /// Outside every accepted area, but within the allowed distance of this one.
    Nearest {
        /// The area.
        area: AreaId,
        /// The distance to its edge (metres).
        distance_m: f64,
    },
    /// Further than the allowed distance from every accepted area.
    Outside,
}

/// An R-tree index over area polygons in British National Grid metres.
///
/// ```
/// use anchormap::spatial::{AreaIndex, Placement};
/// use geo::{coord, polygon, MultiPolygon};
/// let square = |x0: f64| MultiPolygon(vec![polygon![(x: x0, y: 0.), (x: x0 + 10., y: 0.), (x: x0 + 10., y: 10.), (x: x0, y: 10.)]]);
/// let index = AreaIndex::new([square(0.0), square(10.0)].iter());
/// assert_eq!(index.place(coord! { x: 5., y: 5. }, 100.0, |_| true), Placement::Within { area: 0 });
/// assert_eq!(index.place(coord! { x: 10., y: 5. }, 100.0, |_| true), Placement::Within { area: 0 }); // shared edge
/// assert_eq!(index.place(coord! { x: 23., y: 5. }, 100.0, |_| true), Placement::Nearest { area: 1, distance_m: 3.0 });
/// assert_eq!(index.place(coord! { x: 500., y: 5. }, 100.0, |_| true), Placement::Outside);
/// ```
pub struct AreaIndex {
    /// Every polygon part, with the area it belongs to.
    parts: Vec<(Polygon<f64>, AreaId)>,
    /// Bounding rectangles of the parts (precomputed: rstar asks for envelopes on every query).
    part_boxes: RTree<GeomWithData<Rect<f64>, u32>>,
    edges: RTree<GeomWithData<Line<f64>, AreaId>>,
}

impl AreaIndex {
    /// Bulk-loads the index; the n-th geometry gets area id n.
    pub fn new<'a>(areas: impl Iterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let mut parts = Vec::new();
        let mut boxes = Vec::new();
        let mut edges = Vec::new();
        for (id, area) in areas.enumerate() {
            let id = id as AreaId;
            for polygon in area {
                let Some(rect) = polygon.bounding_rect() else { continue };
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    edges.extend(ring.lines().map(|line| GeomWithData::new(line, id)));
                }
                boxes.push(GeomWithData::new(rect, parts.len() as u32));
                parts.push((polygon.clone(), id));
            }
        }
        AreaIndex { parts, part_boxes: RTree::bulk_load(boxes), edges: RTree::bulk_load(edges) }
    }

    /// Places a point (BNG metres): the area containing it, else the nearest area within
    /// `max_distance_m`, considering only areas for which `accept` is true.
    pub fn place(&self, point: Coord<f64>, max_distance_m: f64, accept: impl Fn(AreaId) -> bool) -> Placement {
        let mut inside: Option<AreaId> = None;
        let mut on_boundary: Option<AreaId> = None;
        let probe = AABB::from_point(Point(point));
        for candidate in self.part_boxes.locate_in_envelope_intersecting(&probe) {
            let (polygon, area) = &self.parts[candidate.data as usize];
            let area = *area;
            if !accept(area) {
                continue;
            }
            let slot = match polygon.coordinate_position(&point) {
                CoordPos::Inside => &mut inside,
                CoordPos::OnBoundary => &mut on_boundary,
                CoordPos::Outside => continue,
            };
            *slot = Some(slot.map_or(area, |held| held.min(area)));
        }
        if let Some(area) = inside.or(on_boundary) {
            return Placement::Within { area };
        }
        match self.nearest(point, max_distance_m, accept) {
            Some((area, distance_m)) => Placement::Nearest { area, distance_m },
            None => Placement::Outside,
        }
    }

    /// The accepted area whose boundary is nearest to the point, if within `max_distance_m`.
    pub fn nearest(
        &self,
        point: Coord<f64>,
        max_distance_m: f64,
        accept: impl Fn(AreaId) -> bool,
    ) -> Option<(AreaId, f64)> {
        if max_distance_m.is_nan() || max_distance_m < 0.0 {
            return None;
        }
        let limit_2 = max_distance_m * max_distance_m;
        let mut best: Option<(f64, AreaId)> = None;
        for (edge, distance_2) in self.edges.nearest_neighbor_iter_with_distance_2(&Point(point)) {
            if distance_2 > limit_2 || best.is_some_and(|(held, _)| distance_2 > held) {
                break;
            }
            if accept(edge.data) {
                best = Some(match best {
                    Some((held, area)) => (held, area.min(edge.data)),
                    None => (distance_2, edge.data),
                });
            }
        }
        best.map(|(distance_2, area)| (area, distance_2.sqrt()))
    }

    /// Number of polygon parts indexed.
    pub fn polygon_count(&self) -> usize {
        self.parts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn square(x0: f64, y0: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x0, y: y0), (x: x0 + size, y: y0), (x: x0 + size, y: y0 + size), (x: x0, y: y0 + size)],
        ])
    }

    #[test]
    fn shared_edges_and_corners_go_to_the_smallest_id_whatever_the_order() {
        let areas = [square(10., 0., 10.), square(0., 0., 10.), square(0., 10., 10.), square(10., 10., 10.)];
        let index = AreaIndex::new(areas.iter());
        assert_eq!(index.place(coord! { x: 10., y: 5. }, 0.0, |_| true), Placement::Within { area: 0 });
        assert_eq!(index.place(coord! { x: 10., y: 10. }, 0.0, |_| true), Placement::Within { area: 0 });
        assert_eq!(index.place(coord! { x: 5., y: 10. }, 0.0, |_| true), Placement::Within { area: 1 });
        assert_eq!(index.place(coord! { x: 5., y: 15. }, 0.0, |_| true), Placement::Within { area: 2 });
    }

    #[test]
    fn holes_are_not_inside_and_islands_in_holes_are() {
        let donut = MultiPolygon(vec![polygon!(
            exterior: [(x: 0., y: 0.), (x: 30., y: 0.), (x: 30., y: 30.), (x: 0., y: 30.)],
            interiors: [[(x: 10., y: 10.), (x: 20., y: 10.), (x: 20., y: 20.), (x: 10., y: 20.)]],
        )]);
        let island = square(10., 10., 10.);
        let index = AreaIndex::new([donut, island].iter());
        assert_eq!(index.place(coord! { x: 15., y: 15. }, 0.0, |_| true), Placement::Within { area: 1 });
        assert_eq!(index.place(coord! { x: 5., y: 15. }, 0.0, |_| true), Placement::Within { area: 0 });
        let only_donut = index.place(coord! { x: 15., y: 15. }, 100.0, |a| a == 0);
        assert_eq!(only_donut, Placement::Nearest { area: 0, distance_m: 5.0 });
    }

    #[test]
    fn multipolygon_parts_belong_to_one_area() {
        let mut two_islands = square(0., 0., 10.);
        two_islands.0.extend(square(100., 0., 10.).0);
        let index = AreaIndex::new([two_islands, square(50., 0., 10.)].iter());
        assert_eq!(index.polygon_count(), 3);
        assert_eq!(index.place(coord! { x: 105., y: 5. }, 0.0, |_| true), Placement::Within { area: 0 });
    }

    #[test]
    fn nearest_respects_the_limit_and_the_filter() {
        let index = AreaIndex::new([square(0., 0., 10.), square(100., 0., 10.)].iter());
        let p = coord! { x: 40., y: 5. };
        assert_eq!(index.place(p, 29.0, |_| true), Placement::Outside);
        assert_eq!(index.place(p, 30.0, |_| true), Placement::Nearest { area: 0, distance_m: 30.0 });
        assert_eq!(index.place(p, 100.0, |a| a == 1), Placement::Nearest { area: 1, distance_m: 60.0 });
        assert_eq!(index.place(coord! { x: 5., y: 5. }, 100.0, |_| false), Placement::Outside);
        assert_eq!(index.place(p, f64::NAN, |_| true), Placement::Outside);
    }
}
