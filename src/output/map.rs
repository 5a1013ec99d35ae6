//! Static choropleth maps: areas coloured by class, legend, title, scale bar, sites, outline and attribution, as SVG (and PNG through resvg).

use std::fmt::Write as _;
use std::path::Path;

use geo::{BoundingRect, Coord, MultiPolygon, Rect};
use svg::node::element::{Circle, Definitions, Group, Line, Path as SvgPath, Pattern, Rectangle, Text, Title};
use svg::Document;

use crate::error::{Error, Location, Result};
use crate::io::atomic::write_file;
use crate::output::classes::Classes;

/// How an area is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    Class(usize),
    Suppressed,
    NoData,
}

/// One area to draw: its code and polygons (BNG metres) and fill.
pub struct MapArea {
    pub code: String,
    pub geometry: MultiPolygon<f64>,
    pub fill: Fill,
    /// Its name, written on the map where it fits (MSOAs); `None` for none.
    pub label: Option<String>,
}

/// A labelled point (a hospital site).
pub struct MapSite {
    pub label: String,
    pub location: Coord<f64>,
}

/// A ranked area (a target neighbourhood): numbered on the map, named in the key.
pub struct RankedArea {
    pub rank: u32,
    pub name: String,
    /// A point inside the area (BNG metres).
    pub point: Coord<f64>,
}

/// Everything on a map.
pub struct MapSpec {
    pub title: String,
    pub subtitle: Option<String>,
    /// The legend's heading: what the classes count, with the unit.
    pub unit: String,
    pub areas: Vec<MapArea>,
    pub classes: Classes,
    pub sites: Vec<MapSite>,
    /// The outline of the mapped areas (e.g. the community), as line segments.
    pub outline: Vec<(Coord<f64>, Coord<f64>)>,
    /// The outline's line in the legend ("boundary: …").
    pub outline_label: Option<String>,
    /// The legend's words for an area without a value ("no data", "not a target").
    pub no_data: String,
    /// The top targets, numbered on the map and named in the legend's key.
    pub ranked: Vec<RankedArea>,
    /// The part of the map to show (BNG metres).
    pub extent: Rect<f64>,
    pub attribution: Vec<String>,
}

/// The attribution the reference data's licences ask for.
pub const ATTRIBUTION: [&str; 3] = [
    "Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data © Royal Mail copyright and database right 2025.",
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains National Statistics data © Crown copyright and database right 2025.",
    "English Indices of Deprivation: Ministry of Housing, Communities and Local Government, Open Government Licence v3.0.",
];

const WIDTH: f64 = 1000.0;
const MAP_WIDTH: f64 = 720.0;
const MARGIN: f64 = 20.0;
/// Characters of a title line (22 px bold) and of a legend line (12 px; less for its bold heading) that fit.
const TITLE_CHARS: usize = 62;
const LEGEND_CHARS: usize = 34;
/// DejaVu Sans (embedded, so PNGs always have it) first; the others for SVGs opened elsewhere.
const FONT: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";
const NO_DATA: &str = "#e8e8e8";
/// Sites are labelled on the map only when there are at most this many in view.
const MAX_SITE_LABELS: usize = 15;

/// Places BNG metres on the page.
struct Frame {
    min: Coord<f64>,
    max_y: f64,
    scale: f64,
    /// The top of the map on the page (below the title).
    top: f64,
    height: f64,
}

impl Frame {
    fn x(&self, x: f64) -> f64 {
        MARGIN + (x - self.min.x) * self.scale
    }
    fn y(&self, y: f64) -> f64 {
        self.top + (self.max_y - y) * self.scale
    }
    fn contains(&self, x: f64, y: f64) -> bool {
        (MARGIN..=MARGIN + MAP_WIDTH).contains(&x) && (self.top..=self.top + self.height).contains(&y)
    }
}

/// Words wrapped into lines of at most `width` characters (a longer word on a line of its own).
///
/// ```
/// # use anchormap::output::map::wrap;
/// assert_eq!(wrap("Staff per 1,000 working-age residents", 20), ["Staff per 1,000", "working-age", "residents"]);
/// ```
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

