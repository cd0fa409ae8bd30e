//! The dashboards' charts: SVG drawn on the server with plotters' SVG
//! backend into a string, so pages need no script and no image requests.
//! Every chart is drawn from the same numbers the page shows in a table
//! beside it.
//!
//! We draw with plotters' primitives (rectangles, paths, text) rather than
//! its `ChartBuilder`: without a font crate compiled in (the `ttf` feature
//! pulls system font lookup), `ChartBuilder` cannot measure its tick labels,
//! while the primitives write `<text>` elements that the browser lays out.
//! plotters escapes the text it writes (`&`, `<`, `>`, quotes), which is why
//! a chart may be put in a page as markup ([`Svg`]).

use std::fmt;

use indaba_monitor::stats::{BUCKETS, Distribution};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A drawn chart: SVG markup made by plotters from our numbers, with every
/// piece of text escaped by plotters, so templates put it in as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Only this module makes an `Svg`, from plotters' escaped output.
impl askama::filters::HtmlSafe for Svg {}

const WIDTH: u32 = 720;
const FONT: &str = "sans-serif";

fn colour(i: usize) -> RGBColor {
    let c = Palette99::pick(i).to_rgba();
    RGBColor(c.0, c.1, c.2)
}

fn draw(
    width: u32,
    height: u32,
    paint: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>),
) -> Svg {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        paint(&root);
        let _ = root.present();
    }
    Svg(svg)
}

fn text(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    s: &str,
    at: (i32, i32),
    size: u32,
    anchor: HPos,
) {
    let style = TextStyle::from((FONT, size).into_font())
        .color(&BLACK)
        .pos(Pos::new(anchor, VPos::Center));
    let shown: String = s.chars().take(60).collect();
    let _ = root.draw(&Text::new(shown, at, style));
}

/// A column chart of a score distribution (ten buckets).
pub fn histogram(title: &str, d: &Distribution) -> Svg {
    draw(WIDTH, 300, |root| {
        text(root, title, (10, 15), 16, HPos::Left);
        let max = d.buckets.iter().copied().max().unwrap_or(0).max(1);
        let (left, bottom, plot_h) = (50, 260, 210.0);
        let w = (WIDTH as i32 - left - 20) / BUCKETS as i32;
        for (i, n) in d.buckets.iter().enumerate() {
            let x = left + w * i as i32;
            let h = (plot_h * *n as f64 / max as f64) as i32;
            let _ = root.draw(&Rectangle::new(
                [(x + 4, bottom - h), (x + w - 4, bottom)],
                colour(0).filled(),
            ));
            text(
                root,
                &n.to_string(),
                (x + w / 2, bottom - h - 8),
                11,
                HPos::Center,
            );
            text(
                root,
                &Distribution::bucket_label(i),
                (x + w / 2, bottom + 14),
                11,
                HPos::Center,
            );
        }
        let _ = root.draw(&PathElement::new(
            vec![(left, bottom), (WIDTH as i32 - 20, bottom)],
            BLACK,
        ));
    })
}

/// Horizontal bars of values 0–100 (adoption in percent when `percent`,
/// else mean scores), one per row; a row without a value has no bar.
pub fn bars(title: &str, rows: &[(String, Option<f64>)], percent: bool) -> Svg {
    let rows: Vec<Bar> = rows
        .iter()
        .map(|(label, value)| Bar {
            label: label.clone(),
            value: *value,
            explained: None,
        })
        .collect();
    draw_bars(title, &rows, if percent { "%" } else { "" }, None)
}

/// One row of [`adoption_bars`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar shows (a check, a group).
    pub label: String,
    /// Adoption, in percent.
    pub value: Option<f64>,
    /// Adoption with explained findings counted as compliant, in percent
    /// (never below `value`).
    pub explained: Option<f64>,
}

/// Adoption bars with comply-or-explain's second number: each bar is the
/// plain adoption, extended in a lighter shade to the adoption with
/// explained findings counted as compliant, both values written beside it;
/// `legend` names the two shades (drawn when any bar is extended).
pub fn adoption_bars(title: &str, rows: &[Bar], legend: [&str; 2]) -> Svg {
    draw_bars(title, rows, "%", Some(legend))
}

/// Whether a bar has an extension worth drawing.
fn extended(b: &Bar) -> Option<f64> {
    match (b.value, b.explained) {
        (Some(v), Some(e)) if e > v => Some(e.clamp(0.0, 100.0)),
        _ => None,
    }
}

