//! What surrounds the cursor: the word being typed (and its qualifier before a `.`, or a
//! `:` before a parameter), and the tables the statement names with their aliases, wherever
//! the FROM or JOIN is. A small scanner, not a parser: it must read half-typed SQL.

/// The word the cursor ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset in the text where the typed part starts (what a pick replaces).
    pub start: usize,
    /// The typed part (after the last `.` or `:`).
    pub typed: String,
    /// The name before the `.` (`m` of `m.tic`, `market_data` of `market_data.us`).
    pub qualifier: Option<String>,
    /// A `:param` is being typed.
    pub param: bool,
}

/// A table the statement reads, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    pub schema: Option<String>,
    pub name: String,
    pub alias: Option<String>,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The word that ends at byte offset `cursor` of `text`.
pub fn word_at(text: &str, cursor: usize) -> Word {
    let before = text.get(..cursor).unwrap_or(text);
    let start = before.char_indices().rev().take_while(|(_, c)| is_ident(*c)).last().map(|(i, _)| i).unwrap_or(before.len());
    let typed = before[start..].to_string();
    let head = &before[..start];
    let param = head.ends_with(':') && !head.ends_with("::");
    let qualifier = head.strip_suffix('.').map(|q| {
        let q = q.trim_end_matches('"');
        let from = q.char_indices().rev().take_while(|(_, c)| is_ident(*c)).last().map(|(i, _)| i).unwrap_or(q.len());
        q[from..].to_string()
    });
    Word { start, typed, qualifier: qualifier.filter(|q| !q.is_empty()), param }
}

/// A token of the scanner: a word (identifier or keyword, quotes removed) or one symbol.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String, bool),
    Sym(char),
}

/// Words and symbols outside strings and comments (an unterminated one runs to the end).
fn scan(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\'' => {
                while let Some(d) = it.next() {
                    if d == '\'' {
                        if it.peek() == Some(&'\'') {
                            it.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '-' if it.peek() == Some(&'-') => {
                for d in it.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if it.peek() == Some(&'*') => {
                it.next();
                let mut star = false;
                for d in it.by_ref() {
                    if star && d == '/' {
                        break;
                    }
                    star = d == '*';
                }
            }
            '"' => {
                let mut w = String::new();
                for d in it.by_ref() {
                    if d == '"' {
                        break;
                    }
                    w.push(d);
                }
                out.push(Tok::Word(w, true));
            }
            c if is_ident(c) => {
                let mut w = String::from(c);
                while let Some(&d) = it.peek() {
                    if !is_ident(d) {
                        break;
                    }
                    w.push(d);
                    it.next();
                }
                out.push(Tok::Word(w, false));
            }
            c if c.is_whitespace() => {}
            c => out.push(Tok::Sym(c)),
        }
    }
    out
}

/// Words that end a table reference or a FROM list (so they are never aliases).
const CLAUSE: &[&str] = &[
    "where", "group", "order", "having", "limit", "offset", "join", "left", "right", "inner", "outer", "full", "cross",
    "natural", "on", "using", "union", "intersect", "except", "window", "qualify", "for", "tablesample", "select",
    "from", "lateral", "unnest", "as", "with", "fetch",
];

fn is_clause(w: &str) -> bool {
    CLAUSE.iter().any(|k| k.eq_ignore_ascii_case(w))
}

/// The tables `text` reads after FROM (a comma list) and JOIN, with their aliases.
pub fn tables_in(text: &str) -> Vec<TableRef> {
    let toks = scan(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let starts = matches!(&toks[i], Tok::Word(w, false) if w.eq_ignore_ascii_case("from") || w.eq_ignore_ascii_case("join"));
        i += 1;
        if !starts {
            continue;
        }
        while let Some((r, next)) = table_ref(&toks, i) {
            out.push(r);
            i = next;
            if toks.get(i) == Some(&Tok::Sym(',')) {
                i += 1;
            } else {
                break;
            }
        }
    }
    out
}

/// A dotted name at `i`, then `[AS] alias`; returns it and the index after it.
fn table_ref(toks: &[Tok], mut i: usize) -> Option<(TableRef, usize)> {
    let mut parts = Vec::new();
    loop {
        match toks.get(i) {
            Some(Tok::Word(w, quoted)) if *quoted || !is_clause(w) => parts.push(w.clone()),
            _ => break,
        }
        i += 1;
        if toks.get(i) == Some(&Tok::Sym('.')) {
            i += 1;
        } else {
            break;
        }
    }
    let name = parts.pop()?;
    let schema = parts.pop();
    let mut alias = None;
    let as_kw = matches!(toks.get(i), Some(Tok::Word(w, false)) if w.eq_ignore_ascii_case("as"));
    let at = if as_kw { i + 1 } else { i };
    if let Some(Tok::Word(w, quoted)) = toks.get(at)
        && (*quoted || !is_clause(w))
    {
        alias = Some(w.clone());
        i = at + 1;
    }
    Some((TableRef { schema, name, alias }, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(schema: Option<&str>, name: &str, alias: Option<&str>) -> TableRef {
        TableRef { schema: schema.map(Into::into), name: name.into(), alias: alias.map(Into::into) }
    }

    #[test]
    fn the_word_its_qualifier_and_params() {
        let w = word_at("SELECT m.tic", 12);
        assert_eq!((w.start, w.typed.as_str(), w.qualifier.as_deref(), w.param), (9, "tic", Some("m"), false));
        let w = word_at("FROM market_data.", 17);
        assert_eq!((w.typed.as_str(), w.qualifier.as_deref()), ("", Some("market_data")));
        let w = word_at("WHERE d >= :sta", 15);
        assert_eq!((w.typed.as_str(), w.param, w.qualifier), ("sta", true, None));
        let w = word_at("SELECT x::te", 12);
        assert!(!w.param);
        let w = word_at("SELECT 삼성", "SELECT 삼성".len());
        assert_eq!(w.typed, "삼성");
        let w = word_at("SELECT ", 7);
        assert_eq!((w.start, w.typed.as_str()), (7, ""));
    }

    #[test]
    fn tables_with_aliases_wherever_the_from_is() {
        let sql = "SELECT m.ticker, p.close FROM market_data.us_stocks_price AS p \
                   JOIN reference.tb_meta m ON m.meta_id = p.meta_id WHERE p.close > 1";
        assert_eq!(tables_in(sql), vec![t(Some("market_data"), "us_stocks_price", Some("p")), t(Some("reference"), "tb_meta", Some("m"))]);
        let sql = "SELECT a.x FROM tb_meta a, \"portfolio\".\"tb_nav\" n, analytics.tb_metrics LEFT JOIN x ON true";
        let want = vec![
            t(None, "tb_meta", Some("a")),
            t(Some("portfolio"), "tb_nav", Some("n")),
            t(Some("analytics"), "tb_metrics", None),
            t(None, "x", None),
        ];
        assert_eq!(tables_in(sql), want);
        // Strings and comments never name tables; half-typed SQL still reads.
        assert_eq!(tables_in("SELECT 'FROM a' -- FROM b\nFROM c WHERE"), vec![t(None, "c", None)]);
        assert_eq!(tables_in("SELECT * FROM reference."), vec![t(None, "reference", None)]);
    }
}
