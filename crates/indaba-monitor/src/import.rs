//! Importing a list from a spreadsheet or CSV file, row by row.
//!
//! The file readers (CSV, XLSX, ODS, in the store's and the binary's code)
//! turn each row into [`Cell`]s and hand them to an [`Importer`] with the
//! row's line number; the importer finds the header, checks every field,
//! normalises domain names (IDNs to A-labels, URLs and mail addresses to their
//! domain, through [`indaba_model::name::from_user_input`]) and merges
//! duplicates. Nothing is dropped silently: every bad row is a [`Problem`]
//! with its line and reason, and every merged duplicate is said too.
//!
//! Memory grows with the distinct domains kept (a 100,000-row file is a few
//! megabytes), never with the file's bytes: the readers stream rows.

use std::collections::HashMap;

use indaba_model::name::from_user_input;
use indaba_model::{DomainName, Message, ToMessage, msg};

use crate::list::{Country, ListEntry, MAX_LIST_DOMAINS, parse_tags, text_field};

/// One cell of a row, as the file had it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number (spreadsheets store some sector codes so).
    Number(f64),
    /// A spreadsheet error value (`#REF!`, `#DIV/0!`).
    Error(String),
}

impl Cell {
    /// The cell as text (`None` for an error cell).
    fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => Some(String::new()),
            Cell::Text(t) => Some(t.clone()),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Error(_) => None,
        }
    }
}

/// A column the importer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The domain (required).
    Domain,
    /// The owner organisation.
    Organisation,
    /// The sector.
    Sector,
    /// The country (ISO 3166-1).
    Country,
    /// Tags.
    Tags,
}

impl Column {
    /// The column's name in files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Column::Domain => "domain",
            Column::Organisation => "organisation",
            Column::Sector => "sector",
            Column::Country => "country",
            Column::Tags => "tags",
        }
    }

    /// The columns of an export, in order (also the order assumed for a file
    /// without a header).
    pub const ALL: [Column; 5] = [
        Column::Domain,
        Column::Organisation,
        Column::Sector,
        Column::Country,
        Column::Tags,
    ];

    fn from_header(text: &str) -> Option<Column> {
        Some(match text.trim().to_lowercase().as_str() {
            "domain" | "domain name" | "domainname" | "domains" | "url" | "website" | "host" => {
                Column::Domain
            }
            "organisation" | "organization" | "owner" | "org" => Column::Organisation,
            "sector" => Column::Sector,
            "country" | "country code" => Column::Country,
            "tags" | "tag" | "labels" => Column::Tags,
            _ => return None,
        })
    }
}

/// Something wrong or worth saying about one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line (row) number, from 1.
    pub line: u64,
    /// Why.
    pub message: Message,
    /// Whether the row was left out (a bad row) or kept (a merged duplicate,
    /// an ignored column).
    pub dropped: bool,
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// The header row.
    Header,
    /// A row with nothing in it.
    Blank,
    /// A new domain.
    Added,
    /// A domain already seen, merged into the first line that had it.
    Merged {
        /// That first line.
        into_line: u64,
    },
    /// A bad row, left out (its problem is in [`Importer::problems`]).
    Bad,
}

/// Why the whole file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the file cannot be imported: {}", .0.id)]
pub struct Fatal(pub Message);

/// Counts of an import, for progress and the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows read (header and blank rows included).
    pub rows: u64,
    /// Distinct domains kept.
    pub domains: u64,
    /// Rows merged into an earlier one.
    pub merged: u64,
    /// Bad rows left out.
    pub bad: u64,
}

/// Reads a file's rows one at a time.
#[derive(Debug, Default)]
pub struct Importer {
    columns: Option<Vec<Option<Column>>>,
    index: HashMap<DomainName, usize>,
    entries: Vec<(u64, ListEntry)>,
    problems: Vec<Problem>,
    counts: Counts,
}

impl Importer {
    /// A new import.
    pub fn new() -> Importer {
        Importer::default()
    }

