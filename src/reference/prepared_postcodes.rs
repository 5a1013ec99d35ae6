//! A prepared store's postcode columns (mapped by `geocoder::store`): an open-addressing hash table of postcode keys and, slot by slot, each postcode's point, placement, country and LSOA codes.

use std::ops::Range;
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};
use geo::Coord;
use memmap2::Mmap;

use crate::postcode::Postcode;
use crate::reference::postcodes::PostcodeEntry;
use crate::reference::Country;
use crate::spatial::Placement;

/// "No LSOA code" in a code column.
pub(crate) const NONE: u32 = u32::MAX;

/// A postcode's point and placement, in the slot its key hashes to. `place` packs how it was
/// placed (top two bits), the directory's country (the next three: 0 none, else 1 + the position
/// in [`COUNTRIES`]) and the area's position in the boundaries (the low 27 bits).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, Pod, Zeroable)]
pub(crate) struct PlacedPoint {
    x: f64,
    y: f64,
    place: u32,
    _pad: u32,
}

const PLACED_NO_POINT: u32 = 0;
const PLACED_WITHIN: u32 = 1;
const PLACED_NEAREST: u32 = 2;
const PLACED_OUTSIDE: u32 = 3;
const STATUS_SHIFT: u32 = 30;
const COUNTRY_SHIFT: u32 = 27;
pub(crate) const AREA_MASK: u32 = (1 << COUNTRY_SHIFT) - 1;

/// The countries a postcode's country bits count from (0: the directory gives none).
const COUNTRIES: [Country; 6] = [
    Country::England,
    Country::Wales,
    Country::Scotland,
    Country::NorthernIreland,
    Country::ChannelIslands,
    Country::IsleOfMan,
];

impl PlacedPoint {
    fn new(entry: &PostcodeEntry, placement: Option<Placement>) -> PlacedPoint {
        let (status, area) = match placement {
            None => (PLACED_NO_POINT, 0),
            Some(Placement::Within { area }) => (PLACED_WITHIN, area),
            Some(Placement::Nearest { area, .. }) => (PLACED_NEAREST, area),
            Some(Placement::Outside) => (PLACED_OUTSIDE, 0),
        };
        let country = entry.country.and_then(|c| COUNTRIES.iter().position(|&k| k == c)).map_or(0, |i| i as u32 + 1);
        let point = entry.location.unwrap_or(Coord { x: 0.0, y: 0.0 });
        let place = status << STATUS_SHIFT | country << COUNTRY_SHIFT | area;
        PlacedPoint { x: point.x, y: point.y, place, _pad: 0 }
    }

    fn status(&self) -> u32 {
        self.place >> STATUS_SHIFT
    }

    /// Whether what the point holds can be used: the area it is placed in (within or nearest)
    /// one of the `areas`, its country one of [`COUNTRIES`], its coordinates numbers.
    pub(crate) fn is_valid(&self, areas: usize) -> bool {
        let placed_in_area = matches!(self.status(), PLACED_WITHIN | PLACED_NEAREST);
        let area_ok = !placed_in_area || ((self.place & AREA_MASK) as usize) < areas;
        let country_ok = (self.place >> COUNTRY_SHIFT & 0b111) as usize <= COUNTRIES.len();
        area_ok && country_ok && (self.status() == PLACED_NO_POINT || (self.x.is_finite() && self.y.is_finite()))
    }
}

/// The postcode columns of a store, in the order they are written: all of one length, a power of
/// two, position = hash slot.
pub(crate) const POSTCODE_COLUMNS: [&str; 5] =
    ["postcode_slots", "postcode_points", "postcode_distances", "postcode_lsoa11", "postcode_lsoa21"];

/// A store's postcode columns, mapped: an open-addressing hash table of postcode keys (0: an empty
/// slot) and, slot by slot, each postcode's point, placement and country (`PlacedPoint`), its
/// `nearest` distance and the directory's own LSOA 2011 and 2021 codes (empty columns when the
/// directory has none). A look-up touches the key's slot and its point: a run reads only the pages
/// of the postcodes it looks up.
pub struct PreparedPostcodes {
    pub(crate) map: Arc<Mmap>,
    /// Byte ranges of [`POSTCODE_COLUMNS`], in that order.
    pub(crate) columns: [Range<usize>; 5],
    pub(crate) postcodes: usize,
    /// The `--max-distance` the `nearest` and `outside` placements hold for.
    pub(crate) max_distance_m: f64,
}

