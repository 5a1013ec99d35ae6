//! Area layers as TopoJSON for Power BI's shape map: WGS84, quantised, with each border shared by its two areas stored once as an arc and simplified once (so neighbours never part), keyed by `area_code`.
//!
//! A small encoder (no TopoJSON crate is kept up): coordinates are quantised to an integer grid
//! over the layer's bounds; a point where rings meet with different neighbours is a junction;
//! rings are cut at junctions into arcs, each arc stored once (a reversed use is `~index`);
//! each arc is simplified by Douglas–Peucker, keeping its ends, and delta-encoded.

use std::collections::HashMap;
use std::path::Path;

use geojson::JsonObject;
use serde_json::{json, Value};

use crate::error::Result;
use crate::io::atomic::write_file;
use crate::output::geojson::wgs84_polygons;
use crate::spatial::Shape;

/// Grid steps across the layer's wider side (about 1 m over England).
const QUANTISATION: f64 = 1_000_000.0;
/// How far a simplified border may stray, in degrees (about 10 m).
const TOLERANCE_DEGREES: f64 = 0.0001;
/// The property that keys each area (and is its `id`).
const KEY: &str = "area_code";

/// A point on the grid.
type Point = (i64, i64);
/// A ring as indices into the arcs (`!i`, i.e. `-i - 1`, for arc `i` reversed).
type ArcRing = Vec<i64>;