impl MapSpec {
    /// The map as an SVG document.
    pub fn to_svg(&self) -> String {
        let span = Coord { x: self.extent.width().max(1.0), y: self.extent.height().max(1.0) };
        let scale = (MAP_WIDTH / span.x).min(900.0 / span.y);
        let title = wrap(&self.title, TITLE_CHARS);
        let top = 44.0 + 26.0 * title.len() as f64 + if self.subtitle.is_some() { 12.0 } else { 0.0 };
        let frame = Frame { min: self.extent.min(), max_y: self.extent.max().y, scale, top, height: span.y * scale };
        let (legend, legend_height) = self.legend(MARGIN + MAP_WIDTH + 24.0, top);
        let body = frame.height.max(legend_height);
        let height = top + body + 52.0 + 16.0 * self.attribution.len() as f64 + MARGIN;
        let clip = format!("M{},{}h{}v{}h{}z", MARGIN, top, MAP_WIDTH, frame.height, -MAP_WIDTH);
        let mut document = self.page(height, &title).add(
            Definitions::new()
                .add(svg::node::element::ClipPath::new().set("id", "map-clip").add(SvgPath::new().set("d", clip))),
        );
        document = document.add(self.areas_drawn(&frame));
        if let Some(outline) = self.outline_drawn(&frame) {
            document = document.add(outline);
        }
        // Sites first (a site named is context every reader needs), then the target discs clear of
        // them, then the areas' names where room is left.
        let mut taken: Vec<[f64; 4]> = Vec::new();
        let sites = self.sites_drawn(&frame, &mut taken);
        let badges = self.ranked_drawn(&frame, &mut taken);
        let names = self.area_labels_drawn(&frame, &mut taken);
        document
            .add(names)
            .add(badges)
            .add(sites)
            .add(scale_bar(&frame, span.x))
            .add(north_arrow(&frame))
            .add(legend)
            .add(self.credits(top + body + 52.0))
            .to_string()
    }