impl PreparedPostcodes {
    fn column<T: Pod>(&self, i: usize) -> &[T] {
        // Checked when the store was opened: aligned, and of whole items.
        bytemuck::cast_slice(&self.map[self.columns[i].clone()])
    }

    pub fn len(&self) -> usize {
        self.postcodes
    }

    pub fn is_empty(&self) -> bool {
        self.postcodes == 0
    }

    pub fn max_distance_m(&self) -> f64 {
        self.max_distance_m
    }

    /// A postcode's slot, by the store's hash table.
    pub fn find(&self, postcode: &Postcode) -> Option<u32> {
        let keys = self.column::<u64>(0);
        let key = postcode.bits();
        let mut slot = slot_of(key, keys.len().trailing_zeros());
        for _ in 0..keys.len() {
            match *keys.get(slot)? {
                k if k == key => return Some(slot as u32),
                0 => return None,
                _ => slot = (slot + 1) & (keys.len() - 1),
            }
        }
        None
    }

    /// Asks the processor to bring the cache line of the postcode's first slot in ahead of
    /// [`find`](Self::find): a run looks up many postcodes at random places in a table of 16 MB,
    /// and a batch of look-ups whose lines are already on their way waits once, not once each.
    pub fn prefetch_slot(&self, postcode: &Postcode) {
        let keys = self.column::<u64>(0);
        if let Some(key) = keys.get(slot_of(postcode.bits(), keys.len().trailing_zeros())) {
            prefetch(key);
        }
    }

    /// As [`prefetch_slot`](Self::prefetch_slot), for the point of the postcode in slot `id`.
    pub fn prefetch_point(&self, id: u32) {
        if let Some(point) = self.column::<PlacedPoint>(1).get(id as usize) {
            prefetch(point);
        }
    }

    /// The directory's entry for the postcode in slot `id`.
    pub fn entry(&self, id: u32) -> Option<PostcodeEntry> {
        let point = self.column::<PlacedPoint>(1).get(id as usize)?;
        let country = (point.place >> COUNTRY_SHIFT & 0b111) as usize;
        let code = |column: usize| self.column::<u32>(column).get(id as usize).copied().filter(|&c| c != NONE);
        Some(PostcodeEntry {
            location: (point.status() != PLACED_NO_POINT).then_some(Coord { x: point.x, y: point.y }),
            country: country.checked_sub(1).and_then(|c| COUNTRIES.get(c)).copied(),
            lsoa: [code(3), code(4)],
        })
    }

    /// Where the spatial join placed the postcode in slot `id` (`None`: it has no point).
    pub fn placement(&self, id: u32) -> Option<Placement> {
        let point = self.column::<PlacedPoint>(1).get(id as usize)?;
        let area = point.place & AREA_MASK;
        match point.status() {
            PLACED_WITHIN => Some(Placement::Within { area }),
            PLACED_NEAREST => Some(Placement::Nearest { area, distance_m: *self.column::<f64>(2).get(id as usize)? }),
            PLACED_OUTSIDE => Some(Placement::Outside),
            _ => None,
        }
    }

    /// Every postcode and its entry, in key order.
    pub fn entries(&self) -> Vec<(Postcode, PostcodeEntry)> {
        let keys = self.column::<u64>(0);
        let mut entries: Vec<(Postcode, PostcodeEntry)> = (0..keys.len())
            .filter(|&slot| keys[slot] != 0)
            .filter_map(|slot| Some((Postcode::from_bits(keys[slot])?, self.entry(slot as u32)?)))
            .collect();
        entries.sort_unstable_by_key(|(postcode, _)| *postcode);
        entries
    }
}

