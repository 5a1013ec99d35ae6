//! Small SVG charts for the report: grouped bars of shares by deprivation decile, in the maps' colours, suppressed bars hatched.

use svg::node::element::{Definitions, Group, Line, Rectangle, Text, Title};
use svg::Document;

use crate::output::classes::MapValue;

/// One series of a bar chart: its name, colour and a value (a share, 0-1) per category; a
/// suppressed value is drawn as a hatched column labelled "suppressed", a missing one as "no data",
/// never as a bar of zero.
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<MapValue>,
}

/// Where the plot sits on the chart and how values map to heights.
struct Plot {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    plot_w: f64,
    plot_h: f64,
    /// The gridline spacing and the value at the top of the axis, in percent.
    step: f64,
    top_value: f64,
}

impl Plot {
    fn new(max_share: f64) -> Plot {
        let (width, height) = (680.0, 300.0);
        let (left, right, top, bottom) = (50.0, 10.0, 40.0, 60.0);
        let step = nice_step(max_share * 100.0);
        let top_value = ((max_share * 100.0 / step).ceil() * step).max(step);
        Plot {
            width,
            height,
            left,
            right,
            top,
            plot_w: width - left - right,
            plot_h: height - top - bottom,
            step,
            top_value,
        }
    }

    /// The y of a value in percent.
    fn y(&self, percent: f64) -> f64 {
        self.top + self.plot_h - percent / self.top_value * self.plot_h
    }
}