    /// The areas' names (MSOAs), each at a point inside its area where the name is no wider than
    /// the area and overlaps no other label or target disc; larger areas first. The rest are
    /// named on hover in the report.
    fn area_labels_drawn(&self, frame: &Frame, taken: &mut Vec<[f64; 4]>) -> Group {
        use geo::{Area as _, InteriorPoint};
        let mut labelled: Vec<(&MapArea, &str)> =
            self.areas.iter().filter_map(|a| Some((a, a.label.as_deref()?))).collect();
        labelled.sort_by(|a, b| b.0.geometry.unsigned_area().total_cmp(&a.0.geometry.unsigned_area()));
        let overlaps = |a: &[f64; 4], b: &[f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        let mut group = Group::new().set("class", "area-labels");
        for (area, label) in labelled {
            let (Some(point), Some(bounds)) = (area.geometry.interior_point(), area.geometry.bounding_rect()) else {
                continue;
            };
            let (x, y) = (frame.x(point.x()), frame.y(point.y()));
            let width = label.chars().count() as f64 * 5.8;
            let rect = [x - width / 2.0, y - 8.0, x + width / 2.0, y + 3.0];
            let fits = width <= bounds.width() * frame.scale * 1.1
                && frame.contains(rect[0], rect[1])
                && frame.contains(rect[2], rect[3])
                && taken.iter().all(|t| !overlaps(&rect, t));
            if fits {
                taken.push(rect);
                group = group.add(
                    text(x, y, 10.0, "normal", label)
                        .set("class", "area-label")
                        .set("text-anchor", "middle")
                        .set("fill", "#212b32")
                        .set("stroke", "#ffffff")
                        .set("stroke-width", 2.5)
                        .set("paint-order", "stroke"),
                );
            }
        }
        group
    }

    /// The top targets: a numbered disc on each, moved aside with a leader line where it would
    /// overlap another disc or a site's marker or label; the boxes they take added to `taken`.
    fn ranked_drawn(&self, frame: &Frame, taken: &mut Vec<[f64; 4]>) -> Group {
        const R: f64 = 8.0;
        let mut group = Group::new().set("class", "targets");
        let overlaps = |a: &[f64; 4], b: &[f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        for target in &self.ranked {
            let (x, y) = (frame.x(target.point.x), frame.y(target.point.y));
            if !frame.contains(x, y) {
                continue;
            }
            let offsets = std::iter::once((0.0, 0.0)).chain((1..=4).flat_map(|ring| {
                (0..8).map(move |k| {
                    let angle = std::f64::consts::FRAC_PI_4 * k as f64 - std::f64::consts::FRAC_PI_2;
                    (angle.cos() * 19.0 * ring as f64, angle.sin() * 19.0 * ring as f64)
                })
            }));
            let free = offsets.map(|(dx, dy)| (x + dx, y + dy)).find(|(cx, cy)| {
                let rect = [cx - R, cy - R, cx + R, cy + R];
                frame.contains(rect[0], rect[1])
                    && frame.contains(rect[2], rect[3])
                    && taken.iter().all(|t| !overlaps(&rect, t))
            });
            let (cx, cy) = free.unwrap_or((x, y));
            if (cx, cy) != (x, y) {
                group = group.add(
                    Line::new()
                        .set("x1", round1(x))
                        .set("y1", round1(y))
                        .set("x2", round1(cx))
                        .set("y2", round1(cy))
                        .set("stroke", "#212b32")
                        .set("stroke-width", 1),
                );
            }
            taken.push([cx - R, cy - R, cx + R, cy + R]);
            group = group.add(rank_disc(cx, cy, R, target));
        }
        group
    }

    /// The page: size, font, the hatching for suppressed areas, background, title and subtitle.
    fn page(&self, height: f64, title: &[String]) -> Document {
        let hatching = hatching("suppressed");
        let document = Document::new()
            .set("xmlns", "http://www.w3.org/2000/svg")
            .set("viewBox", (0, 0, WIDTH as i64, height.ceil() as i64))
            .set("width", WIDTH as i64)
            .set("height", height.ceil() as i64)
            .set("font-family", FONT)
            .set("role", "img")
            .set("aria-label", self.title.clone())
            .add(Title::new(self.title.clone()))
            .add(Definitions::new().add(hatching))
            .add(Rectangle::new().set("width", "100%").set("height", "100%").set("fill", "#ffffff"));
        let mut heading = Text::new("")
            .set("class", "title")
            .set("x", MARGIN)
            .set("y", 32)
            .set("font-size", 22)
            .set("font-weight", "bold");
        for (i, line) in title.iter().enumerate() {
            heading = heading.add(
                svg::node::element::TSpan::new(line.as_str()).set("x", MARGIN).set("dy", if i == 0 { 0 } else { 26 }),
            );
        }
        let document = document.add(heading);
        let y = 32.0 + 26.0 * title.len().saturating_sub(1) as f64 + 22.0;
        match &self.subtitle {
            Some(subtitle) => document.add(text(MARGIN, y, 13.0, "normal", subtitle).set("fill", "#4c6272")),
            None => document,
        }
    }

    /// The areas, one group per class (fill set once), one path per area.
    fn areas_drawn(&self, frame: &Frame) -> Group {
        // Thin white borders when areas are few enough to see them; otherwise each area is
        // outlined in its own colour, which closes the anti-aliasing seams between neighbours.
        let many = self.areas.len() > 3000;
        let mut groups: Vec<(String, String, Vec<&MapArea>)> = self
            .classes
            .entries
            .iter()
            .enumerate()
            .map(|(i, (_, colour))| (format!("class-{}", i + 1), colour.clone(), Vec::new()))
            .collect();
        groups.push(("suppressed".to_string(), "url(#suppressed)".to_string(), Vec::new()));
        groups.push(("no-data".to_string(), NO_DATA.to_string(), Vec::new()));
        let n = self.classes.entries.len();
        for area in &self.areas {
            let slot = match area.fill {
                Fill::Class(c) => c.min(n - 1),
                Fill::Suppressed => n,
                Fill::NoData => n + 1,
            };
            groups[slot].2.push(area);
        }
        let mut areas = Group::new().set("class", "areas").set("clip-path", "url(#map-clip)");
        for (class, fill, members) in groups.into_iter().filter(|g| !g.2.is_empty()) {
            let stroke = match (many, fill.starts_with('#')) {
                (false, _) => "#ffffff".to_string(),
                (true, true) => fill.clone(),
                (true, false) => "none".to_string(),
            };
            let mut group = Group::new()
                .set("class", class)
                .set("fill", fill)
                .set("stroke", stroke)
                .set("stroke-width", if many { 0.3 } else { 0.6 });
            for area in members {
                group = group
                    .add(SvgPath::new().set("d", path_data(&area.geometry, frame)).set("data-code", area.code.clone()));
            }
            areas = areas.add(group);
        }
        areas
    }

    /// The outline of the mapped areas, if there is one.
    fn outline_drawn(&self, frame: &Frame) -> Option<SvgPath> {
        if self.outline.is_empty() {
            return None;
        }
        let mut d = String::new();
        for (a, b) in &self.outline {
            let _ = write!(d, "M{:.1},{:.1}L{:.1},{:.1}", frame.x(a.x), frame.y(a.y), frame.x(b.x), frame.y(b.y));
        }
        Some(
            SvgPath::new()
                .set("class", "outline")
                .set("d", d)
                .set("fill", "none")
                .set("stroke", "#212b32")
                .set("stroke-width", 1.2)
                .set("clip-path", "url(#map-clip)"),
        )
    }

    /// Sites in view: markers, labelled when few enough to read.
    fn sites_drawn(&self, frame: &Frame, taken: &mut Vec<[f64; 4]>) -> Group {
        let in_view: Vec<(f64, f64, &MapSite)> = self
            .sites
            .iter()
            .map(|site| (frame.x(site.location.x), frame.y(site.location.y), site))
            .filter(|(x, y, _)| frame.contains(*x, *y))
            .collect();
        let labelled = in_view.len() <= MAX_SITE_LABELS;
        let placed = if labelled { place_labels(&in_view, taken) } else { vec![None; in_view.len()] };
        let mut sites = Group::new().set("class", "sites");
        for ((x, y, site), place) in in_view.iter().zip(placed) {
            let marker = Circle::new()
                .set("cx", round1(*x))
                .set("cy", round1(*y))
                .set("r", if labelled { 5.0 } else { 3.5 })
                .set("fill", "#005eb8")
                .set("stroke", "#ffffff")
                .set("stroke-width", 1.2)
                .add(Title::new(site.label.clone()));
            sites = sites.add(marker);
            if let Some((lx, ly, anchor)) = place {
                sites = sites.add(
                    text(lx, ly, 12.0, "bold", &site.label)
                        .set("text-anchor", anchor)
                        .set("fill", "#212b32")
                        .set("stroke", "#ffffff")
                        .set("stroke-width", 3)
                        .set("paint-order", "stroke"),
                );
            }
        }
        sites
    }

    /// The attribution lines, from `y` down.
    fn credits(&self, mut y: f64) -> Group {
        let mut credits = Group::new().set("class", "attribution");
        for line in &self.attribution {
            credits = credits.add(text(MARGIN, y, 10.0, "normal", line).set("fill", "#4c6272"));
            y += 16.0;
        }
        credits
    }

    /// The legend from `(x, y)` down, and its height: the unit, the classes, suppressed and
    /// missing areas, what the colours mean, the boundary and sites, the palette, the top targets.
    fn legend(&self, x: f64, y: f64) -> (Group, f64) {
        let mut legend = Group::new().set("class", "legend");
        let mut row = y + 12.0;
        for line in wrap(&self.unit, LEGEND_CHARS - 6) {
            legend = legend.add(text(x, row, 12.0, "bold", &line).set("class", "legend-unit"));
            row += 16.0;
        }
        row -= 4.0;
        let present = |fill: Fill| self.areas.iter().any(|a| a.fill == fill);
        let mut swatches: Vec<(&str, &str, String)> = (self.classes.entries.iter().enumerate())
            .filter(|_| self.classes.sections.is_empty())
            .map(|(i, (label, colour))| (label.as_str(), colour.as_str(), format!("class-{}", i + 1)))
            .collect();
        for section in &self.classes.sections {
            let (part, height) = self.legend_section(section, x, row + 6.0);
            legend = legend.add(part);
            row += 6.0 + height;
        }
        if present(Fill::Suppressed) {
            swatches.push(("suppressed (small count)", "url(#suppressed)", "suppressed".into()));
        }
        if present(Fill::NoData) {
            swatches.push((self.no_data.as_str(), NO_DATA, "no-data".into()));
        }
        for (label, fill, class) in swatches {
            legend = legend
                .add(swatch(x, row, fill))
                .add(text(x + 26.0, row + 12.0, 12.0, "normal", label).set("class", format!("legend-entry {class}")));
            row += 22.0;
        }
        let mut notes: Vec<String> = self.classes.notes.clone();
        let palettes = match self.classes.sections.as_slice() {
            [] => self.classes.palette.to_string(),
            sections => {
                let each: Vec<String> = sections
                    .iter()
                    .map(|s| format!("{} ({})", s.palette, s.heading.split(':').next().unwrap_or("")))
                    .collect();
                each.join(", ")
            }
        };
        notes.push(format!("Colours: ColorBrewer {palettes} (colour-blind safe)"));
        for line in notes.iter().flat_map(|n| wrap(n, LEGEND_CHARS + 4)) {
            legend = legend
                .add(text(x, row + 12.0, 11.0, "normal", &line).set("fill", "#4c6272").set("class", "legend-note"));
            row += 15.0;
        }
        row += 8.0;
        let (keys, height) = self.keys(x, row);
        (legend.add(keys), row + height - y)
    }

    /// One scale of a legend of several (a nation's own index), from `(x, y)` down, and its
    /// height: its heading, its classes as a row of swatches, darkest (1, most deprived) on the
    /// left, each named on hover, and the ends in words.
    fn legend_section(&self, section: &crate::output::classes::LegendSection, x: f64, y: f64) -> (Group, f64) {
        const STEP: f64 = 20.0;
        let mut group = Group::new().set("class", "legend-scale");
        let mut row = y + 12.0;
        for line in wrap(&section.heading, LEGEND_CHARS - 4) {
            group = group.add(text(x, row, 12.0, "bold", &line).set("class", "legend-section"));
            row += 15.0;
        }
        row -= 9.0;
        let classes = section.classes.clone();
        let count = classes.len();
        for (k, i) in classes.enumerate() {
            let (label, colour) = &self.classes.entries[i];
            let swatch = swatch(x + STEP * k as f64, row, colour)
                .set("class", format!("legend-swatch class-{}", i + 1))
                .add(Title::new(label.clone()));
            group = group.add(swatch);
        }
        let right = x + STEP * (count as f64 - 1.0) + 18.0;
        group = group.add(text(x, row + 27.0, 11.0, "normal", "1 = most deprived").set("class", "legend-entry")).add(
            text(right, row + 27.0, 11.0, "normal", &format!("{count} = least"))
                .set("text-anchor", "end")
                .set("class", "legend-entry"),
        );
        (group, row + 34.0 - y)
    }

    /// The boundary, the sites and the numbered targets, in the legend from `(x, y)` down, and their height.
    fn keys(&self, x: f64, y: f64) -> (Group, f64) {
        let mut keys = Group::new().set("class", "keys");
        let mut row = y;
        if let (Some(label), false) = (&self.outline_label, self.outline.is_empty()) {
            let line = Line::new().set("x1", x).set("x2", x + 18.0).set("y1", row + 7.0).set("y2", row + 7.0);
            keys = keys.add(line.set("stroke", "#212b32").set("stroke-width", 1.6));
            for part in wrap(label, LEGEND_CHARS - 4) {
                keys = keys.add(text(x + 26.0, row + 11.0, 12.0, "normal", &part).set("class", "outline-key"));
                row += 15.0;
            }
            row += 7.0;
        }
        if !self.sites.is_empty() {
            keys = keys
                .add(Circle::new().set("cx", x + 9.0).set("cy", row + 7.0).set("r", 5).set("fill", "#005eb8"))
                .add(text(x + 26.0, row + 11.0, 12.0, "normal", "hospital site"));
            row += 22.0;
        }
        if !self.ranked.is_empty() {
            keys = keys.add(text(x, row + 12.0, 12.0, "bold", "Top targets (rank, neighbourhood)"));
            row += 20.0;
            for target in &self.ranked {
                keys = keys.add(rank_disc(x + 8.0, row + 7.0, 8.0, target));
                for (i, part) in wrap(&target.name, LEGEND_CHARS - 4).iter().enumerate() {
                    keys = keys.add(
                        text(x + 24.0, row + 11.0 + 14.0 * i as f64, 11.0, "normal", part).set("class", "target-key"),
                    );
                    row += if i == 0 { 0.0 } else { 14.0 };
                }
                row += 20.0;
            }
        }
        (keys, row - y)
    }

    /// Writes SVG or PNG, by the file's extension.
    pub fn write(&self, path: &Path) -> Result<()> {
        let svg = self.to_svg();
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => write_file(path, svg.as_bytes()),
            Some("png") => write_file(path, &render_png(&svg, path)?),
            _ => Err(Error::invalid(Location::file(path), "the map's file name must end in .svg or .png")),
        }
    }
}

/// DejaVu Sans, regular and bold, built into the binary (licence in `fonts/LICENSE-DejaVu.txt`):
/// the only fonts PNG maps are drawn with, so that their text is the same on every machine,
/// with or without fonts of its own (a minimal server, a locked-down Windows laptop).
const EMBEDDED_FONTS: [&[u8]; 2] =
    [include_bytes!("../../fonts/DejaVuSans.ttf"), include_bytes!("../../fonts/DejaVuSans-Bold.ttf")];

/// The family of the embedded fonts: first in [`FONT`], and what any other family falls back to.
const EMBEDDED_FAMILY: &str = "DejaVu Sans";

/// Rendering options whose font database holds the embedded fonts alone.
fn render_options() -> resvg::usvg::Options<'static> {
    use resvg::usvg::{fontdb, Options};
    let mut options = Options::default();
    let fontdb = options.fontdb_mut();
    for font in EMBEDDED_FONTS {
        fontdb.load_font_source(fontdb::Source::Binary(std::sync::Arc::new(font)));
    }
    // usvg falls back to `serif` when no family in the list is found.
    fontdb.set_sans_serif_family(EMBEDDED_FAMILY);
    fontdb.set_serif_family(EMBEDDED_FAMILY);
    options.font_family = EMBEDDED_FAMILY.to_string();
    options
}

