//! Small SVG charts for the report: grouped bars of shares by deprivation decile.

use svg::node::element::{Group, Line, Rectangle, Text, Title};
use svg::Document;

/// One series of a bar chart: its name, colour and a value (a share, 0-1) per category; `None`
/// is drawn as a gap (e.g. a suppressed share).
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<Option<f64>>,
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
    let max = series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, b| a.max(*b));
    let plot = Plot::new(max);
    let description = series
        .iter()
        .map(|s| {
            let values: Vec<String> =
                s.values.iter().map(|v| v.map_or("n/a".to_string(), |v| format!("{:.1}%", v * 100.0))).collect();
            format!("{}: {}", s.name, values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Document::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("viewBox", (0, 0, plot.width as i64, plot.height as i64))
        .set("role", "img")
        .set("aria-label", format!("{title}. {x_label} {}. {description}", categories.join(", ")))
        .set("font-family", "Arial, Helvetica, sans-serif")
        .add(Title::new(title))
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

/// One group of bars per category (a gap for a missing value), labelled below.
fn bars(plot: &Plot, categories: &[String], series: &[Series]) -> Group {
    let group_w = plot.plot_w / categories.len().max(1) as f64;
    let bar_w = group_w * 0.8 / series.len().max(1) as f64;
    let mut bars = Group::new().set("class", "bars");
    for (c, category) in categories.iter().enumerate() {
        let x0 = plot.left + c as f64 * group_w + group_w * 0.1;
        for (s, one) in series.iter().enumerate() {
            if let Some(Some(v)) = one.values.get(c) {
                bars = bars.add(
                    Rectangle::new()
                        .set("x", x0 + s as f64 * bar_w)
                        .set("y", plot.y(v * 100.0))
                        .set("width", bar_w - 1.0)
                        .set("height", (v * 100.0 / plot.top_value * plot.plot_h).max(0.0))
                        .set("fill", one.colour)
                        .add(Title::new(format!("{} {category}: {:.1}%", one.name, v * 100.0))),
                );
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
                Series { name: "Staff", colour: "#005eb8", values: vec![Some(0.2), None, Some(0.5)] },
                Series { name: "Population", colour: "#ffb81c", values: vec![Some(0.3), Some(0.3), Some(0.4)] },
            ],
            "IMD decile",
        );
        assert_eq!(svg.matches("<rect").count(), 5 + 2, "five bars and two legend keys");
        assert!(
            svg.contains("aria-label=\"Staff and population. IMD decile 1, 2, 3. Staff: 20.0%, n/a, 50.0%"),
            "{svg}"
        );
    }
}
