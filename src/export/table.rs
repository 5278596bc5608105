//! The readable table (`--format table`): columns padded by display width, measured per
//! grapheme cluster, so Korean names, emoji and flags line up; control characters are shown
//! escaped (`\n`, `\u{1b}`) so a value can neither break a row nor drive the terminal.

use std::io::Write;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::{FathomError, Result};
use crate::textwidth::width;

/// A value as one line: control characters escaped.
fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Writes `batches` as a `+---+` bordered table; NULL shows as `NULL`, an empty string as blank.
pub fn write_table<W: Write>(schema: &SchemaRef, batches: &[RecordBatch], out: &mut W) -> Result<()> {
    let opts = FormatOptions::default().with_null("NULL");
    let header: Vec<String> = schema.fields().iter().map(|f| printable(f.name())).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for b in batches {
        let fmts = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &opts))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| FathomError::Other(format!("writing table: {e}")))?;
        for r in 0..b.num_rows() {
            rows.push(fmts.iter().map(|f| printable(&f.value(r).to_string())).collect());
        }
    }
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let io = |e: std::io::Error| FathomError::io("writing the result", e);
    let rule: String = widths.iter().map(|w| format!("+{}", "-".repeat(w + 2))).collect::<String>() + "+";
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (cell, w) in cells.iter().zip(&widths) {
            s.push_str("| ");
            s.push_str(cell);
            s.push_str(&" ".repeat(w - width(cell) + 1));
        }
        s + "|"
    };
    writeln!(out, "{rule}").map_err(io)?;
    writeln!(out, "{}", line(&header)).map_err(io)?;
    writeln!(out, "{rule}").map_err(io)?;
    for row in &rows {
        writeln!(out, "{}", line(row)).map_err(io)?;
    }
    if !rows.is_empty() {
        writeln!(out, "{rule}").map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    #[test]
    fn rows_line_up_with_emoji_flags_jamo_and_full_width_digits() {
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, false), Field::new("v", DataType::Utf8, true)]));
        let values = vec![
            Some("\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}"),
            Some("\u{1f1f0}\u{1f1f7}\u{1f1fa}\u{1f1f8}"),
            Some("\u{1112}\u{1161}\u{11ab}"),
            Some("１２３"),
            Some("삼성전자"),
            Some("line\nbreak\u{1b}[31m"),
            None,
            Some(""),
        ];
        let n = values.len() as i32;
        let b = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int32Array::from_iter_values(0..n)), Arc::new(StringArray::from(values))]).unwrap();
        let mut out = Vec::new();
        write_table(&schema, &[b], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), n as usize + 4, "{text}");
        let widths: Vec<usize> = text.lines().map(width).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "unequal widths {widths:?}:\n{text}");
        // every `|` of every row sits in the same display column as the header's
        let bars = |l: &str| {
            let mut col = 0;
            let mut at = Vec::new();
            for g in unicode_segmentation::UnicodeSegmentation::graphemes(l, true) {
                if g == "|" {
                    at.push(col);
                }
                col += crate::textwidth::grapheme_width(g);
            }
            at
        };
        let want = bars(text.lines().nth(1).unwrap());
        for l in text.lines().filter(|l| l.starts_with('|')) {
            assert_eq!(bars(l), want, "{l}");
        }
        assert!(text.contains("line\\nbreak\\u{1b}[31m") && !text.contains('\u{1b}'), "{text}");
        assert!(text.contains("| NULL"), "{text}");
    }
}
