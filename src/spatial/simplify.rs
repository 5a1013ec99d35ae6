//! Display simplification that keeps neighbours meeting: rings are cut into arcs at junctions and each shared arc is simplified once.
//!
//! Simplifying each polygon on its own opens slivers and overlaps between neighbours, because
//! the two copies of a shared boundary are simplified differently. Here, as in TopoJSON, every
//! ring is cut at its junctions (vertices with other than two distinct neighbours over all
//! rings), each arc is simplified once (Ramer–Douglas–Peucker, ends kept) in a canonical
//! direction, and both neighbours get the same simplified arc. Only for display: analyses always
//! use the full geometry.

use geo::{Coord, LineString, MultiPolygon, Polygon, Simplify};
use rustc_hash::FxHashMap;

type Key = (u64, u64);

fn key(c: Coord<f64>) -> Key {
    (c.x.to_bits(), c.y.to_bits())
}

/// Distinct neighbours of a vertex over every ring: up to two, then a junction.
#[derive(Clone, Copy, Default)]
struct Neighbours {
    first: Option<Key>,
    second: Option<Key>,
    junction: bool,
}

impl Neighbours {
    fn add(&mut self, k: Key) {
        if self.first == Some(k) || self.second == Some(k) {
            return;
        }
        if self.first.is_none() {
            self.first = Some(k);
        } else if self.second.is_none() {
            self.second = Some(k);
        } else {
            self.junction = true;
        }
    }
}

/// The vertices of a closed ring without its closing repeat.
fn cycle(ring: &LineString<f64>) -> &[Coord<f64>] {
    let c = &ring.0;
    if c.len() > 1 && c.first() == c.last() {
        &c[..c.len() - 1]
    } else {
        c
    }
}

