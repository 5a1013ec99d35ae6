//! `Classes`: how map values become coloured classes — IMD deciles, diverging around a centre, or sequential quantiles — with colour-blind-safe schemes.

use colorous::Gradient;

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

/// Ordered classes with their legend labels and colours.
#[derive(Debug, Clone)]
pub struct Classes {
    pub scheme: Scheme,
    /// Legend label and fill colour (`#rrggbb`) of each class.
    pub entries: Vec<(String, String)>,
    /// Upper bounds of all classes but the last (a value equal to a bound goes to the class above it).
    breaks: Vec<f64>,
    /// A note under the legend (e.g. the centre of a diverging scale).
    pub note: Option<String>,
}

fn hex(gradient: Gradient, t: f64) -> String {
    format!("#{:x}", gradient.eval_continuous(t.clamp(0.0, 1.0)))
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

impl Classes {
    /// IMD deciles: ten classes on viridis, decile 1 darkest.
    pub fn deciles() -> Classes {
        let entries = (1..=10)
            .map(|d| {
                let label = match d {
                    1 => "1 (most deprived)".to_string(),
                    10 => "10 (least deprived)".to_string(),
                    d => d.to_string(),
                };
                (label, hex(colorous::VIRIDIS, (d - 1) as f64 / 9.0))
            })
            .collect();
        Classes { scheme: Scheme::Deciles, entries, breaks: (2..=10).map(|d| d as f64 - 0.5).collect(), note: None }
    }

    /// Seven classes around `centre` on brown-green (ColorBrewer BrBG): multiplicative steps (÷2, ÷1.5, ÷1.2,
    /// ×1.2, ×1.5, ×2) for positive data, else steps at the 33rd and 67th percentiles of the
    /// distance from the centre and its maximum.
    pub fn diverging(values: &[f64], centre: f64, unit: &str) -> Classes {
        let positive = centre > 0.0 && values.iter().all(|v| *v >= 0.0);
        let breaks: Vec<f64> = if positive {
            [1.0 / 2.0, 1.0 / 1.5, 1.0 / 1.2, 1.2, 1.5, 2.0].iter().map(|f| centre * f).collect()
        } else {
            let mut distance: Vec<f64> = values.iter().map(|v| (v - centre).abs()).collect();
            distance.sort_by(f64::total_cmp);
            let at =
                |q: f64| distance.get(((distance.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(1.0);
            let (a, b, c) = (at(0.33).max(f64::MIN_POSITIVE), at(0.67), at(1.0));
            let (b, c) = (b.max(a * 1.0001), c.max(b.max(a * 1.0001) * 1.0001));
            vec![centre - c, centre - b, centre - a, centre + a, centre + b, centre + c]
        };
        let mut labels = Vec::new();
        labels.push(format!("below {}", legend_number(breaks[0])));
        for w in breaks.windows(2) {
            labels.push(format!("{} to {}", legend_number(w[0]), legend_number(w[1])));
        }
        labels.push(format!("{} and above", legend_number(breaks[breaks.len() - 1])));
        let entries =
            labels.into_iter().enumerate().map(|(i, l)| (l, hex(colorous::BROWN_GREEN, i as f64 / 6.0))).collect();
        Classes {
            scheme: Scheme::Diverging,
            entries,
            breaks,
            note: Some(format!("centre: {} {unit}", legend_number(centre)).trim_end().to_string()),
        }
    }

    /// Five quantile classes on yellow-orange-red, low (light) to high (dark).
    pub fn sequential(values: &[f64]) -> Classes {
        if values.is_empty() {
            let entries = vec![("no values shown".to_string(), hex(colorous::YELLOW_ORANGE_RED, 0.15))];
            return Classes { scheme: Scheme::Sequential, entries, breaks: Vec::new(), note: None };
        }
        let mut sorted: Vec<f64> = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        let mut breaks: Vec<f64> = [0.2, 0.4, 0.6, 0.8].iter().map(|q| at(*q)).collect();
        breaks.dedup();
        let (low, high) = (at(0.0), at(1.0));
        let n = breaks.len() + 1;
        let entries = (0..n)
            .map(|i| {
                let from = if i == 0 { low } else { breaks[i - 1] };
                let label = if i + 1 == n {
                    format!("{} to {}", legend_number(from), legend_number(high))
                } else {
                    format!("{} to under {}", legend_number(from), legend_number(breaks[i]))
                };
                (label, hex(colorous::YELLOW_ORANGE_RED, 0.15 + 0.85 * i as f64 / (n.max(2) - 1) as f64))
            })
            .collect();
        Classes { scheme: Scheme::Sequential, entries, breaks, note: Some("classes: quintiles".to_string()) }
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
    fn diverging_classes_are_symmetric_around_the_centre() {
        let c = Classes::diverging(&[0.4, 1.0, 2.5], 1.0, "");
        assert_eq!(c.entries.len(), 7);
        assert_eq!(c.class_of(1.0), 3);
        assert_eq!(c.class_of(0.4), 0);
        assert_eq!(c.class_of(2.5), 6);
        assert_eq!(c.entries[0].0, "below 0.500");
    }

    #[test]
    fn sequential_quintiles_and_map_values() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let c = Classes::sequential(&values);
        assert_eq!(c.entries.len(), 5);
        assert_eq!((c.class_of(1.0), c.class_of(100.0)), (0, 4));
        assert_eq!(MapValue::from_json(Some(&serde_json::json!("*"))), MapValue::Suppressed);
        assert_eq!(MapValue::from_json(Some(&serde_json::json!(null))), MapValue::NoData);
        assert_eq!(MapValue::from_json(Some(&serde_json::json!("12.5"))), MapValue::Value(12.5));
        assert_eq!(legend_number(12345.6), "12,346");
    }
}