fn lighter(c: RGBColor) -> RGBColor {
    let mix = |v: u8| ((u16::from(v) + 2 * 255) / 3) as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn draw_bars(title: &str, rows: &[Bar], unit: &str, legend: Option<[&str; 2]>) -> Svg {
    let legend = legend.filter(|_| rows.iter().any(|b| extended(b).is_some()));
    let height = 50 + 22 * rows.len().max(1) as u32 + if legend.is_some() { 24 } else { 0 };
    draw(WIDTH, height, |root| {
        text(root, title, (10, 15), 16, HPos::Left);
        let (label_w, bar_w) = (300, 330.0);
        let width = |v: f64| (bar_w * v.clamp(0.0, 100.0) / 100.0) as i32;
        for (i, b) in rows.iter().enumerate() {
            let y = 40 + 22 * i as i32;
            text(root, &b.label, (10, y + 8), 12, HPos::Left);
            let Some(v) = b.value else {
                text(root, "–", (label_w + 6, y + 8), 11, HPos::Left);
                continue;
            };
            let v = v.clamp(0.0, 100.0);
            let mut label = format!("{v:.1}{unit}");
            let mut end = width(v);
            if let Some(e) = extended(b) {
                let _ = root.draw(&Rectangle::new(
                    [(label_w, y), (label_w + width(e).max(1), y + 16)],
                    lighter(colour(2)).filled(),
                ));
                label = format!("{label} · {e:.1}{unit}");
                end = width(e);
            }
            let _ = root.draw(&Rectangle::new(
                [(label_w, y), (label_w + width(v).max(1), y + 16)],
                colour(2).filled(),
            ));
            text(root, &label, (label_w + end + 6, y + 8), 11, HPos::Left);
        }
        if let Some([plain, explained]) = legend {
            let y = 40 + 22 * rows.len() as i32 + 10;
            for (i, (name, fill)) in [(plain, colour(2)), (explained, lighter(colour(2)))]
                .into_iter()
                .enumerate()
            {
                let x = 10 + 355 * i as i32;
                let _ = root.draw(&Rectangle::new(
                    [(x, y - 5), (x + 12, y + 5)],
                    fill.filled(),
                ));
                text(root, name, (x + 18, y), 11, HPos::Left);
            }
        }
    })
}

/// One line of a trend chart: its name and its points (day in Unix
/// seconds, percent).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What the line shows.
    pub name: String,
    /// (day, percent), by day.
    pub points: Vec<(i64, f64)>,
}

fn date(day: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(day)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// Lines of percentages over time, with a legend; `empty` is written
/// when there is no point at all.
pub fn trend(title: &str, empty: &str, series: &[Series]) -> Svg {
    let legend_rows = series.len().div_ceil(2) as u32;
    let height = 300 + 18 * legend_rows;
    draw(WIDTH, height, |root| {
        text(root, title, (10, 15), 16, HPos::Left);
        let (left, right, top, bottom) = (50i32, WIDTH as i32 - 20, 40i32, 250i32);
        let days: Vec<i64> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        let _ = root.draw(&PathElement::new(
            vec![(left, top), (left, bottom), (right, bottom)],
            BLACK,
        ));
        for pct in [0, 50, 100] {
            let y = bottom - (bottom - top) * pct / 100;
            text(root, &format!("{pct}%"), (left - 6, y), 11, HPos::Right);
        }
        let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
            text(
                root,
                empty,
                ((left + right) / 2, (top + bottom) / 2),
                14,
                HPos::Center,
            );
            return;
        };
        let span = (last - first).max(1) as f64;
        let x_of = |day: i64| -> i32 {
            if first == last {
                (left + right) / 2
            } else {
                left + ((right - left) as f64 * (day - first) as f64 / span) as i32
            }
        };
        let y_of = |pct: f64| -> i32 {
            bottom - ((bottom - top) as f64 * pct.clamp(0.0, 100.0) / 100.0) as i32
        };
        text(
            root,
            &date(*first),
            (x_of(*first), bottom + 14),
            11,
            HPos::Left,
        );
        if first != last {
            text(
                root,
                &date(*last),
                (x_of(*last), bottom + 14),
                11,
                HPos::Right,
            );
        }
        for (i, s) in series.iter().enumerate() {
            let points: Vec<(i32, i32)> =
                s.points.iter().map(|(d, p)| (x_of(*d), y_of(*p))).collect();
            if points.len() > 1 {
                let _ = root.draw(&PathElement::new(points.clone(), colour(i).stroke_width(2)));
            }
            for p in &points {
                let _ = root.draw(&Circle::new(*p, 3, colour(i).filled()));
            }
            let (lx, ly) = (10 + 355 * (i as i32 % 2), 285 + 18 * (i as i32 / 2));
            let _ = root.draw(&Rectangle::new(
                [(lx, ly - 5), (lx + 12, ly + 5)],
                colour(i).filled(),
            ));
            text(root, &s.name, (lx + 18, ly), 11, HPos::Left);
        }
    })
}

