//! SQL text as tokens with byte offsets, so rewrites (parameter binding, time travel) can
//! splice the user's text without reprinting it, and never touch strings or comments.

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::{FathomError, Result};

/// A token and the byte range it covers in the source text.
#[derive(Debug, Clone)]
pub struct Tok {
    pub token: Token,
    pub start: usize,
    pub end: usize,
}

/// Tokenizes `sql` (whitespace and comments included, as tokens).
pub fn tokenize(sql: &str) -> Result<Vec<Tok>> {
    let dialect = GenericDialect {};
    let spanned = Tokenizer::new(&dialect, sql).tokenize_with_location().map_err(|e| {
        FathomError::Syntax {
            message: e.message.clone(),
            position: format!(" at line {}:{}", e.location.line, e.location.column),
        }
    })?;
    // Token starts as byte offsets, in one pass: tokens come in order, so a cursor walks the
    // text once (line/column lookups per token would be quadratic on a long line).
    let mut chars = sql.chars();
    let (mut line, mut column, mut byte) = (1u64, 1u64, 0usize);
    let starts: Vec<usize> = spanned
        .iter()
        .map(|t| {
            let want = (t.span.start.line, t.span.start.column);
            while (line, column) < want {
                let Some(c) = chars.next() else { break };
                byte += c.len_utf8();
                if c == '\n' {
                    (line, column) = (line + 1, 1);
                } else {
                    column += 1;
                }
            }
            byte
        })
        .collect();
    Ok(spanned
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.token != Token::EOF)
        .map(|(i, t)| {
            let end = starts.get(i + 1).copied().unwrap_or(sql.len()).max(starts[i]);
            Tok { token: t.token, start: starts[i], end }
        })
        .collect())
}

/// True for whitespace and comments.
pub fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

/// The word's text if `t` is a bare or quoted identifier/keyword.
pub fn word(t: &Token) -> Option<&str> {
    match t {
        Token::Word(w) => Some(w.value.as_str()),
        _ => None,
    }
}

/// True if `t` is the unquoted keyword `kw` (case-insensitive).
pub fn is_keyword(t: &Token, kw: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

/// Replaces byte ranges of `sql` (sorted, non-overlapping) by new text.
pub fn splice(sql: &str, edits: &[(usize, usize, String)]) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for (start, end, text) in edits {
        out.push_str(&sql[at..*start]);
        out.push_str(text);
        at = *end;
    }
    out.push_str(&sql[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_cover_the_text_exactly_even_with_multibyte_chars() {
        let sql = "SELECT '삼성전자' AS n,\n  x -- 주석\nFROM t";
        let toks = tokenize(sql).unwrap();
        let rebuilt: String = toks.iter().map(|t| &sql[t.start..t.end]).collect();
        assert_eq!(rebuilt, sql);
        let from = toks.iter().find(|t| is_keyword(&t.token, "from")).unwrap();
        assert_eq!(&sql[from.start..from.end], "FROM");
    }

    #[test]
    fn offsets_stay_exact_on_long_lines_and_many_lines() {
        let sql = format!("{}SELECT '삼성', \"x\"{}\n-- c\n  FROM t", "(".repeat(3000), ")".repeat(3000));
        let toks = tokenize(&sql).unwrap();
        let rebuilt: String = toks.iter().map(|t| &sql[t.start..t.end]).collect();
        assert_eq!(rebuilt, sql);
        let from = toks.iter().find(|t| is_keyword(&t.token, "from")).unwrap();
        assert_eq!(&sql[from.start..from.end], "FROM");
    }

    #[test]
    fn unterminated_string_reports_line_and_column() {
        let err = tokenize("SELECT 1,\n 'abc").unwrap_err().to_string();
        assert!(err.contains("line 2:"), "{err}");
    }
}