    /// Takes the row at `line` (1-based).
    pub fn push(&mut self, line: u64, cells: &[Cell]) -> Result<RowOutcome, Fatal> {
        self.counts.rows += 1;
        if cells
            .iter()
            .all(|c| matches!(c, Cell::Empty) || c.text().is_some_and(|t| t.trim().is_empty()))
        {
            return Ok(RowOutcome::Blank);
        }
        if self.columns.is_none() {
            let named: Vec<Option<Column>> = cells
                .iter()
                .map(|c| c.text().and_then(|t| Column::from_header(&t)))
                .collect();
            if named.contains(&Some(Column::Domain)) {
                for (i, cell) in cells.iter().enumerate() {
                    let text = cell.text().unwrap_or_default();
                    if named[i].is_none() && !text.trim().is_empty() {
                        self.problems.push(Problem {
                            line,
                            message: msg!("monitor-import-unknown-column", column = text.trim()),
                            dropped: false,
                        });
                    }
                }
                self.columns = Some(named);
                return Ok(RowOutcome::Header);
            }
            // A row of nothing but column names, none of them the domain.
            let filled: Vec<usize> = (0..cells.len())
                .filter(|&i| cells[i].text().is_none_or(|t| !t.trim().is_empty()))
                .collect();
            if filled.iter().all(|&i| named[i].is_some()) {
                return Err(Fatal(msg!("monitor-import-no-domain-column")));
            }
            self.columns = Some(Column::ALL.iter().copied().map(Some).collect());
        }
        match self.entry(cells) {
            Err(message) => {
                self.counts.bad += 1;
                self.problems.push(Problem {
                    line,
                    message,
                    dropped: true,
                });
                Ok(RowOutcome::Bad)
            }
            Ok(entry) => {
                if let Some(&i) = self.index.get(&entry.domain) {
                    let (first_line, kept) = &mut self.entries[i];
                    let first_line = *first_line;
                    let domain = entry.domain.to_string();
                    let conflicts = kept.merge(entry);
                    let message = if conflicts.is_empty() {
                        msg!(
                            "monitor-import-merged",
                            domain = domain,
                            first = first_line as i64
                        )
                    } else {
                        msg!(
                            "monitor-import-merged-conflicts",
                            domain = domain,
                            first = first_line as i64,
                            conflicts = indaba_model::Arg::list(conflicts.iter().map(|c| {
                                msg!(
                                    "monitor-import-conflict",
                                    field = c.field,
                                    kept = c.kept.as_str(),
                                    dropped = c.dropped.as_str()
                                )
                            }))
                        )
                    };
                    self.problems.push(Problem {
                        line,
                        message,
                        dropped: false,
                    });
                    self.counts.merged += 1;
                    return Ok(RowOutcome::Merged {
                        into_line: first_line,
                    });
                }
                if self.entries.len() >= MAX_LIST_DOMAINS {
                    return Err(Fatal(msg!(
                        "monitor-import-too-many-domains",
                        max = MAX_LIST_DOMAINS as i64
                    )));
                }
                self.index.insert(entry.domain.clone(), self.entries.len());
                self.entries.push((line, entry));
                self.counts.domains += 1;
                Ok(RowOutcome::Added)
            }
        }
    }