/// Rasterises an SVG at twice its size (for print), with the embedded fonts.
pub fn render_png(svg: &str, path: &Path) -> Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let options = render_options();
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| Error::invalid(Location::file(path), format!("cannot render the map: {e}")))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width() * 2, size.height() * 2)
        .ok_or_else(|| Error::invalid(Location::file(path), "the map is too large to render"))?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(2.0, 2.0), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| Error::invalid(Location::file(path), format!("cannot encode the PNG: {e}")))
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn text(x: f64, y: f64, size: f64, weight: &str, content: &str) -> Text {
    Text::new(content).set("x", round1(x)).set("y", round1(y)).set("font-size", size).set("font-weight", weight)
}

/// Path data for a multipolygon (even-odd holes by ring direction), 0.1 px precision.
fn path_data(geometry: &MultiPolygon<f64>, frame: &Frame) -> String {
    let mut d = String::new();
    for polygon in geometry {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let mut last = (i64::MIN, i64::MIN);
            for (i, c) in ring.0.iter().enumerate() {
                let p = ((frame.x(c.x) * 10.0).round() as i64, (frame.y(c.y) * 10.0).round() as i64);
                if p == last {
                    continue;
                }
                let _ = write!(d, "{}{}", if i == 0 { 'M' } else { 'L' }, tenths(p.0));
                let _ = write!(d, ",{}", tenths(p.1));
                last = p;
            }
            d.push('Z');
        }
    }
    d
}