/// Writes features as a TopoJSON topology with one object, `name`.
pub fn write(path: &Path, name: &str, features: &[(Shape<'_>, JsonObject)]) -> Result<()> {
    let polygons: Vec<_> = features.iter().map(|(shape, _)| wgs84_polygons(*shape)).collect();
    let grid = Grid::over(&polygons);
    let rings: Vec<Vec<Vec<Vec<Point>>>> = polygons.iter().map(|p| grid.quantise(p)).collect();
    let junctions = junctions(rings.iter().flatten().flatten());
    let mut arcs = Arcs::default();
    let geometries: Vec<Value> = rings
        .iter()
        .zip(features)
        .map(|(polygons, (_, properties))| {
            let arc_polygons: Vec<Vec<ArcRing>> = polygons
                .iter()
                .map(|polygon| polygon.iter().map(|ring| arcs.ring(ring, &junctions)).collect())
                .collect();
            geometry(arc_polygons, properties)
        })
        .collect();
    let tolerance = TOLERANCE_DEGREES / grid.scale;
    let arcs: Vec<Value> = arcs.list.iter().map(|arc| delta_encoded(&simplified(arc, tolerance))).collect();
    let topology = json!({
        "type": "Topology",
        "bbox": [grid.x0, grid.y0, grid.x1, grid.y1],
        "transform": { "scale": [grid.scale, grid.scale], "translate": [grid.x0, grid.y0] },
        "objects": { name: { "type": "GeometryCollection", "geometries": geometries } },
        "arcs": arcs,
    });
    write_file(path, format!("{topology}\n").as_bytes())
}

/// One area's geometry: its polygons of arc rings, its key as `id`, its row as properties.
fn geometry(polygons: Vec<Vec<ArcRing>>, properties: &JsonObject) -> Value {
    let polygons: Vec<Vec<ArcRing>> =
        polygons.into_iter().filter(|p| p.first().is_some_and(|r| !r.is_empty())).collect();
    let mut geometry = match polygons.is_empty() {
        true => json!({ "type": null }),
        false => json!({ "type": "MultiPolygon", "arcs": polygons }),
    };
    if let Some(key) = properties.get(KEY).filter(|k| !k.is_null()) {
        geometry["id"] = key.clone();
    }
    geometry["properties"] = Value::Object(properties.clone());
    geometry
}

/// The quantisation grid: the same scale on both axes, from the layer's lower-left corner.
struct Grid {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    scale: f64,
}

impl Grid {
    fn over(polygons: &[Vec<Vec<Vec<[f64; 2]>>>]) -> Grid {
        let points = polygons.iter().flatten().flatten().flatten().filter(|p| p[0].is_finite() && p[1].is_finite());
        let start = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        let [x0, y0, x1, y1] =
            points.fold(start, |b, p| [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]);
        if !x0.is_finite() {
            return Grid { x0: 0.0, y0: 0.0, x1: 0.0, y1: 0.0, scale: 1.0 };
        }
        let scale = ((x1 - x0).max(y1 - y0) / (QUANTISATION - 1.0)).max(1e-12);
        Grid { x0, y0, x1, y1, scale }
    }

    /// Polygons on the grid, each ring closed, without repeated points; rings of fewer than
    /// three distinct points are left out, and polygons whose outer ring is.
    fn quantise(&self, polygons: &[Vec<Vec<[f64; 2]>>]) -> Vec<Vec<Vec<Point>>> {
        let point = |p: &[f64; 2]| {
            (((p[0] - self.x0) / self.scale).round() as i64, ((p[1] - self.y0) / self.scale).round() as i64)
        };
        let ring = |ring: &Vec<[f64; 2]>| {
            let mut points: Vec<Point> =
                ring.iter().filter(|p| p[0].is_finite() && p[1].is_finite()).map(point).collect();
            points.dedup();
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            (points.len() >= 3).then(|| {
                let first = points[0];
                points.push(first);
                points
            })
        };
        polygons
            .iter()
            .filter_map(|polygon| {
                let exterior = ring(polygon.first()?)?;
                Some(std::iter::once(exterior).chain(polygon.iter().skip(1).filter_map(ring)).collect())
            })
            .collect()
    }
}

/// Points where rings meet with different neighbours (ends of shared borders).
fn junctions<'a>(rings: impl Iterator<Item = &'a Vec<Point>>) -> HashMap<Point, bool> {
    let mut seen: HashMap<Point, (Point, Point, bool)> = HashMap::new();
    for ring in rings {
        let n = ring.len() - 1;
        for i in 0..n {
            let (before, after) = (ring[(i + n - 1) % n], ring[i + 1]);
            let pair = if before <= after { (before, after) } else { (after, before) };
            let entry = seen.entry(ring[i]).or_insert((pair.0, pair.1, false));
            if (entry.0, entry.1) != pair {
                entry.2 = true;
            }
        }
    }
    seen.into_iter().filter(|(_, (_, _, junction))| *junction).map(|(p, _)| (p, true)).collect()
}

/// The arcs of a topology, each stored once.
#[derive(Default)]
struct Arcs {
    list: Vec<Vec<Point>>,
    index: HashMap<Vec<Point>, usize>,
}

impl Arcs {
    /// A closed ring as arcs: cut at its junctions, or whole (from its least point) without any.
    fn ring(&mut self, ring: &[Point], junctions: &HashMap<Point, bool>) -> ArcRing {
        let open = &ring[..ring.len() - 1];
        let start = open.iter().position(|p| junctions.contains_key(p));
        let start = start.unwrap_or_else(|| (0..open.len()).min_by_key(|i| open[*i]).unwrap_or(0));
        let mut rotated: Vec<Point> = open[start..].iter().chain(&open[..start]).copied().collect();
        rotated.push(rotated[0]);
        let mut arcs = Vec::new();
        let mut from = 0;
        for i in 1..rotated.len() {
            if i == rotated.len() - 1 || junctions.contains_key(&rotated[i]) {
                arcs.push(self.arc(&rotated[from..=i]));
                from = i;
            }
        }
        arcs
    }

    /// The index of an arc, `!index` when it is stored the other way round; stored if new.
    fn arc(&mut self, points: &[Point]) -> i64 {
        if let Some(i) = self.index.get(points) {
            return *i as i64;
        }
        let reversed: Vec<Point> = points.iter().rev().copied().collect();
        if let Some(i) = self.index.get(&reversed) {
            return !(*i as i64);
        }
        let i = self.list.len();
        self.index.insert(points.to_vec(), i);
        self.list.push(points.to_vec());
        i as i64
    }
}

/// An arc simplified by Douglas–Peucker within `tolerance` grid steps, its ends kept; a closed
/// arc is cut at its farthest point first and keeps at least four points.
fn simplified(arc: &[Point], tolerance: f64) -> Vec<Point> {
    if arc.len() <= 2 {
        return arc.to_vec();
    }
    let (first, last) = (arc[0], arc[arc.len() - 1]);
    if first != last {
        let mut keep = vec![false; arc.len()];
        keep[0] = true;
        keep[arc.len() - 1] = true;
        douglas_peucker(arc, 0, arc.len() - 1, tolerance, &mut keep);
        return arc.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect();
    }
    let squared = |p: &Point| (p.0 - first.0).pow(2) + (p.1 - first.1).pow(2);
    let far = (1..arc.len() - 1).max_by_key(|i| squared(&arc[*i])).unwrap_or(1);
    let mut points = simplified(&arc[..=far], tolerance);
    points.extend(simplified(&arc[far..], tolerance).into_iter().skip(1));
    if points.len() < 4 {
        return arc.to_vec();
    }
    points
}

/// Marks the points of `arc[from..=to]` that stray more than `tolerance` from the chord.
fn douglas_peucker(arc: &[Point], from: usize, to: usize, tolerance: f64, keep: &mut [bool]) {
    if to <= from + 1 {
        return;
    }
    let (a, b) = (arc[from], arc[to]);
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let length = (dx * dx + dy * dy).sqrt();
    let distance = |p: Point| {
        let (px, py) = ((p.0 - a.0) as f64, (p.1 - a.1) as f64);
        if length == 0.0 {
            (px * px + py * py).sqrt()
        } else {
            (px * dy - py * dx).abs() / length
        }
    };
    let (far, d) =
        (from + 1..to).map(|i| (i, distance(arc[i]))).fold((from, -1.0), |m, x| if x.1 > m.1 { x } else { m });
    if d > tolerance {
        keep[far] = true;
        douglas_peucker(arc, from, far, tolerance, keep);
        douglas_peucker(arc, far, to, tolerance, keep);
    }
}

/// An arc's first point, then each point as the step from the one before.
fn delta_encoded(arc: &[Point]) -> Value {
    let mut last = (0, 0);
    let steps: Vec<[i64; 2]> = arc
        .iter()
        .map(|p| {
            let step = [p.0 - last.0, p.1 - last.1];
            last = *p;
            step
        })
        .collect();
    json!(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_border_is_one_arc_used_both_ways() {
        // Two unit squares side by side share the border x = 1.
        let left = vec![vec![(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]];
        let right = vec![vec![(1, 0), (2, 0), (2, 1), (1, 1), (1, 0)]];
        let junctions = junctions(left.iter().chain(&right));
        assert_eq!(junctions.len(), 2, "{junctions:?}");
        let mut arcs = Arcs::default();
        let a = arcs.ring(&left[0], &junctions);
        let b = arcs.ring(&right[0], &junctions);
        assert_eq!(arcs.list.len(), 3);
        let shared: Vec<i64> = a.iter().filter(|i| b.contains(&!**i)).copied().collect();
        assert_eq!(shared.len(), 1, "{a:?} {b:?}");
    }

    #[test]
    fn a_closed_arc_keeps_a_ring() {
        let ring = vec![(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)];
        assert_eq!(simplified(&ring, 100.0).len(), 5);
    }
}
