//! Formatting SQL text with the `sqlformat` crate, for `fathom fmt` and the editor's format
//! key. The saved-query header (the leading comment block) is kept byte for byte; the rest
//! is formatted. The result is checked before it is returned: every comment and every
//! `:param` of the input must still be there, unchanged and in order, else the text is
//! refused (never silently changed). Formatting is idempotent: the formatter is applied
//! until the text stops changing, so formatting a formatted text changes nothing.

use datafusion::sql::sqlparser::tokenizer::{Token, Whitespace};
use sqlformat::{FormatOptions, Indent, QueryParams};

use crate::error::{FathomError, Result};
use crate::sqltext;

/// How many times the formatter may be applied to reach a text it leaves unchanged.
const MAX_PASSES: usize = 4;

/// The formatted text of a whole file or buffer: the header kept, the SQL formatted, the
/// trailing newline kept as it was.
pub fn format_sql(text: &str) -> Result<String> {
    let (header, body) = split_header(text);
    if body.trim().is_empty() {
        return Ok(text.to_string());
    }
    let mut out = fixpoint(body)?;
    if body.ends_with('\n') {
        out.push('\n');
    }
    Ok(format!("{header}{out}"))
}

/// The formatted text of a fragment (a selection): no header is split off, and the
/// fragment's leading indentation and trailing newline are kept.
pub fn format_fragment(text: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Ok(text.to_string());
    }
    let mut out = fixpoint(text)?;
    if text.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The leading comment block (comment and blank lines, with their newlines) and the rest.
pub fn split_header(text: &str) -> (&str, &str) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with("--")) || !line.ends_with('\n') {
            break;
        }
        at += line.len();
    }
    text.split_at(at)
}

fn options() -> FormatOptions<'static> {
    FormatOptions { indent: Indent::Spaces(2), uppercase: Some(true), lines_between_queries: 2, ..FormatOptions::default() }
}

fn once(sql: &str) -> String {
    sqlformat::format(sql, &QueryParams::None, &options()).trim_end().to_string()
}

/// Formats until the text no longer changes, then checks nothing but layout changed.
fn fixpoint(sql: &str) -> Result<String> {
    let mut out = once(sql);
    for _ in 0..MAX_PASSES {
        let again = once(&out);
        if again == out {
            same_content(sql, &out)?;
            return Ok(out);
        }
        out = again;
    }
    Err(FathomError::Other(
        "the formatter does not settle on this text (formatting it again keeps changing it); it was left as it is".into(),
    ))
}

/// What must survive formatting exactly: comments, placeholders, strings and every other
/// token, compared with keywords' case folded and whitespace ignored.
fn content(sql: &str) -> Result<Vec<String>> {
    let toks = sqltext::tokenize(sql)?;
    let mut out = Vec::new();
    for t in toks {
        match &t.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, prefix }) => {
                out.push(format!("{prefix}{}", comment.trim_end()));
            }
            Token::Whitespace(Whitespace::MultiLineComment(c)) => out.push(format!("/*{c}*/")),
            Token::Whitespace(_) => {}
            Token::Word(w) if w.quote_style.is_none() => out.push(w.value.to_uppercase()),
            other => out.push(other.to_string()),
        }
    }
    Ok(out)
}

fn same_content(before: &str, after: &str) -> Result<()> {
    let (a, b) = (content(before)?, content(after)?);
    if a == b {
        return Ok(());
    }
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let was = a.get(at).map(String::as_str).unwrap_or("(end)");
    let now = b.get(at).map(String::as_str).unwrap_or("(end)");
    Err(FathomError::Other(format!(
        "formatting would change the SQL itself, not only its layout (`{was}` would become `{now}`); it was left as it is"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAVED: &str = "-- name: Daily prices\n-- engine: any\n-- param: ticker text = AAPL\nselect p.trade_date, m.ticker from market_data.us_stocks_price p join reference.tb_meta m on m.meta_id = p.meta_id where m.ticker = :ticker -- the one ticker\n  and p.trade_date >= :start_date order by 1\n";

    #[test]
    fn keeps_the_header_comments_and_params() {
        let out = format_sql(SAVED).unwrap();
        assert!(out.starts_with("-- name: Daily prices\n-- engine: any\n-- param: ticker text = AAPL\nSELECT"), "{out}");
        assert!(out.contains("-- the one ticker"), "{out}");
        assert!(out.contains(":ticker") && out.contains(":start_date"), "{out}");
        assert!(out.contains("\nFROM\n") || out.contains("\nFROM "), "{out}");
        assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{out:?}");
    }

    #[test]
    fn formatting_twice_equals_formatting_once() {
        let samples = [
            SAVED,
            "select 1",
            "select a,b from t where x in (:xs) /* keep me */ group by a having count(*) > 2;\nselect 2;",
            "with a as (select 1 x), b as (select x from a) select * from b union all select * from a",
            "-- only a comment\n",
            "",
        ];
        for s in samples {
            let once = format_sql(s).unwrap();
            assert_eq!(format_sql(&once).unwrap(), once, "{s:?}");
        }
    }

    #[test]
    fn a_fragment_is_formatted_without_a_header() {
        let out = format_fragment("-- lead\nselect a from t").unwrap();
        assert!(out.starts_with("-- lead\nSELECT"), "{out}");
    }

    #[test]
    fn refuses_text_it_cannot_keep() {
        let err = format_sql("select 'unterminated").unwrap_err().to_string();
        assert!(err.contains("syntax") || err.contains("Unterminated") || err.contains("unterminated"), "{err}");
    }

    #[test]
    fn the_header_is_the_leading_comment_block() {
        assert_eq!(split_header("-- a\n\n-- b\nselect 1\n-- c\n"), ("-- a\n\n-- b\n", "select 1\n-- c\n"));
        assert_eq!(split_header("-- only"), ("", "-- only"));
    }
}