fn tenths(v: i64) -> String {
    if v % 10 == 0 {
        (v / 10).to_string()
    } else {
        format!("{:.1}", v as f64 / 10.0)
    }
}

/// A scale bar of a round length, about a fifth of the map's width, under its bottom left: a
/// black and white bar from 0 to the length, labelled at both ends.
fn scale_bar(frame: &Frame, span_m: f64) -> Group {
    let target = span_m / 5.0;
    let magnitude = 10f64.powf(target.log10().floor());
    let length = [1.0, 2.0, 5.0, 10.0].iter().map(|f| f * magnitude).rfind(|l| *l <= target).unwrap_or(magnitude);
    let px = length * frame.scale;
    let (x, y) = (MARGIN, frame.top + frame.height + 10.0);
    let label =
        if length >= 1000.0 { format!("{} km", legend_number_plain(length / 1000.0)) } else { format!("{} m", length) };
    let half = |from: f64, fill: &str| {
        Rectangle::new()
            .set("x", round1(from))
            .set("y", round1(y))
            .set("width", round1(px / 2.0))
            .set("height", 6)
            .set("fill", fill.to_string())
            .set("stroke", "#212b32")
            .set("stroke-width", 0.8)
    };
    Group::new()
        .set("class", "scale-bar")
        .add(half(x, "#212b32"))
        .add(half(x + px / 2.0, "#ffffff"))
        .add(text(x, y + 20.0, 11.0, "normal", "0").set("text-anchor", "middle"))
        .add(text(x + px, y + 20.0, 11.0, "normal", &label).set("text-anchor", "middle"))
}

