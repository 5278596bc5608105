//! SQL highlighting for the editor: keywords, strings, numbers, comments and `:params`,
//! line by line (a block comment carries over to the next line).

/// What a run of characters is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    Str,
    Number,
    Comment,
    Param,
}

const KEYWORDS: &[&str] = &[
    "all", "and", "as", "asc", "between", "by", "case", "cast", "corr", "count", "create", "cross", "current",
    "current_date", "date", "day", "delete", "desc", "distinct", "drop", "else", "end", "except", "exists", "false",
    "following", "for", "from", "full", "group", "having", "in", "inner", "insert", "intersect", "interval", "into",
    "is", "join", "lag", "lead", "left", "like", "limit", "month", "not", "null", "of", "offset", "on", "or", "order",
    "outer", "over", "partition", "preceding", "right", "row", "rows", "select", "set", "system_time", "then",
    "timestamp", "true", "union", "update", "using", "values", "version", "when", "where", "window", "with", "year",
    "avg", "sum", "min", "max", "stddev", "date_trunc", "coalesce", "unbounded",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// Spans `(start byte, end byte, kind)` covering `line`. `in_block` says whether a `/* */`
/// comment is open at the start; it is updated for the next line.
pub fn line_spans(line: &str, in_block: &mut bool) -> Vec<(usize, usize, Kind)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let kind = if *in_block {
            match line[i..].find("*/") {
                Some(p) => {
                    i += p + 2;
                    *in_block = false;
                }
                None => i = b.len(),
            }
            Kind::Comment
        } else if line[i..].starts_with("--") {
            i = b.len();
            Kind::Comment
        } else if line[i..].starts_with("/*") {
            *in_block = true;
            i += 2;
            continue_block(line, &mut i, in_block);
            Kind::Comment
        } else if b[i] == b'\'' || b[i] == b'"' {
            let q = b[i];
            i += 1;
            while i < b.len() && b[i] != q {
                i += 1;
            }
            i = (i + 1).min(b.len());
            if q == b'"' { Kind::Plain } else { Kind::Str }
        } else if b[i] == b':' && b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') && (i == 0 || b[i - 1] != b':') {
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            Kind::Param
        } else if b[i].is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            Kind::Number
        } else if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            if is_keyword(&line[start..i]) { Kind::Keyword } else { Kind::Plain }
        } else {
            i += line[i..].chars().next().map(char::len_utf8).unwrap_or(1);
            Kind::Plain
        };
        match out.last_mut() {
            Some((_, end, k)) if *k == kind && *end == start => *end = i,
            _ => out.push((start, i, kind)),
        }
    }
    out
}

fn continue_block(line: &str, i: &mut usize, in_block: &mut bool) {
    match line[*i..].find("*/") {
        Some(p) => {
            *i += p + 2;
            *in_block = false;
        }
        None => *i = line.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds<'a>(line: &'a str, block: &mut bool) -> Vec<(&'a str, Kind)> {
        line_spans(line, block).into_iter().filter(|s| s.2 != Kind::Plain).map(|(s, e, k)| (&line[s..e], k)).collect()
    }

    #[test]
    fn classifies_keywords_strings_numbers_params_and_comments() {
        let mut block = false;
        let got = kinds("SELECT name FROM t WHERE x = 'a -- b' AND n > 42 AND d >= :start -- tail", &mut block);
        assert_eq!(
            got,
            vec![
                ("SELECT", Kind::Keyword),
                ("FROM", Kind::Keyword),
                ("WHERE", Kind::Keyword),
                ("'a -- b'", Kind::Str),
                ("AND", Kind::Keyword),
                ("42", Kind::Number),
                ("AND", Kind::Keyword),
                (":start", Kind::Param),
                ("-- tail", Kind::Comment),
            ]
        );
        assert_eq!(kinds("x::int", &mut block), vec![]);
    }

    #[test]
    fn block_comments_span_lines_and_multibyte_text_is_safe() {
        let mut block = false;
        assert_eq!(kinds("a /* open", &mut block), vec![("/* open", Kind::Comment)]);
        assert!(block);
        assert_eq!(kinds("still */ select", &mut block), vec![("still */", Kind::Comment), ("select", Kind::Keyword)]);
        assert!(!block);
        assert_eq!(kinds("'삼성전자' 삼", &mut block), vec![("'삼성전자'", Kind::Str)]);
    }
}