/// A map of countries as a tile grid (see `map`), each tile shaded by its
/// percentage; countries without a value are grey.
pub fn map(title: &str, values: &[(String, Option<f64>)]) -> Svg {
    let tiles = super::map::layout();
    let (cols, rows) = super::map::size();
    let cell = 30i32;
    let width = (cols as i32 * cell + 20).max(WIDTH as i32) as u32;
    let height = rows * cell as u32 + 80;
    draw(width, height, |root| {
        text(root, title, (10, 15), 16, HPos::Left);
        let value = |code: &str| {
            values
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(code))
                .and_then(|(_, v)| *v)
        };
        for (code, col, row) in tiles {
            let (x, y) = (10 + col as i32 * cell, 40 + row as i32 * cell);
            let fill = match value(code) {
                Some(v) => {
                    // From red (0 %) to green (100 %).
                    let t = v.clamp(0.0, 100.0) / 100.0;
                    RGBColor((220.0 * (1.0 - t)) as u8 + 20, (180.0 * t) as u8 + 40, 60)
                }
                None => RGBColor(225, 225, 225),
            };
            let _ = root.draw(&Rectangle::new(
                [(x + 1, y + 1), (x + cell - 1, y + cell - 1)],
                fill.filled(),
            ));
            text(root, code, (x + cell / 2, y + cell / 2), 10, HPos::Center);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses the markup as XML and returns its root element's name and
    /// how many `text` elements it has.
    fn parse(svg: &Svg) -> (String, usize) {
        let mut reader = quick_xml::Reader::from_str(svg.as_str());
        let mut root = String::new();
        let mut texts = 0;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                    let name = e.name().into_inner().to_string();
                    if root.is_empty() {
                        root = name.clone();
                    }
                    if name == "text" {
                        texts += 1;
                    }
                }
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not XML: {e}\n{}", svg.as_str()),
            }
        }
        (root, texts)
    }

    fn series(n: usize) -> Vec<Series> {
        vec![Series {
            name: "web.https.hsts <&>".into(),
            points: (0..n)
                .map(|i| (1_700_000_000 + 86_400 * 30 * i as i64, (i * 7 % 101) as f64))
                .collect(),
        }]
    }

    #[test]
    fn a_trend_renders_for_empty_one_point_and_long_series() {
        let empty = trend("Adoption", "No data", &[]);
        assert_eq!(parse(&empty).0, "svg");
        assert!(empty.as_str().contains("No data"));
        let one = trend("Adoption", "No data", &series(1));
        assert_eq!(parse(&one).0, "svg");
        assert!(one.as_str().contains("<circle"));
        let long = trend("Adoption", "No data", &series(1000));
        let (root, texts) = parse(&long);
        assert_eq!(root, "svg");
        assert!(texts >= 3);
        // Text is escaped by plotters.
        assert!(long.as_str().contains("&lt;&amp;&gt;"));
        assert!(!long.as_str().contains("<&>"));
    }

    #[test]
    fn bars_histograms_and_maps_are_svg() {
        let d = Distribution::of(&[10, 55, 99, 100], 1);
        assert_eq!(parse(&histogram("Scores", &d)).0, "svg");
        assert_eq!(
            parse(&histogram("Scores", &Distribution::default())).0,
            "svg"
        );
        let rows = vec![
            ("<script>alert(1)</script>".to_string(), Some(42.0)),
            ("none".to_string(), None),
        ];
        let b = bars("Adoption", &rows, true);
        assert!(b.as_str().contains("42.0%"));
        assert!(!bars("Mean", &rows, false).as_str().contains("42.0%"));
        assert_eq!(parse(&b).0, "svg");
        assert!(!b.as_str().contains("<script>"));
        assert_eq!(parse(&bars("Adoption", &[], true)).0, "svg");
        // Comply or explain: the second number extends the bar and is
        // written beside it, with a legend; without explained findings
        // the chart is the plain one.
        let pair = |value, explained| Bar {
            label: "web.https.hsts".into(),
            value,
            explained,
        };
        let legend = ["Passing", "Explained <counted>"];
        let b = adoption_bars("Adoption", &[pair(Some(25.0), Some(75.0))], legend);
        assert_eq!(parse(&b).0, "svg");
        assert!(b.as_str().contains("25.0% · 75.0%"), "{}", b.as_str());
        assert!(b.as_str().contains("Explained &lt;counted&gt;"));
        let plain = adoption_bars("Adoption", &[pair(Some(25.0), Some(25.0))], legend);
        assert!(!plain.as_str().contains("75.0%") && !plain.as_str().contains("Passing"));
        assert_eq!(
            plain,
            bars("Adoption", &[("web.https.hsts".into(), Some(25.0))], true)
        );
        assert_eq!(
            parse(&adoption_bars("A", &[pair(None, None)], legend)).0,
            "svg"
        );
        let m = map(
            "Map",
            &[("NL".into(), Some(80.0)), ("ZZ".into(), Some(1.0))],
        );
        let (root, texts) = parse(&m);
        assert_eq!(root, "svg");
        assert!(texts > 100, "every country has its tile");
    }
}
