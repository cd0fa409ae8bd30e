//! The public statistics of the desk (seed 003 §3.2): reports by type, by
//! month, by region, by sector, and victims' age band and education. Every
//! published table goes through k-anonymity (`indaba_desk::kanon`, cells of
//! at least 5 and complementary suppression); victims' own details are
//! counted only for those who agreed; the page states the method. Charts
//! are SVG drawn on the server (plotters), so the page needs no script.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use indaba_desk::kanon::{self, K, Table};
use indaba_store::desk::Dimension;
use plotters::prelude::*;

use crate::app::{AppState, PageContext};
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::UserView;

/// One published table.
#[derive(Debug, Clone)]
pub struct TableView {
    /// The dimension's word.
    pub id: &'static str,
    /// Its title.
    pub title: String,
    /// (label, count or "<5").
    pub cells: Vec<(String, String)>,
    /// The total, or "<5".
    pub total: String,
}

/// The statistics page.
#[derive(Template)]
#[template(path = "desk/stats.html")]
pub struct StatsPage<'a> {
    /// Translator.
    pub tr: Tr<'a>,
    /// CSRF token.
    pub csrf: &'a str,
    /// Signed-in user.
    pub user: Option<UserView>,
    /// The tables.
    pub tables: Vec<TableView>,
    /// The threshold.
    pub k: u64,
}

fn label(tr: &Tr<'_>, d: Dimension, key: &str) -> String {
    match d {
        Dimension::Classification => key
            .parse::<indaba_desk::Classification>()
            .map(|c| tr.t(&c.message_id()))
            .unwrap_or_else(|_| key.to_string()),
        _ => key.to_string(),
    }
}

async fn table(state: &AppState, d: Dimension) -> Table {
    let counts = state.store.desk_stats(d).await.unwrap_or_default();
    kanon::publish(&counts, K)
}

fn shown(count: Option<u64>) -> String {
    count
        .map(|c| c.to_string())
        .unwrap_or_else(|| format!("<{K}"))
}

/// `GET /statistics`.
pub async fn page(State(state): State<AppState>, ctx: PageContext) -> Response {
    let tr = ctx.tr(&state);
    let mut tables = Vec::new();
    for d in Dimension::ALL {
        let t = table(&state, d).await;
        tables.push(TableView {
            id: d.as_str(),
            title: tr.t(&format!("desk-stats-{}", d.as_str().replace('_', "-"))),
            cells: t
                .cells
                .iter()
                .map(|c| (label(&tr, d, &c.key), shown(c.count)))
                .collect(),
            total: shown(t.total),
        });
    }
    let page = StatsPage {
        tr,
        csrf: &ctx.csrf,
        user: ctx.user_view(),
        tables,
        k: K,
    };
    ctx.finish(&state, render(page))
}

/// `GET /statistics.csv`: every table, suppressed cells as `<5`.
pub async fn csv(State(state): State<AppState>) -> Response {
    let mut out = String::from("dimension,value,count\n");
    for d in Dimension::ALL {
        let t = table(&state, d).await;
        for c in &t.cells {
            let key = c.key.replace('"', "\"\"");
            out.push_str(&format!("{},\"{key}\",{}\n", d.as_str(), shown(c.count)));
        }
        out.push_str(&format!("{},\"total\",{}\n", d.as_str(), shown(t.total)));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"statistics.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

/// The SVG bar chart of a published table (suppressed cells drawn as
/// nothing: their count is not known to the reader).
pub fn bar_chart(title: &str, cells: &[(String, Option<u64>)]) -> String {
    let mut svg = String::new();
    let height = 60 + 28 * cells.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let max = cells
            .iter()
            .filter_map(|(_, c)| *c)
            .max()
            .unwrap_or(1)
            .max(1);
        let _ = root.draw(&Text::new(
            title.to_string(),
            (10, 10),
            ("sans-serif", 18).into_font(),
        ));
        for (i, (key, count)) in cells.iter().enumerate() {
            let y = 40 + 28 * i as i32;
            let _ = root.draw(&Text::new(
                key.chars().take(40).collect::<String>(),
                (10, y + 4),
                ("sans-serif", 13).into_font(),
            ));
            if let Some(c) = count {
                let w = (380.0 * (*c as f64) / (max as f64)) as i32;
                let _ = root.draw(&Rectangle::new(
                    [(300, y), (300 + w.max(1), y + 20)],
                    BLUE.filled(),
                ));
                let _ = root.draw(&Text::new(
                    c.to_string(),
                    (306 + w, y + 4),
                    ("sans-serif", 13).into_font(),
                ));
            } else {
                let _ = root.draw(&Text::new(
                    format!("<{K}"),
                    (306, y + 4),
                    ("sans-serif", 13).into_font(),
                ));
            }
        }
        let _ = root.present();
    }
    svg
}

/// `GET /statistics/{dimension}.svg`.
pub async fn chart(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(file): Path<String>,
) -> Response {
    let Some(d) = file
        .strip_suffix(".svg")
        .and_then(|d| d.parse::<Dimension>().ok())
    else {
        return super::not_found(&state, &ctx);
    };
    let tr = ctx.tr(&state);
    let t = table(&state, d).await;
    let cells: Vec<(String, Option<u64>)> = t
        .cells
        .iter()
        .map(|c| (label(&tr, d, &c.key), c.count))
        .collect();
    let title = tr.t(&format!("desk-stats-{}", d.as_str().replace('_', "-")));
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        bar_chart(&title, &cells),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_labels_and_no_small_numbers() {
        let svg = bar_chart(
            "By type",
            &[("Phishing".into(), Some(12)), ("Sextortion".into(), None)],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Phishing"));
        assert!(svg.contains("&lt;5") || svg.contains("<5"));
        let flat = svg.replace('\n', "");
        assert!(flat.contains(">12<"), "{svg}");
    }
}
