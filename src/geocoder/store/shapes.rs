//! A prepared store's boundaries: each area's polygons as counts (polygons, rings, points) and one array of coordinates.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::NONE;

/// Shapes as one list of counts (polygons of an area, `NONE` for no shape; rings of a polygon;
/// points of a ring), their coordinates, and where each area starts in both (pairs, plus an end).
pub(super) fn encode_shapes(shapes: &[Option<&MultiPolygon<f64>>]) -> (Vec<u32>, Vec<f64>, Vec<u64>) {
    let (mut shape, mut coords, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    for area in shapes {
        starts.extend([shape.len() as u64, coords.len() as u64]);
        let Some(area) = area else {
            shape.push(NONE);
            continue;
        };
        shape.push(area.0.len() as u32);
        for polygon in &area.0 {
            shape.push(1 + polygon.interiors().len() as u32);
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                shape.push(ring.0.len() as u32);
                coords.extend(ring.0.iter().flat_map(|c| [c.x, c.y]));
            }
        }
    }
    starts.extend([shape.len() as u64, coords.len() as u64]);
    (shape, coords, starts)
}

/// One area's shape from its counts and coordinates; `None` when they run out (a damaged store).
pub(super) fn decode_shape(shape: &[u32], coords: &[f64]) -> Option<Option<MultiPolygon<f64>>> {
    let mut counts = shape.iter().copied();
    let polygons = counts.next()?;
    if polygons == NONE {
        return Some(None);
    }
    let mut at = 0usize;
    let mut ring = |counts: &mut dyn Iterator<Item = u32>| -> Option<LineString<f64>> {
        let n = counts.next()? as usize;
        let xy = coords.get(at..at.checked_add(2 * n)?)?;
        if !xy.iter().all(|v| v.is_finite()) {
            return None;
        }
        at += 2 * n;
        Some(LineString(xy.chunks_exact(2).map(|p| Coord { x: p[0], y: p[1] }).collect()))
    };
    let mut parts = Vec::with_capacity(polygons as usize);
    for _ in 0..polygons {
        let rings = counts.next()?;
        let exterior = ring(&mut counts)?;
        let interiors = (1..rings).map(|_| ring(&mut counts)).collect::<Option<Vec<_>>>()?;
        parts.push(Polygon::new(exterior, interiors));
    }
    Some(Some(MultiPolygon(parts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_round_trip_with_holes_and_absent_shapes() {
        let ring = |x: f64| {
            LineString(vec![
                Coord { x, y: 0.0 },
                Coord { x: x + 1.0, y: 0.0 },
                Coord { x, y: 1.0 },
                Coord { x, y: 0.0 },
            ])
        };
        let holed = MultiPolygon(vec![Polygon::new(ring(0.0), vec![ring(0.2)]), Polygon::new(ring(5.0), vec![])]);
        let plain = MultiPolygon(vec![Polygon::new(ring(9.0), vec![])]);
        let (shape, coords, starts) = encode_shapes(&[Some(&holed), None, Some(&plain)]);
        let decoded: Vec<_> = (0..3)
            .map(|i| decode_shape(&shape[starts[2 * i] as usize..], &coords[starts[2 * i + 1] as usize..]).unwrap())
            .collect();
        assert_eq!(decoded, vec![Some(holed), None, Some(plain)]);
        assert_eq!(decode_shape(&shape[..3], &coords[..4]), None, "a cut-short shape is damage, not a panic");
    }
}