/// A north arrow (the map is drawn on the British National Grid, grid north up) at the top right of the map.
fn north_arrow(frame: &Frame) -> Group {
    let (x, y) = (MARGIN + MAP_WIDTH - 16.0, frame.top + 6.0);
    let arrow = format!("M{x},{y}l8,26l-8,-6l-8,6z", x = round1(x), y = round1(y + 14.0));
    Group::new()
        .set("class", "north-arrow")
        .add(text(x, y + 11.0, 13.0, "bold", "N").set("text-anchor", "middle"))
        .add(SvgPath::new().set("d", arrow).set("fill", "#212b32").set("stroke", "#ffffff").set("stroke-width", 1))
}

/// A legend swatch at `(x, y)`.
fn swatch(x: f64, y: f64, fill: &str) -> Rectangle {
    Rectangle::new()
        .set("x", x)
        .set("y", y)
        .set("width", 18)
        .set("height", 14)
        .set("fill", fill)
        .set("stroke", "#768692")
        .set("stroke-width", 0.5)
}

/// A target's rank in a dark disc, its name on hover.
fn rank_disc(x: f64, y: f64, r: f64, target: &RankedArea) -> Group {
    Group::new()
        .set("class", "target-label")
        .add(Title::new(format!("{}. {}", target.rank, target.name)))
        .add(
            Circle::new()
                .set("cx", round1(x))
                .set("cy", round1(y))
                .set("r", r)
                .set("fill", "#212b32")
                .set("stroke", "#ffffff")
                .set("stroke-width", 1.2),
        )
        .add(
            text(x, y + 3.5, if target.rank >= 10 { 8.5 } else { 10.0 }, "bold", &target.rank.to_string())
                .set("text-anchor", "middle")
                .set("fill", "#ffffff"),
        )
}

