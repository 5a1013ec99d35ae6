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

/// Grouped bars of percentages by category, with axis, gridlines and legend.
pub fn grouped_bars(title: &str, categories: &[String], series: &[Series], x_label: &str) -> String {
    let (width, height) = (680.0, 300.0);
    let (left, right, top, bottom) = (50.0, 10.0, 40.0, 60.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, b| a.max(*b));
    let step = nice_step(max * 100.0);
    let top_value = ((max * 100.0 / step).ceil() * step).max(step);
    let y = |percent: f64| top + plot_h - percent / top_value * plot_h;
    let description = series
        .iter()
        .map(|s| {
            let values: Vec<String> =
                s.values.iter().map(|v| v.map_or("n/a".to_string(), |v| format!("{:.1}%", v * 100.0))).collect();
            format!("{}: {}", s.name, values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut doc = Document::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("viewBox", (0, 0, width as i64, height as i64))
        .set("role", "img")
        .set("aria-label", format!("{title}. {x_label} {}. {description}", categories.join(", ")))
        .set("font-family", "Arial, Helvetica, sans-serif")
        .add(Title::new(title));
    let mut grid = Group::new().set("class", "grid");
    let mut value = 0.0;
    while value <= top_value + 1e-9 {
        grid = grid
            .add(
                Line::new()
                    .set("x1", left)
                    .set("x2", width - right)
                    .set("y1", y(value))
                    .set("y2", y(value))
                    .set("stroke", "#d8dde0"),
            )
            .add(
                Text::new(format!("{value:.0}%"))
                    .set("x", left - 6.0)
                    .set("y", y(value) + 4.0)
                    .set("text-anchor", "end")
                    .set("font-size", 11),
            );
        value += step;
    }
    doc = doc.add(grid);
    let group_w = plot_w / categories.len().max(1) as f64;
    let bar_w = group_w * 0.8 / series.len().max(1) as f64;
    let mut bars = Group::new().set("class", "bars");
    for (c, category) in categories.iter().enumerate() {
        let x0 = left + c as f64 * group_w + group_w * 0.1;
        for (s, one) in series.iter().enumerate() {
            if let Some(Some(v)) = one.values.get(c) {
                bars = bars.add(
                    Rectangle::new()
                        .set("x", x0 + s as f64 * bar_w)
                        .set("y", y(v * 100.0))
                        .set("width", bar_w - 1.0)
                        .set("height", (v * 100.0 / top_value * plot_h).max(0.0))
                        .set("fill", one.colour)
                        .add(Title::new(format!("{} {category}: {:.1}%", one.name, v * 100.0))),
                );
            }
        }
        bars = bars.add(
            Text::new(category.as_str())
                .set("x", x0 + group_w * 0.4)
                .set("y", top + plot_h + 16.0)
                .set("text-anchor", "middle")
                .set("font-size", 11),
        );
    }
    doc = doc.add(bars).add(
        Text::new(x_label)
            .set("x", left + plot_w / 2.0)
            .set("y", height - 26.0)
            .set("text-anchor", "middle")
            .set("font-size", 12),
    );
    let mut legend = Group::new().set("class", "chart-legend");
    let mut x = left;
    for one in series {
        legend = legend
            .add(Rectangle::new().set("x", x).set("y", 12).set("width", 12).set("height", 12).set("fill", one.colour))
            .add(Text::new(one.name).set("x", x + 18.0).set("y", 22).set("font-size", 12));
        x += 30.0 + 7.0 * one.name.len() as f64;
    }
    doc.add(legend).to_string()
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