/// Grouped bars of percentages by category, with axis, gridlines and legend.
pub fn grouped_bars(title: &str, categories: &[String], series: &[Series], x_label: &str) -> String {
    let max = series.iter().flat_map(|s| s.values.iter().filter_map(number)).fold(0.0f64, f64::max);
    let plot = Plot::new(max);
    let description = series
        .iter()
        .map(|s| {
            let values: Vec<String> = s.values.iter().map(|v| value_text(*v)).collect();
            format!("{}: {}", s.name, values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let hatching = crate::output::map::hatching("chart-suppressed");
    Document::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("viewBox", (0, 0, plot.width as i64, plot.height as i64))
        .set("role", "img")
        .set("aria-label", format!("{title}. {x_label} {}. {description}", categories.join(", ")))
        .set("font-family", "Arial, Helvetica, sans-serif")
        .add(Title::new(title))
        .add(Definitions::new().add(hatching))
        .add(gridlines(&plot))
        .add(bars(&plot, categories, series))
        .add(
            Text::new(x_label)
                .set("x", plot.left + plot.plot_w / 2.0)
                .set("y", plot.height - 26.0)
                .set("text-anchor", "middle")
                .set("font-size", 12),
        )
        .add(legend(&plot, series))
        .to_string()
}

fn number(value: &MapValue) -> Option<f64> {
    match value {
        MapValue::Value(v) => Some(*v),
        _ => None,
    }
}

fn value_text(value: MapValue) -> String {
    match value {
        MapValue::Value(v) => format!("{:.1}%", v * 100.0),
        MapValue::Suppressed => "suppressed".to_string(),
        MapValue::NoData => "no data".to_string(),
    }
}

/// Horizontal gridlines with their percentages.
fn gridlines(plot: &Plot) -> Group {
    let mut grid = Group::new().set("class", "grid");
    let mut value = 0.0;
    while value <= plot.top_value + 1e-9 {
        let y = plot.y(value);
        grid = grid
            .add(
                Line::new()
                    .set("x1", plot.left)
                    .set("x2", plot.width - plot.right)
                    .set("y1", y)
                    .set("y2", y)
                    .set("stroke", "#d8dde0"),
            )
            .add(
                Text::new(format!("{value:.0}%"))
                    .set("x", plot.left - 6.0)
                    .set("y", y + 4.0)
                    .set("text-anchor", "end")
                    .set("font-size", 11),
            );
        value += plot.step;
    }
    grid
}

/// One group of bars per category, labelled below; a value the table does not give is a
/// hatched column (suppressed) or an outlined one (no data), labelled, never a bar of zero.
fn bars(plot: &Plot, categories: &[String], series: &[Series]) -> Group {
    let group_w = plot.plot_w / categories.len().max(1) as f64;
    let bar_w = group_w * 0.8 / series.len().max(1) as f64;
    let mut bars = Group::new().set("class", "bars");
    for (c, category) in categories.iter().enumerate() {
        let x0 = plot.left + c as f64 * group_w + group_w * 0.1;
        for (s, one) in series.iter().enumerate() {
            let x = x0 + s as f64 * bar_w;
            let tip = Title::new(format!(
                "{} {category}: {}",
                one.name,
                value_text(one.values.get(c).copied().unwrap_or(MapValue::NoData))
            ));
            match one.values.get(c).copied().unwrap_or(MapValue::NoData) {
                MapValue::Value(v) => {
                    bars = bars.add(
                        Rectangle::new()
                            .set("x", x)
                            .set("y", plot.y(v * 100.0))
                            .set("width", bar_w - 1.0)
                            .set("height", (v * 100.0 / plot.top_value * plot.plot_h).max(0.0))
                            .set("fill", one.colour)
                            .add(tip),
                    )
                }
                missing => bars = bars.add(missing_bar(plot, x, bar_w, missing == MapValue::Suppressed).add(tip)),
            }
        }
        bars = bars.add(
            Text::new(category.as_str())
                .set("x", x0 + group_w * 0.4)
                .set("y", plot.top + plot.plot_h + 16.0)
                .set("text-anchor", "middle")
                .set("font-size", 11),
        );
    }
    bars
}

/// A column the full height of the plot, hatched for a suppressed value, outlined for no data,
/// with the word written up it: unmistakably not a value.
fn missing_bar(plot: &Plot, x: f64, width: f64, suppressed: bool) -> Group {
    let (class, fill, word) = if suppressed {
        ("suppressed", "url(#chart-suppressed)", "suppressed")
    } else {
        ("no-data", "#ffffff", "no data")
    };
    let (cx, cy) = (x + (width - 1.0) / 2.0, plot.top + plot.plot_h / 2.0);
    Group::new()
        .set("class", class)
        .add(
            Rectangle::new()
                .set("x", x)
                .set("y", plot.top)
                .set("width", width - 1.0)
                .set("height", plot.plot_h)
                .set("fill", fill)
                .set("stroke", "#8c8c8c")
                .set("stroke-dasharray", "3 2"),
        )
        .add(
            Text::new(word)
                .set("x", cx)
                .set("y", cy)
                .set("transform", format!("rotate(-90 {cx} {cy})"))
                .set("text-anchor", "middle")
                .set("dominant-baseline", "middle")
                .set("font-size", 10)
                .set("fill", "#4c6272"),
        )
}

/// A key per series, left to right above the plot.
fn legend(plot: &Plot, series: &[Series]) -> Group {
    let mut legend = Group::new().set("class", "chart-legend");
    let mut x = plot.left;
    for one in series {
        legend = legend
            .add(Rectangle::new().set("x", x).set("y", 12).set("width", 12).set("height", 12).set("fill", one.colour))
            .add(Text::new(one.name).set("x", x + 18.0).set("y", 22).set("font-size", 12));
        x += 30.0 + 7.0 * one.name.len() as f64;
    }
    if series.iter().any(|s| s.values.contains(&MapValue::Suppressed)) {
        legend = legend
            .add(
                Rectangle::new()
                    .set("x", x)
                    .set("y", 12)
                    .set("width", 12)
                    .set("height", 12)
                    .set("fill", "url(#chart-suppressed)")
                    .set("stroke", "#8c8c8c"),
            )
            .add(Text::new("suppressed (small count)").set("x", x + 18.0).set("y", 22).set("font-size", 12));
    }
    legend
}

fn nice_step(max_percent: f64) -> f64 {
    let rough = (max_percent / 5.0).max(0.1);
    let magnitude = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|f| f * magnitude).find(|s| *s >= rough).unwrap_or(magnitude * 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_for_present_values_only_and_a_described_image() {
        let categories: Vec<String> = (1..=3).map(|d| d.to_string()).collect();
        let svg = grouped_bars(
            "Staff and population",
            &categories,
            &[
                Series {
                    name: "Staff",
                    colour: "#005eb8",
                    values: vec![MapValue::Value(0.2), MapValue::Suppressed, MapValue::Value(0.5)],
                },
                Series { name: "Population", colour: "#ffb81c", values: [0.3, 0.3, 0.4].map(MapValue::Value).to_vec() },
            ],
            "IMD decile",
        );
        assert_eq!(svg.matches("<rect").count(), 1 + 6 + 3, "the hatching, six bars and three legend keys");
        assert!(svg.contains("class=\"suppressed\""), "{svg}");
        assert!(
            svg.contains("aria-label=\"Staff and population. IMD decile 1, 2, 3. Staff: 20.0%, suppressed, 50.0%"),
            "{svg}"
        );
    }
}