fn legend_number_plain(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The extent of some areas, padded by 3% on each side.
pub fn extent_of<'a>(areas: impl Iterator<Item = &'a MultiPolygon<f64>>) -> Option<Rect<f64>> {
    let mut bounds: Option<Rect<f64>> = None;
    for rect in areas.filter_map(|a| a.bounding_rect()) {
        bounds = Some(match bounds {
            None => rect,
            Some(b) => Rect::new(
                Coord { x: b.min().x.min(rect.min().x), y: b.min().y.min(rect.min().y) },
                Coord { x: b.max().x.max(rect.max().x), y: b.max().y.max(rect.max().y) },
            ),
        });
    }
    bounds.map(|b| {
        let pad = b.width().max(b.height()) * 0.03;
        Rect::new(Coord { x: b.min().x - pad, y: b.min().y - pad }, Coord { x: b.max().x + pad, y: b.max().y + pad })
    })
}

/// The edges of these areas that no two of them share: their outline.
pub fn outline_of<'a>(areas: impl Iterator<Item = &'a MultiPolygon<f64>>) -> Vec<(Coord<f64>, Coord<f64>)> {
    use rustc_hash::FxHashMap;
    let key = |c: Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    type EdgeKey = ((u64, u64), (u64, u64));
    let mut count: FxHashMap<EdgeKey, (usize, Coord<f64>, Coord<f64>)> = FxHashMap::default();
    for area in areas {
        for polygon in area {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for w in ring.0.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    let k = if key(a) <= key(b) { (key(a), key(b)) } else { (key(b), key(a)) };
                    count.entry(k).or_insert((0, a, b)).0 += 1;
                }
            }
        }
    }
    let mut edges: Vec<_> =
        count.into_iter().filter(|(_, (n, _, _))| *n == 1).map(|(k, (_, a, b))| (k, a, b)).collect();
    edges.sort_by_key(|(k, _, _)| *k);
    edges.into_iter().map(|(_, a, b)| (a, b)).collect()
}