    fn entry(&self, cells: &[Cell]) -> Result<ListEntry, Message> {
        let columns = self.columns.as_deref().unwrap_or_default();
        let mut fields: [Option<String>; 5] = Default::default();
        for (i, cell) in cells.iter().enumerate() {
            let Some(Some(column)) = columns.get(i) else {
                continue;
            };
            let text = match cell {
                Cell::Error(value) => {
                    return Err(msg!(
                        "monitor-import-error-cell",
                        column = column.name(),
                        value = value.as_str()
                    ));
                }
                other => other.text().unwrap_or_default(),
            };
            fields[*column as usize] = Some(text);
        }
        let [domain, organisation, sector, country, tags] = fields;
        let domain = domain.unwrap_or_default();
        if domain.trim().is_empty() {
            return Err(msg!("monitor-import-no-domain"));
        }
        let name = from_user_input(&domain, true).map_err(|e| {
            msg!(
                "monitor-import-bad-domain",
                value = domain.trim().chars().take(80).collect::<String>(),
                reason = e.to_message()
            )
        })?;
        Ok(ListEntry {
            domain: name,
            organisation: text_field("organisation", organisation.as_deref().unwrap_or(""))?,
            sector: text_field("sector", sector.as_deref().unwrap_or(""))?,
            country: match country.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(Country::parse(c)?),
            },
            tags: parse_tags(tags.as_deref().unwrap_or(""))?,
        })
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Every problem so far, in line order of discovery.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Ends the import: the distinct entries in file order (with the line
    /// each first appeared on), the problems, the counts.
    pub fn finish(self) -> (Vec<(u64, ListEntry)>, Vec<Problem>, Counts) {
        (self.entries, self.problems, self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|c| t(c)).collect()
    }

    /// Every kind of bad row, each reported with its own line.
    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let mut imp = Importer::new();
        let many_tags = (0..25)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(";");
        let rows: Vec<Vec<Cell>> = vec![
            row(&[
                "Domain",
                "Organisation",
                "Sector",
                "Country",
                "Tags",
                "Notes",
            ]), // 1
            row(&[
                "bank.example",
                "Bank",
                "finance",
                "ZA",
                "bank;critical",
                "x",
            ]), // 2
            row(&["", "Nobody", "", "", "", ""]), // 3 no domain
            row(&["not a domain!", "", "", "", "", ""]), // 4 bad name
            row(&["ok.example", "", "", "Atlantis", "", ""]), // 5 bad country
            row(&["ok2.example", &"o".repeat(300), "", "", "", ""]), // 6 too long
            vec![t("ok3.example"), t(""), Cell::Error("#REF!".into())], // 7 error cell
            row(&["ok4.example", "", "", "", &many_tags, ""]), // 8 too many tags
            row(&["https://BANK.example/login", "Bank B", "", "", "online", ""]), // 9 merged
            row(&["", "", "", "", "", ""]),       // 10 blank
            row(&["192.0.2.1", "", "", "", "", ""]), // 11 address
            row(&["bücher.example", "", "", "de", "", ""]), // 12 IDN
            row(&["a\u{0}b.example", "", "", "", "", ""]), // 13 NUL
            row(&["ok5.example", "Org\u{7}", "", "", "", ""]), // 14 control
            row(&["ok6.example", "", "", "", "bad\ttag", ""]), // 15 bad tag
        ];
        let outcomes: Vec<RowOutcome> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| imp.push(i as u64 + 1, r).unwrap())
            .collect();
        assert_eq!(outcomes[0], RowOutcome::Header);
        assert_eq!(outcomes[1], RowOutcome::Added);
        assert_eq!(outcomes[8], RowOutcome::Merged { into_line: 2 });
        assert_eq!(outcomes[9], RowOutcome::Blank);
        assert_eq!(outcomes[11], RowOutcome::Added);
        let bad: Vec<(u64, &str)> = imp
            .problems()
            .iter()
            .filter(|p| p.dropped)
            .map(|p| (p.line, p.message.id.as_str()))
            .collect();
        assert_eq!(
            bad,
            vec![
                (3, "monitor-import-no-domain"),
                (4, "monitor-import-bad-domain"),
                (5, "monitor-import-bad-country"),
                (6, "monitor-import-field-too-long"),
                (7, "monitor-import-error-cell"),
                (8, "monitor-import-too-many-tags"),
                (11, "monitor-import-bad-domain"),
                (13, "monitor-import-bad-domain"),
                (14, "monitor-import-control-character"),
                (15, "monitor-import-bad-tag"),
            ]
        );
        let notes: Vec<(u64, &str)> = imp
            .problems()
            .iter()
            .filter(|p| !p.dropped)
            .map(|p| (p.line, p.message.id.as_str()))
            .collect();
        assert_eq!(
            notes,
            vec![
                (1, "monitor-import-unknown-column"),
                (9, "monitor-import-merged-conflicts")
            ]
        );
        let merged = &imp.problems().iter().find(|p| p.line == 9).unwrap().message;
        assert!(
            merged.get("conflicts").is_some(),
            "the organisation conflict is said"
        );
        let (entries, _, counts) = imp.finish();
        assert_eq!(counts.bad, 10);
        assert_eq!(counts.merged, 1);
        assert_eq!(counts.domains, 2);
        assert_eq!(entries[0].1.domain.as_str(), "bank.example");
        assert_eq!(entries[0].1.tags, vec!["bank", "critical", "online"]);
        assert_eq!(entries[1].1.domain.as_str(), "xn--bcher-kva.example");
        assert_eq!(entries[1].1.country.unwrap().as_str(), "DE");
    }

    #[test]
    fn a_file_without_header_is_read_by_position() {
        let mut imp = Importer::new();
        assert_eq!(
            imp.push(1, &row(&["one.example", "Org"])).unwrap(),
            RowOutcome::Added
        );
        assert_eq!(
            imp.push(2, &row(&["no such name!"])).unwrap(),
            RowOutcome::Bad
        );
        let (entries, problems, _) = imp.finish();
        assert_eq!(entries[0].1.organisation.as_deref(), Some("Org"));
        assert_eq!(problems[0].line, 2);
    }

    #[test]
    fn a_header_without_a_domain_column_is_fatal() {
        let mut imp = Importer::new();
        assert!(imp.push(1, &row(&["sector", "country"])).is_err());
    }

    #[test]
    fn numbers_in_text_columns_are_text() {
        let mut imp = Importer::new();
        imp.push(1, &row(&["domain", "sector"])).unwrap();
        imp.push(2, &[t("x.example"), Cell::Number(62.0)]).unwrap();
        let (entries, _, _) = imp.finish();
        assert_eq!(entries[0].1.sector.as_deref(), Some("62"));
    }

    proptest::proptest! {
        /// Any row of any text is either kept or reported, never lost.
        #[test]
        fn every_row_is_accounted_for(rows in proptest::collection::vec(
            proptest::collection::vec(".{0,30}", 0..6), 0..40)) {
            let mut imp = Importer::new();
            let mut header = 0u64;
            let mut blank = 0u64;
            for (i, r) in rows.iter().enumerate() {
                let cells: Vec<Cell> = r.iter().map(|s| t(s)).collect();
                match imp.push(i as u64 + 1, &cells) {
                    Ok(RowOutcome::Header) => header += 1,
                    Ok(RowOutcome::Blank) => blank += 1,
                    Ok(_) => {}
                    Err(_) => return Ok(()),
                }
            }
            let c = imp.counts();
            proptest::prop_assert_eq!(c.rows, header + blank + c.domains + c.merged + c.bad);
        }
    }
}