/// Simplifies every area's polygons with tolerance `tolerance` (in the coordinates' units),
/// keeping shared boundaries shared. Rings that would collapse are kept as they were.
///
/// ```
/// use anchormap::spatial::simplify_shared;
/// use geo::{polygon, MultiPolygon};
/// // Two squares sharing a wiggly edge: both get the same straightened edge.
/// let left = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10.1, y: 5.), (x: 10., y: 10.), (x: 0., y: 10.)]]);
/// let right = MultiPolygon(vec![polygon![(x: 10., y: 0.), (x: 20., y: 0.), (x: 20., y: 10.), (x: 10., y: 10.), (x: 10.1, y: 5.)]]);
/// let out = simplify_shared(&[left, right], 1.0);
/// assert_eq!(out[0].0[0].exterior().0.len(), 5); // four corners, closed
/// assert_eq!(out[1].0[0].exterior().0.len(), 5);
/// ```
pub fn simplify_shared(areas: &[MultiPolygon<f64>], tolerance: f64) -> Vec<MultiPolygon<f64>> {
    let rings = || areas.iter().flat_map(|a| a.iter()).flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    let mut neighbours: FxHashMap<Key, Neighbours> = FxHashMap::default();
    for ring in rings() {
        let c = cycle(ring);
        let n = c.len();
        for i in 0..n {
            let slot = neighbours.entry(key(c[i])).or_default();
            slot.add(key(c[(i + n - 1) % n]));
            slot.add(key(c[(i + 1) % n]));
        }
    }
    let is_junction = |c: Coord<f64>| neighbours.get(&key(c)).is_some_and(|n| n.junction);
    let mut arcs: FxHashMap<(Key, Key, Key, usize), Vec<Coord<f64>>> = FxHashMap::default();
    let mut simplify_ring = |ring: &LineString<f64>| -> LineString<f64> {
        let c = cycle(ring);
        let n = c.len();
        if n < 4 {
            return ring.clone();
        }
        // Start at a junction, or (no junction: a ring on its own or shared whole) at the smallest vertex.
        let start =
            (0..n).find(|&i| is_junction(c[i])).unwrap_or_else(|| (0..n).min_by_key(|&i| key(c[i])).unwrap_or(0));
        let mut out: Vec<Coord<f64>> = vec![c[start]];
        let mut arc: Vec<Coord<f64>> = vec![c[start]];
        for step in 1..=n {
            let v = c[(start + step) % n];
            arc.push(v);
            if step == n || is_junction(v) {
                let simplified = simplify_arc(&mut arcs, &arc, tolerance);
                out.extend_from_slice(&simplified[1..]);
                arc.clear();
                arc.push(v);
            }
        }
        if out.len() < 4 {
            return ring.clone();
        }
        LineString(out)
    };
    areas
        .iter()
        .map(|area| {
            MultiPolygon(
                area.iter()
                    .map(|p| {
                        Polygon::new(
                            simplify_ring(p.exterior()),
                            p.interiors().iter().map(&mut simplify_ring).collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// One arc, simplified in its canonical direction (so both neighbours agree), returned in the
/// direction given.
fn simplify_arc(
    cache: &mut FxHashMap<(Key, Key, Key, usize), Vec<Coord<f64>>>,
    arc: &[Coord<f64>],
    tolerance: f64,
) -> Vec<Coord<f64>> {
    let (first, last) = (key(arc[0]), key(arc[arc.len() - 1]));
    let forward = if first != last { first < last } else { key(arc[1]) <= key(arc[arc.len() - 2]) };
    let canonical: Vec<Coord<f64>> = if forward { arc.to_vec() } else { arc.iter().rev().copied().collect() };
    let id = (key(canonical[0]), key(canonical[1]), key(canonical[canonical.len() - 1]), canonical.len());
    let simplified = cache.entry(id).or_insert_with(|| LineString(canonical).simplify(tolerance).0);
    if forward {
        simplified.clone()
    } else {
        simplified.iter().rev().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, BooleanOps};

    /// A grid of squares with jagged shared edges: after simplification the pieces still tile
    /// the same region (no gaps, no overlaps) with far fewer vertices.
    #[test]
    fn neighbours_still_tile_after_simplification() {
        // The offset of the i-th vertex (0..=10) of a shared edge: none at the corners.
        let jag = |line: usize, i: usize| {
            if i.is_multiple_of(10) {
                0.0
            } else if (line + i).is_multiple_of(2) {
                0.3
            } else {
                -0.3
            }
        };
        let mut areas = Vec::new();
        for gx in 0..3 {
            for gy in 0..3 {
                let (x0, y0) = (gx as f64 * 10.0, gy as f64 * 10.0);
                let (bottom, top) = (if gy > 0 { 1.0 } else { 0.0 }, if gy < 2 { 1.0 } else { 0.0 });
                let (left, right) = (if gx > 0 { 1.0 } else { 0.0 }, if gx < 2 { 1.0 } else { 0.0 });
                let mut ring = Vec::new();
                for i in 0..10 {
                    ring.push(Coord { x: x0 + i as f64, y: y0 + bottom * jag(gx, i) });
                }
                for i in 0..10 {
                    ring.push(Coord { x: x0 + 10.0 + right * jag(100 + gy, i), y: y0 + i as f64 });
                }
                for i in (1..=10).rev() {
                    ring.push(Coord { x: x0 + i as f64, y: y0 + 10.0 + top * jag(gx, i) });
                }
                for i in (1..=10).rev() {
                    ring.push(Coord { x: x0 + left * jag(100 + gy, i), y: y0 + i as f64 });
                }
                ring.push(ring[0]);
                areas.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
            }
        }
        let before: usize = areas.iter().map(|a| a.0[0].exterior().0.len()).sum();
        let simplified = simplify_shared(&areas, 1.0);
        let after: usize = simplified.iter().map(|a| a.0[0].exterior().0.len()).sum();
        assert!(after * 4 < before, "{before} -> {after}");
        let total: f64 = simplified.iter().map(|a| a.unsigned_area()).sum();
        let union = simplified.iter().skip(1).fold(simplified[0].clone(), |acc, a| acc.union(a));
        assert!((total - union.unsigned_area()).abs() < 1e-6, "overlaps: {total} vs {}", union.unsigned_area());
        assert!((union.unsigned_area() - 900.0).abs() < 1e-6, "gaps: {}", union.unsigned_area());
    }
}
