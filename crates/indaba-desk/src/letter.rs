//! Printable documents: a victim's pre-filled letter and a case report for
//! partner CERTs and police, as PDF, written with `pdf-writer` (typst's
//! low-level PDF writer: small, no C, no fonts to ship). The text is set in
//! the standard Helvetica that every PDF reader has, with WinAnsi encoding,
//! so characters outside Latin-1 are replaced (typographic dashes and quotes
//! by their plain forms, anything else by `?`): enough for letters in the
//! region's Latin-script languages, and the document never fails to build.
//! A label (the TLP of a case report) is printed at the top and bottom of
//! every page, as FIRST asks of documents.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 60.0;
const SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;
/// Characters per line of 11-point Helvetica across the text width (its
/// average advance is about half the size).
const LINE_CHARS: usize = 84;

/// A document: a title, an optional label, paragraphs (blank-line separated
/// in the text; single new lines kept).
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The title, in bold at the top.
    pub title: &'a str,
    /// Printed at the top and bottom of every page (`TLP:AMBER`).
    pub label: Option<&'a str>,
    /// The text.
    pub body: &'a str,
}

/// WinAnsi bytes for `text`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .flat_map(|c| -> Vec<u8> {
            match c {
                '\u{2013}' | '\u{2014}' | '\u{2212}' => vec![b'-'],
                '\u{2018}' | '\u{2019}' => vec![b'\''],
                '\u{201c}' | '\u{201d}' => vec![b'"'],
                '\u{2026}' => b"...".to_vec(),
                '\t' => vec![b' '],
                c if (c as u32) < 0x20 => Vec::new(),
                c if (c as u32) < 0x7f => vec![c as u8],
                c if (0xa0..=0xff).contains(&(c as u32)) => vec![c as u32 as u8],
                _ => vec![b'?'],
            }
        })
        .collect()
}

/// Lines of at most `width` characters, broken at spaces (a word longer
/// than the line is cut).
fn wrap(paragraph: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The most pages a document may have (a bound on hostile descriptions).
pub const MAX_PAGES: usize = 50;

/// The PDF of `doc`.
pub fn pdf(doc: &Document<'_>) -> Vec<u8> {
    let mut lines: Vec<String> = Vec::new();
    for (i, paragraph) in doc.body.split("\n\n").enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        for line in paragraph.lines() {
            if line.trim().is_empty() {
                lines.push(String::new());
            } else {
                lines.extend(wrap(line, LINE_CHARS));
            }
        }
    }
    let per_page = ((PAGE.1 - 2.0 * MARGIN - 40.0) / LEADING) as usize;
    let mut pages: Vec<&[String]> = lines.chunks(per_page.max(1)).take(MAX_PAGES).collect();
    if pages.is_empty() {
        pages.push(&[]);
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 10;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr(doc.title))
        .producer(TextStr("Indaba"));

    for (i, page_lines) in pages.iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        resources.finish();
        page.finish();

        let mut c = Content::new();
        if let Some(label) = doc.label {
            for y in [PAGE.1 - 30.0, 22.0] {
                c.begin_text();
                c.set_font(Name(b"F2"), 10.0);
                c.next_line(MARGIN, y);
                c.show(Str(&win_ansi(label)));
                c.end_text();
            }
        }
        let mut y = PAGE.1 - MARGIN;
        if i == 0 {
            c.begin_text();
            c.set_font(Name(b"F2"), 15.0);
            c.next_line(MARGIN, y);
            c.show(Str(&win_ansi(
                &doc.title.chars().take(80).collect::<String>(),
            )));
            c.end_text();
            y -= 2.0 * LEADING;
        }
        c.begin_text();
        c.set_font(Name(b"F1"), SIZE);
        c.set_leading(LEADING);
        c.next_line(MARGIN, y);
        for line in page_lines.iter() {
            c.show(Str(&win_ansi(line)));
            c.next_line_using_leading();
        }
        c.end_text();
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_letter_is_a_pdf_with_its_text_and_label() {
        let bytes = pdf(&Document {
            title: "Fraud on my account",
            label: Some("TLP:AMBER"),
            body: "Dear Bank,\n\nSomeone used my card — twice. Ça va?\n\nThandi",
        });
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("(Dear Bank,)"), "{text}");
        assert!(text.contains("(TLP:AMBER)"));
        // Non-ASCII lines are written in hex: the dash became "-", the
        // cedilla its WinAnsi byte C7.
        let hex: String = b"card - twice. \xC7a"
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert!(text.contains(&hex), "{text}");
        assert!(text.trim_end().ends_with("%%EOF"));
    }

    #[test]
    fn long_text_makes_bounded_pages() {
        let body = "word ".repeat(200_000);
        let bytes = pdf(&Document {
            title: "Long",
            label: None,
            body: &body,
        });
        let pages = String::from_utf8_lossy(&bytes)
            .matches("/Type /Page\n")
            .count()
            + String::from_utf8_lossy(&bytes)
                .matches("/Type /Page ")
                .count();
        assert!(pages <= MAX_PAGES + 1, "{pages}");
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("a b c", 3), vec!["a b", "c"]);
        assert_eq!(wrap("abcdefg", 3), vec!["abc", "def", "g"]);
        assert!(wrap("", 3).is_empty());
    }

    proptest! {
        #[test]
        fn any_text_makes_a_pdf(body in "\\PC{0,500}", title in "\\PC{0,50}") {
            let bytes = pdf(&Document { title: &title, label: Some("TLP:RED"), body: &body });
            prop_assert!(bytes.starts_with(b"%PDF-"));
        }
    }
}
