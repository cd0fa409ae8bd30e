//! Exports of monitoring results and statistics as CSV, JSON and XLSX: a
//! scan's results with one row per domain (and test kind) and one column
//! per check, as internet.nl's dashboard exports them, and a list's
//! statistics rows. Each export is first made as a [`Sheet`], then written
//! in the format asked for, so the three formats always hold the same
//! cells.

use indaba_model::TestKind;
use indaba_monitor::stats::{self, Segment};
use indaba_store::Store;
use indaba_store::stats::{CheckRow, ScoreRow};

use super::files::ExportError;

/// A file format of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// JSON: an array of objects, one per row.
    Json,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// The format of a file extension.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Real(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Real(x) => format!("{x:.2}"),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Text(t) => serde_json::Value::from(t.as_str()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Real(x) => serde_json::Value::from((x * 100.0).round() / 100.0),
        }
    }
}

/// A named table of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name (XLSX) and JSON key.
    pub name: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows, each as long as the headings.
    pub rows: Vec<Vec<Cell>>,
}

/// Writes `sheets` in `format`: CSV holds the first sheet only; JSON an
/// object with one array of row objects per sheet; XLSX one worksheet per
/// sheet.
pub fn write(format: Format, sheets: &[Sheet]) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Csv => {
            let mut out = Vec::new();
            {
                let mut w = csv::Writer::from_writer(&mut out);
                if let Some(s) = sheets.first() {
                    w.write_record(&s.headers)?;
                    for r in &s.rows {
                        w.write_record(r.iter().map(Cell::text))?;
                    }
                }
                w.flush().map_err(|e| ExportError::Write(e.to_string()))?;
            }
            Ok(out)
        }
        Format::Json => {
            let mut doc = serde_json::Map::new();
            for s in sheets {
                let rows: Vec<serde_json::Value> = s
                    .rows
                    .iter()
                    .map(|r| {
                        serde_json::Value::Object(
                            s.headers
                                .iter()
                                .zip(r)
                                .map(|(h, c)| (h.clone(), c.json()))
                                .collect(),
                        )
                    })
                    .collect();
                doc.insert(s.name.clone(), serde_json::Value::Array(rows));
            }
            serde_json::to_vec_pretty(&doc).map_err(|e| ExportError::Write(e.to_string()))
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            for s in sheets {
                let sheet = book.add_worksheet();
                sheet.set_name(&s.name)?;
                for (c, h) in s.headers.iter().enumerate() {
                    sheet.write_string(0, col(c)?, h)?;
                }
                for (i, r) in s.rows.iter().enumerate() {
                    let row = u32::try_from(i + 1)
                        .map_err(|_| ExportError::Write("too many rows".into()))?;
                    for (c, cell) in r.iter().enumerate() {
                        match cell {
                            Cell::Empty => {}
                            Cell::Text(t) => {
                                sheet.write_string(row, col(c)?, t)?;
                            }
                            Cell::Int(n) => {
                                sheet.write_number(row, col(c)?, *n as f64)?;
                            }
                            Cell::Real(x) => {
                                sheet.write_number(row, col(c)?, *x)?;
                            }
                        }
                    }
                }
            }
            Ok(book.save_to_buffer()?)
        }
    }
}

fn col(c: usize) -> Result<u16, ExportError> {
    u16::try_from(c).map_err(|_| ExportError::Write("too many columns".into()))
}

fn kind_word(kind: TestKind) -> &'static str {
    super::kind_name(kind)
}

fn opt_int(v: Option<u8>) -> Cell {
    v.map(|n| Cell::Int(i64::from(n))).unwrap_or(Cell::Empty)
}

