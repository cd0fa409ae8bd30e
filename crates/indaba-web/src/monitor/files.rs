//! List files: reading CSV, XLSX and ODS into the importer's rows, writing
//! a list back out as CSV or XLSX, and the import itself (read, then write
//! to the store in batches), shared by the web upload and `indaba list
//! import`.
//!
//! CSV and XLSX are read row by row (`csv`, calamine's cell reader), so
//! memory follows the distinct domains kept, not the file. ODS is read as
//! one sheet by calamine (its format has no streaming reader there); the
//! file's size is bounded before it is read.

use std::io::{Read, Seek};

use calamine::{Data, DataRef, Reader};
use indaba_model::{Message, msg};
use indaba_monitor::import::{Cell, Column, Counts, Fatal, Importer, Problem};
use indaba_monitor::list::ListEntry;
use indaba_store::Store;
use indaba_store::monitor::StoredEntry;

/// The largest file imported, in bytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A list file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values (UTF-8).
    Csv,
    /// Office Open XML spreadsheet.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
}

impl Format {
    /// The format a file name says, by its extension.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }

    /// The format's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// The usual extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
        }
    }
}

fn unreadable(reason: impl std::fmt::Display) -> Fatal {
    Fatal(msg!(
        "monitor-import-unreadable",
        reason = reason.to_string().chars().take(300).collect::<String>()
    ))
}

/// Reads every row of `data` into `importer`, calling `progress` now and
/// then with the counts so far. A fatal problem (unreadable file, no
/// domain column, too many domains) stops the reading.
pub fn read_into<R: Read + Seek + Clone>(
    format: Format,
    data: R,
    importer: &mut Importer,
    progress: &mut dyn FnMut(Counts),
) -> Result<(), Fatal> {
    let mut every = 0u32;
    let mut push = |importer: &mut Importer, line: u64, cells: &[Cell]| -> Result<(), Fatal> {
        importer.push(line, cells)?;
        every += 1;
        if every.is_multiple_of(1000) {
            progress(importer.counts());
        }
        Ok(())
    };
    match format {
        Format::Csv => {
            // The csv crate skips blank lines without counting them, so the
            // line of a record is counted here from the bytes read.
            let newlines =
                std::rc::Rc::new(std::cell::RefCell::new(std::collections::VecDeque::new()));
            let mut lines_before = 0u64;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(LineCounter {
                    inner: data,
                    at: 0,
                    newlines: newlines.clone(),
                });
            let mut record = csv::ByteRecord::new();
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(e) => return Err(unreadable(e)),
                }
                // The record's own position may be that of blank lines
                // before it; the reader's is just past the record's end, so
                // the record's (last) line has the newlines before its last
                // byte.
                let last = reader.position().byte().saturating_sub(1);
                {
                    let mut seen = newlines.borrow_mut();
                    while seen.front().is_some_and(|&at| at < last) {
                        seen.pop_front();
                        lines_before += 1;
                    }
                }
                let line = lines_before + 1;
                let cells: Vec<Cell> = record
                    .iter()
                    .take(64)
                    .map(|field| {
                        let text = String::from_utf8_lossy(field);
                        if text.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(text.into_owned())
                        }
                    })
                    .collect();
                push(importer, line, &cells)?;
            }
        }
        Format::Xlsx => {
            let mut book: calamine::Xlsx<R> = calamine::Xlsx::new(data).map_err(unreadable)?;
            let Some(first) = book.sheet_names().first().cloned() else {
                return Err(unreadable("the workbook has no sheet"));
            };
            let mut cells_reader = book.worksheet_cells_reader(&first).map_err(unreadable)?;
            let mut row: Vec<Cell> = Vec::new();
            let mut row_at: Option<u32> = None;
            while let Some(cell) = cells_reader.next_cell().map_err(unreadable)? {
                let (r, c) = cell.get_position();
                if row_at != Some(r) {
                    if let Some(at) = row_at {
                        push(importer, u64::from(at) + 1, &row)?;
                    }
                    row.clear();
                    row_at = Some(r);
                }
                let c = c as usize;
                if c >= 64 {
                    continue;
                }
                if row.len() <= c {
                    row.resize(c + 1, Cell::Empty);
                }
                row[c] = cell_ref(cell.get_value());
            }
            if let Some(at) = row_at {
                push(importer, u64::from(at) + 1, &row)?;
            }
        }
        Format::Ods => {
            let mut book: calamine::Ods<R> = calamine::Ods::new(data).map_err(unreadable)?;
            let range = match book.worksheet_range_at(0) {
                Some(r) => r.map_err(unreadable)?,
                None => return Err(unreadable("the spreadsheet has no sheet")),
            };
            let first = range.start().map(|(r, _)| r).unwrap_or(0);
            let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
            for (i, cells) in range.rows().enumerate() {
                let mut row = vec![Cell::Empty; first_col.min(64)];
                row.extend(cells.iter().take(64).map(cell_data));
                push(importer, u64::from(first) + i as u64 + 1, &row)?;
            }
        }
    }
    progress(importer.counts());
    Ok(())
}