/// The postcode columns of a directory whose points are placed (entries sorted by postcode, so
/// that the same directory always gives the same table).
pub(crate) fn postcode_columns(
    entries: &[(Postcode, PostcodeEntry)],
    placements: &[Option<Placement>],
) -> Vec<Vec<u8>> {
    // At most 85% full, so that a look-up rarely probes past its first cache line.
    let size = (entries.len() * 100 / 85 + 1).next_power_of_two().max(2);
    let bits = size.trailing_zeros();
    let mut keys = vec![0u64; size];
    let mut points = vec![PlacedPoint::default(); size];
    let mut distances = vec![0.0f64; size];
    let has_codes = |v: usize| entries.iter().any(|(_, e)| e.lsoa[v].is_some());
    let mut codes: [Vec<u32>; 2] = [0, 1].map(|v| if has_codes(v) { vec![NONE; size] } else { Vec::new() });
    for ((postcode, entry), placement) in entries.iter().zip(placements) {
        let mut slot = slot_of(postcode.bits(), bits);
        while keys[slot] != 0 {
            slot = (slot + 1) & (size - 1);
        }
        keys[slot] = postcode.bits();
        points[slot] = PlacedPoint::new(entry, *placement);
        if let Some(Placement::Nearest { distance_m, .. }) = placement {
            distances[slot] = *distance_m;
        }
        for (v, column) in codes.iter_mut().enumerate() {
            if let Some(cell) = column.get_mut(slot) {
                *cell = entry.lsoa[v].unwrap_or(NONE);
            }
        }
    }
    let [lsoa11, lsoa21] = codes;
    vec![
        bytemuck::cast_slice(&keys).to_vec(),
        bytemuck::cast_slice(&points).to_vec(),
        bytemuck::cast_slice(&distances).to_vec(),
        bytemuck::cast_slice(&lsoa11).to_vec(),
        bytemuck::cast_slice(&lsoa21).to_vec(),
    ]
}

/// A hint that `value` will soon be read (no effect but speed; none on other processors).
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it reads nothing and cannot fault.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The slot of a postcode key in a hash table of `1 << bits` slots (Fibonacci hashing).
pub fn slot_of(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of `entries` mapped as a store maps them (anonymous memory stands in for the file).
    fn table(entries: &[(Postcode, PostcodeEntry)], placements: &[Option<Placement>]) -> PreparedPostcodes {
        let mut bytes = Vec::new();
        let mut columns: [Range<usize>; 5] = Default::default();
        for (range, column) in columns.iter_mut().zip(postcode_columns(entries, placements)) {
            *range = bytes.len()..bytes.len() + column.len();
            bytes.extend(&column);
            bytes.resize(bytes.len().next_multiple_of(8), 0);
        }
        let mut map = memmap2::MmapMut::map_anon(bytes.len().max(1)).unwrap();
        map[..bytes.len()].copy_from_slice(&bytes);
        let map = Arc::new(map.make_read_only().unwrap());
        PreparedPostcodes { map, columns, postcodes: entries.len(), max_distance_m: 1000.0 }
    }

    #[test]
    fn every_postcode_is_found_with_its_entry_and_placement_and_others_are_not() {
        let mut placed = Vec::new();
        for i in 0..20_000u32 {
            let text = format!(
                "W{}{} {}{}{}",
                i % 90 + 1,
                "",
                i % 10,
                (b'A' + (i / 10 % 26) as u8) as char,
                (b'A' + (i / 260 % 26) as u8) as char
            );
            let Some(postcode) = Postcode::parse(&text) else { continue };
            let location = (i % 7 != 0).then_some(Coord { x: 400_000.0 + i as f64, y: 250_000.5 });
            let country = [None, Some(Country::England), Some(Country::Scotland)][i as usize % 3];
            let lsoa = [Some(i), (i % 5 != 0).then_some(i / 2)];
            let placement = location.map(|_| match i % 3 {
                0 => Placement::Within { area: i },
                1 => Placement::Nearest { area: i + 1, distance_m: i as f64 / 8.0 },
                _ => Placement::Outside,
            });
            placed.push((postcode, PostcodeEntry { location, country, lsoa }, placement));
        }
        placed.sort_by_key(|(p, _, _)| *p);
        placed.dedup_by_key(|(p, _, _)| *p);
        let entries: Vec<(Postcode, PostcodeEntry)> = placed.iter().map(|(p, e, _)| (*p, *e)).collect();
        let placements: Vec<Option<Placement>> = placed.iter().map(|(_, _, p)| *p).collect();
        let prepared = table(&entries, &placements);
        assert!(entries.len() > 15_000, "{}", entries.len());
        for ((postcode, entry), placement) in entries.iter().zip(&placements) {
            let id = prepared.find(postcode).expect("every postcode is found");
            assert_eq!(prepared.entry(id), Some(*entry));
            assert_eq!(prepared.placement(id), *placement);
        }
        assert_eq!(prepared.entries(), entries, "entries come back in key order");
        for absent in ["ZZ99 3VZ", "W1 9ZZ", "AB1 0AA"] {
            assert_eq!(prepared.find(&Postcode::parse(absent).unwrap()), None, "{absent}");
        }
    }
}
