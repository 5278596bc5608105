//! Which statement to run: the one under the cursor (statements split on `;` outside
//! strings and comments) or the selection.

use datafusion::sql::sqlparser::tokenizer::Token;

use crate::sqltext::{is_trivia, tokenize};

/// Byte ranges of the statements of `text`, each without its `;`. Text that does not
/// tokenize (an unterminated string) is one statement.
pub fn split(text: &str) -> Vec<(usize, usize)> {
    let Ok(toks) = tokenize(text) else {
        return vec![(0, text.len())];
    };
    let mut out = Vec::new();
    let mut start = 0;
    for t in &toks {
        if t.token == Token::SemiColon {
            out.push((start, t.start));
            start = t.end;
        }
    }
    out.push((start, text.len()));
    out
}

/// True if the range holds only whitespace and comments.
fn is_blank(text: &str, range: (usize, usize)) -> bool {
    let slice = &text[range.0..range.1];
    match tokenize(slice) {
        Ok(toks) => toks.iter().all(|t| is_trivia(&t.token)),
        Err(_) => slice.trim().is_empty(),
    }
}

/// The statement at byte offset `at`: the one containing it, or, when the cursor sits in
/// blank space after a `;`, the nearest statement before it. `None` if there is no SQL.
pub fn at_offset(text: &str, at: usize) -> Option<&str> {
    let parts = split(text);
    let idx = parts.iter().position(|&(s, e)| at >= s && at <= e).unwrap_or(parts.len().saturating_sub(1));
    let pick = (0..=idx).rev().find(|&i| !is_blank(text, parts[i])).or_else(|| (idx..parts.len()).find(|&i| !is_blank(text, parts[i])))?;
    let (s, e) = parts[pick];
    Some(text[s..e].trim())
}

/// Byte offset of (row, column in chars) within `lines` joined by '\n'.
pub fn offset_of(lines: &[String], row: usize, col: usize) -> usize {
    let before: usize = lines.iter().take(row).map(|l| l.len() + 1).sum();
    let line = lines.get(row).map(String::as_str).unwrap_or("");
    before + line.char_indices().nth(col).map(|(i, _)| i).unwrap_or(line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons_outside_strings_and_comments() {
        let text = "SELECT ';' AS a; -- not ; here\nSELECT 2 /* ; */;\n\n  ";
        let parts: Vec<&str> = split(text).into_iter().map(|(s, e)| text[s..e].trim()).collect();
        assert_eq!(parts, vec!["SELECT ';' AS a", "-- not ; here\nSELECT 2 /* ; */", ""]);
    }

    #[test]
    fn picks_the_statement_under_the_cursor_or_the_one_before_blank_space() {
        let text = "SELECT 1;\nSELECT 2;\n\n";
        assert_eq!(at_offset(text, 3), Some("SELECT 1"));
        assert_eq!(at_offset(text, 12), Some("SELECT 2"));
        assert_eq!(at_offset(text, text.len()), Some("SELECT 2"));
        assert_eq!(at_offset("  \n-- only a comment\n", 0), None);
        assert_eq!(at_offset("SELECT 'open", 5), Some("SELECT 'open"));
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let lines = vec!["-- 삼성".to_string(), "SELECT 1".to_string()];
        assert_eq!(offset_of(&lines, 0, 4), "-- 삼".len());
        assert_eq!(offset_of(&lines, 1, 0), "-- 삼성\n".len());
    }
}