/// A reader that notes where each newline is, for line numbers.
struct LineCounter<R> {
    inner: R,
    at: u64,
    newlines: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<u64>>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut seen = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                seen.push_back(self.at + i as u64);
            }
        }
        self.at += n as u64;
        Ok(n)
    }
}

fn cell_ref(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        DataRef::DateTime(d) => Cell::Text(d.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn cell_data(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(d) => Cell::Text(d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// How an import ended.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The counts.
    pub counts: Counts,
    /// Domains written to the list.
    pub written: usize,
    /// Every bad row and every merge, by line.
    pub problems: Vec<Problem>,
    /// Why the whole file was refused, if it was (then nothing was written).
    pub fatal: Option<Message>,
}

/// What an import reports while it runs.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Rows read so far.
    Reading(Counts),
    /// Domains written so far, of how many.
    Writing {
        /// Written.
        done: usize,
        /// To write.
        total: usize,
    },
}

/// Imports `data` into list `list_id`, recording its progress under the
/// import record `import_id`: reads the whole file (on a blocking thread),
/// then writes the distinct domains in batches. Nothing is written when the
/// file is refused as a whole.
pub async fn import<R>(
    store: &Store,
    by: &indaba_store::Actor,
    list_id: &str,
    import_id: &str,
    format: Format,
    data: R,
    progress: impl Fn(Progress) + Send + Sync + 'static,
) -> Result<ImportOutcome, indaba_store::StoreError>
where
    R: Read + Seek + Clone + Send + 'static,
{
    let progress = std::sync::Arc::new(progress);
    let reading = progress.clone();
    let read = tokio::task::spawn_blocking(move || {
        let mut importer = Importer::new();
        let result = read_into(format, data, &mut importer, &mut |c| {
            reading(Progress::Reading(c))
        });
        (importer, result)
    })
    .await;
    let (importer, result) = match read {
        Ok(done) => done,
        Err(e) => (Importer::new(), Err(unreadable(e))),
    };
    let (entries, problems, counts) = importer.finish();
    if let Err(Fatal(message)) = result {
        store
            .update_import(
                import_id,
                "failed",
                counts,
                0,
                Some(&problems),
                Some(&message),
            )
            .await?;
        return Ok(ImportOutcome {
            counts,
            written: 0,
            problems,
            fatal: Some(message),
        });
    }
    store
        .update_import(import_id, "writing", counts, 0, None, None)
        .await?;
    let entries: Vec<ListEntry> = entries.into_iter().map(|(_, e)| e).collect();
    let total = entries.len();
    let mut written = 0;
    for chunk in entries.chunks(2000) {
        written += store.add_entries(by, list_id, chunk).await?;
        progress(Progress::Writing {
            done: written,
            total,
        });
        store
            .update_import(import_id, "writing", counts, written as i64, None, None)
            .await?;
    }
    store
        .update_import(
            import_id,
            "done",
            counts,
            written as i64,
            Some(&problems),
            None,
        )
        .await?;
    Ok(ImportOutcome {
        counts,
        written,
        problems,
        fatal: None,
    })
}

/// The header of an export (the import reads it back).
pub fn header() -> [&'static str; 5] {
    Column::ALL.map(Column::name)
}

/// An entry as the five export fields.
pub fn fields(e: &StoredEntry) -> [String; 5] {
    [
        e.entry.domain.to_string(),
        e.entry.organisation.clone().unwrap_or_default(),
        e.entry.sector.clone().unwrap_or_default(),
        e.entry
            .country
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        e.entry.tags_text(),
    ]
}

/// Writes every entry of a list as `format` to `out`, page by page from the
/// store (CSV streams; XLSX and ODS are assembled in memory, bounded by the
/// list).
pub async fn export(
    store: &Store,
    list_id: &str,
    format: Format,
    out: &mut Vec<u8>,
) -> Result<(), ExportError> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(header())?;
            let mut after = String::new();
            loop {
                let page = store.entries(list_id, &after, 5000).await?;
                let Some(last) = page.last() else { break };
                after = last.entry.domain.to_string();
                for e in &page {
                    w.write_record(fields(e))?;
                }
            }
            w.flush().map_err(|e| ExportError::Write(e.to_string()))?;
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in header().iter().enumerate() {
                sheet.write_string(0, c as u16, *h)?;
            }
            let mut row = 1u32;
            let mut after = String::new();
            loop {
                let page = store.entries(list_id, &after, 5000).await?;
                let Some(last) = page.last() else { break };
                after = last.entry.domain.to_string();
                for e in &page {
                    for (c, value) in fields(e).iter().enumerate() {
                        if !value.is_empty() {
                            sheet.write_string(row, c as u16, value)?;
                        }
                    }
                    row += 1;
                }
            }
            *out = book.save_to_buffer()?;
        }
        Format::Ods => {
            let mut rows = vec![header().map(str::to_string)];
            let mut after = String::new();
            loop {
                let page = store.entries(list_id, &after, 5000).await?;
                let Some(last) = page.last() else { break };
                after = last.entry.domain.to_string();
                rows.extend(page.iter().map(fields));
            }
            *out = ods(&rows)?;
        }
    }
    Ok(())
}

