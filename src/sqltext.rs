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
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: u64, column: u64| -> usize {
        let Some(&ls) = line_starts.get((line as usize).saturating_sub(1)) else {
            return sql.len();
        };
        sql[ls..]
            .char_indices()
            .nth((column as usize).saturating_sub(1))
            .map(|(i, _)| ls + i)
            .unwrap_or(sql.len())
    };
    let starts: Vec<usize> =
        spanned.iter().map(|t| offset(t.span.start.line, t.span.start.column)).collect();
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
    fn unterminated_string_reports_line_and_column() {
        let err = tokenize("SELECT 1,\n 'abc").unwrap_err().to_string();
        assert!(err.contains("line 2:"), "{err}");
    }
}
