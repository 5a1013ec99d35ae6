//! `Classes`: how map values become coloured classes — IMD deciles, diverging around a centre, or sequential quantiles — with colour-blind-safe schemes.

/// A value's class on a map: the class index, or why it has none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MapValue {
    Value(f64),
    /// A count withheld by disclosure control (`*`): drawn as suppressed, never as zero.
    Suppressed,
    NoData,
}

impl MapValue {
    /// From a GeoJSON property: a number, a numeric string, `*`, or anything else (no data).
    /// A published CSV cell: a number, `*` (suppressed) or anything else (no data).
    pub fn from_text(text: &str) -> MapValue {
        MapValue::from_json(Some(&serde_json::Value::String(text.to_string())))
    }

    pub fn from_json(value: Option<&serde_json::Value>) -> MapValue {
        match value {
            Some(serde_json::Value::Number(n)) => n.as_f64().map_or(MapValue::NoData, MapValue::Value),
            Some(serde_json::Value::String(s)) if s.trim() == "*" => MapValue::Suppressed,
            Some(serde_json::Value::String(s)) => {
                s.trim().parse::<f64>().ok().filter(|v| v.is_finite()).map_or(MapValue::NoData, MapValue::Value)
            }
            _ => MapValue::NoData,
        }
    }
}

/// The kind of classification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scheme {
    /// National deciles 1-10, decile 1 (most deprived) darkest.
    Deciles,
    /// Classes either side of a centre (a community rate, or 1 for a ratio).
    Diverging,
    /// Five quantile classes, low to high.
    Sequential,
}

/// The colour of "our" figure in a chart (staff, our appointments): the diverging scheme's purple.
pub const CHART_OURS: &str = "#542788";
/// The colour of what it is compared with (the community's residents): a neutral grey.
pub const CHART_COMPARED: &str = "#a6a6a6";
/// A magnitude beside another in a chart (a saving): the sequential scheme's red.
pub const CHART_MAGNITUDE: &str = "#e31a1c";

/// How a measure compared with the community reads: its centre, and which side means fewer staff
/// (or less use) than the community would give, "under-represented", drawn orange on every map.
#[derive(Debug, Clone)]
pub struct Divergence {
    pub centre: f64,
    /// What the centre is: "the community rate", "parity".
    pub centre_words: String,
    /// A value above the centre is under-represented (a shortfall), not over.
    pub high_is_under: bool,
    /// The two sides in words: (under, over).
    pub sides: (String, String),
    /// Breaks in whole numbers (people).
    pub whole: bool,
}

/// Ordered classes with their legend labels and colours.
#[derive(Debug, Clone)]
pub struct Classes {
    pub scheme: Scheme,
    /// Legend label and fill colour (`#rrggbb`) of each class.
    pub entries: Vec<(String, String)>,
    /// Upper bounds of all classes but the last (a value equal to a bound goes to the class above it).
    breaks: Vec<f64>,
    /// Lines under the legend (what the sides of a diverging scale mean, its centre).
    pub notes: Vec<String>,
    /// The ColorBrewer scheme (Cynthia Brewer, Mark Harrower and The Pennsylvania State University,
    /// through the colorous crate), each marked colour-blind safe; named under every map's legend
    /// and in METHOD.md ("Maps and charts: one colour language").
    pub palette: &'static str,
    /// The legend's parts, when the classes are several scales side by side (each nation's own
    /// deprivation index); empty for one scale.
    pub sections: Vec<LegendSection>,
}

/// One scale of a legend of several: its heading, its classes (`entries[classes]`) and palette.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendSection {
    /// "England: IMD 2025 decile".
    pub heading: String,
    pub classes: std::ops::Range<usize>,
    pub palette: &'static str,
}

/// Each nation's deciles on a palette of its own (ColorBrewer sequential, colour-blind safe), so
/// that no colour on a map across nations reads as the same decile of one pooled scale: England
/// YlGnBu as on every IMD map, Wales RdPu, Scotland YlOrBr.
const NATION_PALETTES: [(&str, &str, colorous::Gradient); 3] = [
    ("England", "YlGnBu", colorous::YELLOW_GREEN_BLUE),
    ("Wales", "RdPu", colorous::RED_PURPLE),
    ("Scotland", "YlOrBr", colorous::YELLOW_ORANGE_BROWN),
];

fn hex(color: colorous::Color) -> String {
    format!("#{color:x}")
}

/// A number for a legend: few significant figures, thousands separated.
pub fn legend_number(v: f64) -> String {
    let a = v.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    grouped(v, decimals)
}