/// A scan's results: one row per domain and kind, one column per category
/// score and per check (every check of the kinds the scan ran).
pub async fn scan_results(store: &Store, scan_id: &str) -> Result<Sheet, ExportError> {
    let scan = store.scan(scan_id).await?;
    let kinds = scan.kinds.kinds();
    let mut checks: Vec<&'static str> = Vec::new();
    let mut categories: Vec<&'static str> = Vec::new();
    for k in kinds {
        for c in stats::checks_of(*k) {
            if !checks.contains(&c) {
                checks.push(c);
            }
        }
        for c in stats::categories_of(*k) {
            if !categories.contains(&c) {
                categories.push(c);
            }
        }
    }
    let mut headers: Vec<String> = [
        "domain",
        "kind",
        "state",
        "outcome",
        "score",
        "policy_version",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    headers.extend(categories.iter().map(|c| format!("category:{c}")));
    headers.extend(checks.iter().map(|c| c.to_string()));
    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let (page, last) = store.scan_result_rows(scan_id, after, 2000).await?;
        if page.is_empty() {
            break;
        }
        after = last;
        for r in page {
            let mut row = vec![
                Cell::Text(r.domain),
                Cell::Text(kind_word(r.kind).to_string()),
                Cell::Text(r.state),
                r.outcome.map(Cell::Text).unwrap_or(Cell::Empty),
                opt_int(r.score),
                r.policy_version.map(Cell::Text).unwrap_or(Cell::Empty),
            ];
            row.extend(
                categories
                    .iter()
                    .map(|c| opt_int(r.categories.get(*c).copied().flatten())),
            );
            row.extend(checks.iter().map(|c| {
                r.findings
                    .get(*c)
                    .map(|s| Cell::Text(s.as_str().to_string()))
                    .unwrap_or(Cell::Empty)
            }));
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| {
        a[0].text()
            .cmp(&b[0].text())
            .then(a[1].text().cmp(&b[1].text()))
    });
    Ok(Sheet {
        name: "results".into(),
        headers,
        rows,
    })
}

fn date(day: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(day)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

fn segment_cells(s: &Segment) -> [Cell; 2] {
    [
        Cell::Text(s.dimension().to_string()),
        Cell::Text(s.value().to_string()),
    ]
}

/// The check rows as a sheet.
pub fn check_sheet(rows: &[CheckRow]) -> Sheet {
    let headers = [
        "scan",
        "day",
        "policy_version",
        "dimension",
        "segment",
        "kind",
        "check",
        "passed",
        "warned",
        "failed",
        "not_tested",
        "errored",
        "informational",
        "not_applicable",
        "unreachable",
        "explained_failed",
        "explained_warned",
        "adoption_percent",
        "adoption_explained_percent",
    ];
    Sheet {
        name: "checks".into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| {
                let c = &r.counts;
                let mut row = vec![
                    Cell::Text(r.scan_id.clone()),
                    Cell::Text(date(r.day)),
                    Cell::Text(r.policy_version.clone()),
                ];
                row.extend(segment_cells(&r.segment));
                row.extend([
                    Cell::Text(kind_word(r.kind).to_string()),
                    Cell::Text(r.check.clone()),
                ]);
                row.extend(
                    [
                        c.passed,
                        c.warned,
                        c.failed,
                        c.not_tested,
                        c.errored,
                        c.informational,
                        c.not_applicable,
                        c.unreachable,
                        c.explained_failed,
                        c.explained_warned,
                    ]
                    .map(|n| Cell::Int(n as i64)),
                );
                for adoption in [c.adoption(), c.adoption_explained()] {
                    row.push(adoption.map(Cell::Real).unwrap_or(Cell::Empty));
                }
                row
            })
            .collect(),
    }
}

/// The score rows as a sheet.
pub fn score_sheet(rows: &[ScoreRow]) -> Sheet {
    let mut headers: Vec<String> = [
        "scan",
        "day",
        "policy_version",
        "dimension",
        "segment",
        "kind",
        "category",
        "scored",
        "not_scored",
        "mean",
        "median",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    headers.extend((0..stats::BUCKETS).map(|i| {
        format!(
            "scores {}",
            indaba_monitor::stats::Distribution::bucket_label(i)
        )
    }));
    Sheet {
        name: "scores".into(),
        headers,
        rows: rows
            .iter()
            .map(|r| {
                let d = &r.distribution;
                let mut row = vec![
                    Cell::Text(r.scan_id.clone()),
                    Cell::Text(date(r.day)),
                    Cell::Text(r.policy_version.clone()),
                ];
                row.extend(segment_cells(&r.segment));
                row.extend([
                    Cell::Text(kind_word(r.kind).to_string()),
                    Cell::Text(if r.category.is_empty() {
                        "overall".to_string()
                    } else {
                        r.category.clone()
                    }),
                    Cell::Int(d.scored as i64),
                    Cell::Int(d.not_scored as i64),
                    d.mean().map(Cell::Real).unwrap_or(Cell::Empty),
                    opt_int(d.median),
                ]);
                row.extend(d.buckets.iter().map(|n| Cell::Int(*n as i64)));
                row
            })
            .collect(),
    }
}

/// A list's statistics: the check rows, then the score rows.
pub async fn statistics(store: &Store, list_id: &str) -> Result<Vec<Sheet>, ExportError> {
    Ok(vec![
        check_sheet(&store.list_check_stats(list_id).await?),
        score_sheet(&store.list_score_stats(list_id).await?),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;

    fn sample() -> Vec<Sheet> {
        vec![
            Sheet {
                name: "checks".into(),
                headers: vec!["domain".into(), "n".into(), "pct".into(), "none".into()],
                rows: vec![vec![
                    Cell::Text("a.test, \"quoted\"".into()),
                    Cell::Int(3),
                    Cell::Real(33.333),
                    Cell::Empty,
                ]],
            },
            Sheet {
                name: "scores".into(),
                headers: vec!["x".into()],
                rows: vec![vec![Cell::Int(1)], vec![Cell::Int(2)]],
            },
        ]
    }

    #[test]
    fn the_three_formats_hold_the_same_cells() {
        let csv = write(Format::Csv, &sample()).unwrap();
        let mut r = csv::Reader::from_reader(csv.as_slice());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "a.test, \"quoted\"");
        assert_eq!(&row[1], "3");
        assert_eq!(&row[2], "33.33");

        let json: serde_json::Value =
            serde_json::from_slice(&write(Format::Json, &sample()).unwrap()).unwrap();
        assert_eq!(json["checks"][0]["n"], 3);
        assert_eq!(json["checks"][0]["none"], serde_json::Value::Null);
        assert_eq!(json["scores"].as_array().unwrap().len(), 2);

        let xlsx = write(Format::Xlsx, &sample()).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        assert_eq!(book.sheet_names(), vec!["checks", "scores"]);
        let range = book.worksheet_range("checks").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("a.test, \"quoted\"".into()))
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(3.0)));
    }
}