/// Where each site's label goes, `(x, y, text-anchor)`, or `None` where it would collide: tried
/// beside the marker (leftwards on the right half of the map, away from the legend), then on the
/// other side, above and below, within the map; a label overlapping a label already placed or
/// another marker is left out (its marker still names the site on hover).
fn place_labels(sites: &[(f64, f64, &MapSite)], taken: &mut Vec<[f64; 4]>) -> Vec<Option<(f64, f64, &'static str)>> {
    const HEIGHT: f64 = 14.0;
    let width = |label: &str| label.chars().count() as f64 * 7.4;
    taken.extend(sites.iter().map(|(x, y, _)| [x - 5.0, y - 5.0, x + 5.0, y + 5.0]));
    let overlaps = |a: &[f64; 4], b: &[f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    let mut placed = Vec::with_capacity(sites.len());
    for (x, y, site) in sites {
        let w = width(&site.label);
        let right = (x + 8.0, y + 4.0, "start", [x + 8.0, y - 9.0, x + 8.0 + w, y + 5.0]);
        let left = (x - 8.0, y + 4.0, "end", [x - 8.0 - w, y - 9.0, x - 8.0, y + 5.0]);
        let above = (*x, y - 9.0, "middle", [x - w / 2.0, y - 9.0 - HEIGHT, x + w / 2.0, y - 9.0]);
        let below = (*x, y + 19.0, "middle", [x - w / 2.0, y + 19.0 - HEIGHT + 4.0, x + w / 2.0, y + 23.0]);
        let order =
            if *x > MARGIN + MAP_WIDTH / 2.0 { [left, right, above, below] } else { [right, left, above, below] };
        let inside = |rect: &[f64; 4]| rect[0] >= MARGIN && rect[2] <= MARGIN + MAP_WIDTH;
        let free =
            order.into_iter().find(|(_, _, _, rect)| inside(rect) && taken.iter().all(|other| !overlaps(rect, other)));
        placed.push(free.map(|(lx, ly, anchor, rect)| {
            taken.push(rect);
            (lx, ly, anchor)
        }));
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use resvg::usvg::fontdb::{Family, Query, Weight};

    /// Dark pixels in a PNG of one line of text, drawn as the maps draw theirs.
    fn dark_pixels(family: &str, weight: &str) -> usize {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40"><rect width="240" height="40" fill="white"/><text x="10" y="28" font-family="{family}" font-size="20" font-weight="{weight}">Anchorshire £ ©</text></svg>"#
        );
        let png = render_png(&svg, Path::new("label.png")).unwrap();
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        pixmap.pixels().iter().filter(|p| p.red() < 128).count()
    }

    #[test]
    fn the_embedded_fonts_are_regular_and_bold_dejavu_sans() {
        let options = render_options();
        assert!(FONT.starts_with(EMBEDDED_FAMILY));
        for (families, weight) in [
            (&[Family::Name(EMBEDDED_FAMILY)][..], Weight::NORMAL),
            (&[Family::Name(EMBEDDED_FAMILY)][..], Weight::BOLD),
            (&[Family::SansSerif][..], Weight::NORMAL),
        ] {
            let id = options.fontdb.query(&Query { families, weight, ..Query::default() }).unwrap();
            let face = options.fontdb.face(id).unwrap();
            assert_eq!(face.families[0].0, EMBEDDED_FAMILY);
            assert_eq!(face.weight, weight);
        }
        assert_eq!(options.fontdb.len(), 2, "no system fonts: the same PNG on every machine");
    }

    #[test]
    fn png_text_is_drawn_without_system_fonts() {
        let regular = dark_pixels(FONT, "normal");
        assert!(regular > 300, "{regular} dark pixels: the label was not drawn");
        let bold = dark_pixels(FONT, "bold");
        assert!(bold > regular * 6 / 5, "bold {bold} against regular {regular}: bold is not the bold face");
        // A family the machine may lack falls back to the embedded one rather than to nothing.
        assert_eq!(dark_pixels("No Such Font", "normal"), regular);
    }
}

/// The hatching that marks a suppressed value, as an SVG pattern with this `id` (maps and charts).
pub fn hatching(id: &str) -> Pattern {
    Pattern::new()
        .set("id", id)
        .set("width", 6)
        .set("height", 6)
        .set("patternUnits", "userSpaceOnUse")
        .set("patternTransform", "rotate(45)")
        .add(Rectangle::new().set("width", 6).set("height", 6).set("fill", "#f2f2f2"))
        .add(
            Line::new()
                .set("x1", 0)
                .set("y1", 0)
                .set("x2", 0)
                .set("y2", 6)
                .set("stroke", "#8c8c8c")
                .set("stroke-width", 2),
        )
}