/// A one-sheet OpenDocument spreadsheet of text cells. Written here rather
/// than with spreadsheet-ods: five columns of text need three small files
/// in a zip, not that crate's styles, formulas and dependencies.
pub fn ods(rows: &[[String; 5]]) -> Result<Vec<u8>, ExportError> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let mut content = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"list\">",
    );
    for row in rows {
        content.push_str("<table:table-row>");
        for cell in row {
            if cell.is_empty() {
                content.push_str("<table:table-cell/>");
            } else {
                content.push_str("<table:table-cell office:value-type=\"string\"><text:p>");
                content.push_str(&escape(cell));
                content.push_str("</text:p></table:table-cell>");
            }
        }
        content.push_str("</table:table-row>");
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest \
        xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" \
        manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    let write = |e: zip::result::ZipError| ExportError::Write(e.to_string());
    let io = |e: std::io::Error| ExportError::Write(e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // The media type comes first and uncompressed, so that tools recognise
    // the file by its first bytes.
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).map_err(write)?;
    zip.write_all(Format::Ods.media_type().as_bytes())
        .map_err(io)?;
    zip.start_file("META-INF/manifest.xml", deflated)
        .map_err(write)?;
    zip.write_all(manifest.as_bytes()).map_err(io)?;
    zip.start_file("content.xml", deflated).map_err(write)?;
    zip.write_all(content.as_bytes()).map_err(io)?;
    Ok(zip.finish().map_err(write)?.into_inner())
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] indaba_store::StoreError),
    /// Writing the file failed.
    #[error("cannot write the file: {0}")]
    Write(String),
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError::Write(e.to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::Write(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(format: Format, bytes: Vec<u8>) -> (Importer, Result<(), Fatal>) {
        let mut importer = Importer::new();
        let r = read_into(format, Cursor::new(bytes), &mut importer, &mut |_| {});
        (importer, r)
    }

    #[test]
    fn csv_rows_keep_their_line_numbers() {
        let text = "domain,sector,colour\nexample.nl,banks,red\n\n\"not a domain!\",x\nEXAMPLE.nl,,\r\n\r\n\nbücher.example\n\"two\nlines\"\n,,,\nlast!";
        let (importer, r) = read(Format::Csv, text.as_bytes().to_vec());
        r.unwrap();
        let (entries, problems, counts) = importer.finish();
        assert_eq!(counts.domains, 2);
        assert_eq!(entries[1].1.domain.as_str(), "xn--bcher-kva.example");
        let lines: Vec<(u64, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.id.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, "monitor-import-unknown-column"),
                (4, "monitor-import-bad-domain"),
                (5, "monitor-import-merged"),
                (10, "monitor-import-bad-domain"),
                (12, "monitor-import-bad-domain"),
            ]
        );
    }

    #[test]
    fn xlsx_round_trips_through_an_export_shaped_sheet() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in header().iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "a.example").unwrap();
        sheet.write_string(1, 3, "ZA").unwrap();
        // Row 3 left empty; row 4 has a bad country.
        sheet.write_string(3, 0, "b.example").unwrap();
        sheet.write_string(3, 3, "Narnia").unwrap();
        sheet.write_string(4, 0, "bad domain!").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (importer, r) = read(Format::Xlsx, bytes);
        r.unwrap();
        let (entries, problems, _) = importer.finish();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].1.country.as_ref().unwrap().as_str(), "ZA");
        let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![4, 5]);
        assert_eq!(problems[0].message.id, "monitor-import-bad-country");
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        for format in [Format::Xlsx, Format::Ods] {
            let (_, r) = read(format, b"PK\x03\x04 not really a zip".to_vec());
            assert_eq!(r.unwrap_err().0.id, "monitor-import-unreadable");
        }
        let (_, r) = read(Format::Csv, b"domain\n\xff\xfe.example\n".to_vec());
        r.unwrap();
    }

    proptest::proptest! {
        /// Whatever the bytes, reading ends with rows or a reason, never a
        /// panic; line numbers only grow.
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..3000)) {
            for format in [Format::Csv, Format::Xlsx, Format::Ods] {
                let (importer, _) = read(format, bytes.clone());
                let lines: Vec<u64> = importer.problems().iter().map(|p| p.line).collect();
                proptest::prop_assert!(lines.windows(2).all(|w| w[0] <= w[1]));
            }
        }
    }

    #[test]
    fn ods_export_reads_back_through_the_import() {
        let rows = vec![
            header().map(str::to_string),
            [
                "a.example".into(),
                "A & <B>".into(),
                String::new(),
                "ZA".into(),
                "x;y".into(),
            ],
        ];
        let (importer, r) = read(Format::Ods, ods(&rows).unwrap());
        r.unwrap();
        let (entries, problems, _) = importer.finish();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entries[0].1.organisation.as_deref(), Some("A & <B>"));
        assert_eq!(entries[0].1.tags, vec!["x", "y"]);
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::from_file_name("Banks.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::from_file_name("a.ods"), Some(Format::Ods));
        assert_eq!(Format::from_file_name("a.csv"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("a.pdf"), None);
    }
}