/// `v` to `decimals` places, thousands separated.
fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A class break as a reader would round it: two significant figures, whole when `whole`.
///
/// ```
/// # use anchormap::output::classes::nice;
/// assert_eq!((nice(8.28, false), nice(33.12, false), nice(0.8333, false)), (8.3, 33.0, 0.83));
/// assert_eq!((nice(-28.7, true), nice(2.4, true), nice(1234.0, true)), (-29.0, 2.0, 1200.0));
/// ```
pub fn nice(v: f64, whole: bool) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return 0.0;
    }
    let step = 10f64.powf(v.abs().log10().floor() - 1.0);
    let rounded = (v / step).round() * step;
    // Through text, so that 0.83 is 0.83 and not 0.8300000000000001.
    let rounded: f64 = format!("{rounded:.6}").parse().unwrap_or(rounded);
    if whole {
        rounded.round()
    } else {
        rounded
    }
}

/// A nice break as text: no trailing zeros, thousands separated.
///
/// ```
/// # use anchormap::output::classes::break_text;
/// assert_eq!((break_text(8.3), break_text(11.0), break_text(1200.0), break_text(-0.05)), ("8.3".into(), "11".into(), "1,200".into(), "-0.05".into()));
/// ```
pub fn break_text(v: f64) -> String {
    let decimals = (0..=6).find(|d| (v * 10f64.powi(*d)).round() == v * 10f64.powi(*d)).unwrap_or(6) as usize;
    grouped(v, decimals)
}

/// The smallest of 1, 2, 5 × 10^k at least `v` (at least 1 when `whole`).
fn nice_up(v: f64, whole: bool) -> f64 {
    let v = if whole { v.max(1.0) } else { v.max(1e-9) };
    let magnitude = 10f64.powf(v.log10().floor());
    let up = [1.0, 2.0, 5.0, 10.0].iter().map(|f| f * magnitude).find(|s| *s >= v * 0.999_999).unwrap_or(v);
    format!("{up:.9}").parse().unwrap_or(up)
}

/// Labels for classes split at `breaks`: "under A", "A to B", …, "Z and over".
fn range_labels(breaks: &[f64]) -> Vec<String> {
    let mut labels = Vec::with_capacity(breaks.len() + 1);
    if let (Some(first), Some(last)) = (breaks.first(), breaks.last()) {
        labels.push(format!("under {}", break_text(*first)));
        for w in breaks.windows(2) {
            labels.push(format!("{} to {}", break_text(w[0]), break_text(w[1])));
        }
        labels.push(format!("{} and over", break_text(*last)));
    }
    labels
}

/// Breaks rounded as a reader would, strictly increasing.
fn rounded(breaks: &[f64], whole: bool) -> Vec<f64> {
    let mut out: Vec<f64> = breaks.iter().map(|b| nice(*b, whole)).collect();
    out.dedup_by(|b, a| *b <= *a);
    out
}

impl Classes {
    /// IMD deciles: ten classes on ColorBrewer YlGnBu, decile 1 (most deprived) darkest blue,
    /// decile 10 palest yellow, as deprivation maps conventionally draw them.
    pub fn deciles() -> Classes {
        let entries = (1..=10)
            .map(|d| {
                let label = match d {
                    1 => "1 (most deprived)".to_string(),
                    10 => "10 (least deprived)".to_string(),
                    d => d.to_string(),
                };
                (label, hex(colorous::YELLOW_GREEN_BLUE.eval_rational(10 - d, 10)))
            })
            .collect();
        let notes = vec!["national deciles: 1 = most deprived 10% of areas in England".to_string()];
        Classes {
            scheme: Scheme::Deciles,
            entries,
            breaks: (2..=10).map(|d| d as f64 - 0.5).collect(),
            notes,
            palette: "YlGnBu",
            sections: Vec::new(),
        }
    }

    /// Each nation's deciles of its own index, one scale per nation side by side, never pooled:
    /// `indices` are (nation, index) pairs (`("Wales", "WIMD 2025")`), and the classes of the
    /// `i`th are `10 * i .. 10 * i + 10`, decile 1 (most deprived) darkest on the nation's own
    /// palette. A decile's class is [`Classes::nation_class`].
    pub fn deciles_by_nation(indices: &[(String, String)]) -> Classes {
        let mut entries = Vec::new();
        let mut sections = Vec::new();
        for (i, (nation, index)) in indices.iter().enumerate() {
            let (palette, gradient) = NATION_PALETTES
                .iter()
                .find(|(n, _, _)| n == nation)
                .or(NATION_PALETTES.get(i))
                .map_or(("YlGnBu", colorous::YELLOW_GREEN_BLUE), |(_, p, g)| (*p, *g));
            let start = entries.len();
            entries.extend((1..=10).map(|d| {
                let label = match d {
                    1 => format!("{nation} {index} decile 1 (most deprived)"),
                    10 => format!("{nation} {index} decile 10 (least deprived)"),
                    d => format!("{nation} {index} decile {d}"),
                };
                (label, hex(gradient.eval_rational(10 - d, 10)))
            }));
            sections.push(LegendSection {
                heading: format!("{nation}: {index} decile"),
                classes: start..entries.len(),
                palette,
            });
        }
        let notes =
            vec!["each nation's deciles rank only its own areas (1 = most deprived 10% of that nation's areas): \
             colours are not comparable across a border"
                .to_string()];
        Classes { scheme: Scheme::Deciles, entries, breaks: Vec::new(), notes, palette: "YlGnBu", sections }
    }

    /// The class of `decile` of the `i`th nation of [`Classes::deciles_by_nation`].
    pub fn nation_class(&self, i: usize, decile: u8) -> Option<usize> {
        let section = self.sections.get(i)?;
        let class = section.classes.start + usize::from(decile.checked_sub(1)?);
        section.classes.contains(&class).then_some(class)
    }

    /// Seven classes around the centre on ColorBrewer PuOr, the under-represented side orange on
    /// every map: multiplicative steps (÷2, ÷1.5, ÷1.2, ×1.2, ×1.5, ×2) for positive data, else
    /// symmetric steps of 1, 2 or 5 × 10^k near the 33rd, 67th and 90th percentiles of the distance
    /// from the centre; breaks rounded to two significant figures (whole people for counts).
    pub fn diverging(values: &[f64], how: &Divergence) -> Classes {
        let centre = how.centre;
        let positive = centre > 0.0 && values.iter().all(|v| *v >= 0.0);
        let raw: Vec<f64> = if positive {
            [1.0 / 2.0, 1.0 / 1.5, 1.0 / 1.2, 1.2, 1.5, 2.0].iter().map(|f| centre * f).collect()
        } else {
            let mut distance: Vec<f64> = values.iter().map(|v| (v - centre).abs()).collect();
            distance.sort_by(f64::total_cmp);
            let at =
                |q: f64| distance.get(((distance.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(1.0);
            let a = nice_up(at(0.33), how.whole);
            let b = nice_up(at(0.67).max(a * 1.5), how.whole);
            let c = nice_up(at(0.9).max(b * 1.5), how.whole);
            vec![centre - c, centre - b, centre - a, centre + a, centre + b, centre + c]
        };
        let breaks = if positive { rounded(&raw, how.whole) } else { raw };
        let n = breaks.len() + 1;
        let (under, over) = &how.sides;
        // PuOr from ColorBrewer runs purple (0) to orange (n - 1); under-represented is orange.
        let colour = |i: usize| {
            let i = if how.high_is_under { i } else { n - 1 - i };
            hex(colorous::PURPLE_ORANGE.eval_rational(i, n))
        };
        let entries = range_labels(&breaks).into_iter().enumerate().map(|(i, l)| (l, colour(i))).collect();
        let notes = vec![
            format!("orange: {under}"),
            format!("purple: {over}"),
            format!("middle: about {} ({})", break_text(nice(centre, false)), how.centre_words),
        ];
        Classes { scheme: Scheme::Diverging, entries, breaks, notes, palette: "PuOr", sections: Vec::new() }
    }

    /// Five classes on ColorBrewer YlOrRd, low (light) to high (dark), split at the fifths of the
    /// distinct values, breaks rounded to two significant figures (whole numbers when `whole`).
    pub fn sequential(values: &[f64], whole: bool) -> Classes {
        let colour = |i: usize, n: usize| hex(colorous::YELLOW_ORANGE_RED.eval_rational(i + (5 - n), 5));
        if values.is_empty() {
            let entries = vec![("no values shown".to_string(), colour(0, 1))];
            return Classes {
                scheme: Scheme::Sequential,
                entries,
                breaks: Vec::new(),
                notes: Vec::new(),
                palette: "YlOrRd",
                sections: Vec::new(),
            };
        }
        // Fifths of the distinct values, so that many areas on one value (a run of zeros) do not
        // collapse the classes into one or two.
        let mut sorted: Vec<f64> = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        let (low, high) = (at(0.0), at(1.0));
        let breaks: Vec<f64> =
            rounded(&[0.2, 0.4, 0.6, 0.8].map(at), whole).into_iter().filter(|b| *b > low && *b <= high).collect();
        let n = breaks.len() + 1;
        let labels = if breaks.is_empty() { vec![break_text(nice(low, whole))] } else { range_labels(&breaks) };
        let entries = labels.into_iter().enumerate().map(|(i, l)| (l, colour(i, n))).collect();
        let notes = vec!["classes: fifths of the distinct values".to_string()];
        Classes { scheme: Scheme::Sequential, entries, breaks, notes, palette: "YlOrRd", sections: Vec::new() }
    }

    /// The class a value falls in.
    pub fn class_of(&self, value: f64) -> usize {
        self.breaks.partition_point(|b| *b <= value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciles_go_to_their_own_class_and_decile_1_is_darkest() {
        let c = Classes::deciles();
        assert_eq!((1..=10).map(|d| c.class_of(d as f64)).collect::<Vec<_>>(), (0..10).collect::<Vec<_>>());
        let lightness =
            |hex: &str| u32::from_str_radix(&hex[1..], 16).map(|v| (v >> 16) + ((v >> 8) & 255) + (v & 255)).unwrap();
        assert!(lightness(&c.entries[0].1) < lightness(&c.entries[9].1));
    }

    #[test]
    fn each_nations_deciles_are_a_scale_of_their_own() {
        let indices = [("England".to_string(), "IMD 2025".to_string()), ("Wales".to_string(), "WIMD 2025".to_string())];
        let c = Classes::deciles_by_nation(&indices);
        assert_eq!(c.entries.len(), 20);
        assert_eq!((c.nation_class(0, 1), c.nation_class(1, 1), c.nation_class(1, 10)), (Some(0), Some(10), Some(19)));
        assert_eq!((c.nation_class(1, 0), c.nation_class(1, 11), c.nation_class(2, 1)), (None, None, None));
        assert_eq!(
            c.entries[..10],
            Classes::deciles()
                .entries
                .iter()
                .enumerate()
                .map(|(i, (_, colour))| (c.entries[i].0.clone(), colour.clone()))
                .collect::<Vec<_>>()[..],
            "England as on every IMD map"
        );
        let (england, wales): (Vec<&String>, Vec<&String>) =
            (c.entries[..10].iter().map(|e| &e.1).collect(), c.entries[10..].iter().map(|e| &e.1).collect());
        assert!(england.iter().all(|colour| !wales.contains(colour)), "no colour shared: {england:?} {wales:?}");
        assert_eq!(c.sections[1].heading, "Wales: WIMD 2025 decile");
        assert_eq!(c.sections[1].palette, "RdPu");
    }

    #[test]
    fn diverging_classes_are_symmetric_around_the_centre() {
        let how = Divergence {
            centre: 1.0,
            centre_words: "parity".into(),
            high_is_under: false,
            sides: ("fewer".into(), "more".into()),
            whole: false,
        };
        let c = Classes::diverging(&[0.4, 1.0, 2.5], &how);
        assert_eq!(c.entries.len(), 7);
        assert_eq!(c.class_of(1.0), 3);
        assert_eq!(c.class_of(0.4), 0);
        assert_eq!(c.class_of(2.5), 6);
        assert_eq!(c.entries[0].0, "under 0.5");
        assert_eq!(c.entries[2].0, "0.67 to 0.83");
        // Under-represented is orange whichever way the measure runs.
        let flipped = Classes::diverging(&[0.4, 1.0, 2.5], &Divergence { high_is_under: true, ..how });
        assert_eq!(c.entries[0].1, flipped.entries[6].1);
        assert_eq!(c.entries[0].1, "#b35806");
    }

    #[test]
    fn signed_differences_get_whole_symmetric_breaks() {
        let how = Divergence {
            centre: 0.0,
            centre_words: "the community rate".into(),
            high_is_under: true,
            sides: ("short".into(), "over".into()),
            whole: true,
        };
        let values: Vec<f64> = (-114..=40).map(|v| v as f64 + 0.3).collect();
        let c = Classes::diverging(&values, &how);
        assert!(c.entries.iter().all(|(label, _)| !label.contains('.')), "{:?}", c.entries);
    }

    #[test]
    fn sequential_quintiles_and_map_values() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let c = Classes::sequential(&values, true);
        assert_eq!(c.entries.len(), 5);
        assert_eq!(c.entries[0].0, "under 21");
        assert_eq!((c.class_of(1.0), c.class_of(100.0)), (0, 4));
        assert_eq!(MapValue::from_json(Some(&serde_json::json!("*"))), MapValue::Suppressed);
        assert_eq!(MapValue::from_json(Some(&serde_json::json!(null))), MapValue::NoData);
        assert_eq!(MapValue::from_json(Some(&serde_json::json!("12.5"))), MapValue::Value(12.5));
        assert_eq!(legend_number(12345.6), "12,346");
    }
}
