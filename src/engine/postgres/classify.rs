//! The statement classifier: is this SQL a read, or does it write (or change session state)?
//! It reads tokens (so strings and comments never count), refuses more than one statement,
//! sees DML inside CTEs, `EXPLAIN ANALYZE <write>`, `SELECT ... INTO`, `FOR UPDATE`, calls of
//! functions with side effects (`side_effects.txt`: `pg_terminate_backend`, `lo_*`, ...), and
//! fails closed: text it cannot tokenize and every statement it does not know to be a read is
//! a write. The READ ONLY transaction the engine opens is the second line of defence.

use datafusion::sql::sqlparser::tokenizer::Token;

use crate::sqltext::{Tok, is_keyword, is_trivia, tokenize, word};

/// What a statement does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// Reads only (SELECT, VALUES, TABLE, SHOW, EXPLAIN without ANALYZE of anything).
    Read,
    /// Writes data, changes the schema or the session; `what` names the form, e.g. "DELETE".
    Write { what: String },
}

/// Why a text cannot be run as one statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    #[error("the SQL is empty (only whitespace or comments)")]
    Empty,
    #[error("{0} statements in one run: fathom runs one statement at a time; run them one by one")]
    Multiple(usize),
}

/// Statements that only read.
const READ_STARTS: &[&str] = &["select", "values", "table", "show", "with", "explain"];
/// Statements that write rows.
const DML: &[&str] = &["insert", "update", "delete", "merge"];
/// `EXPLAIN EXPLAIN ...` deeper than this is refused (PostgreSQL takes one).
const MAX_EXPLAIN: usize = 4;
/// Functions whose call is a write (one name a line, `*` = prefix), shipped with the binary.
pub const SIDE_EFFECTS: &str = include_str!("side_effects.txt");

/// A side-effecting function name or `prefix*` from `SIDE_EFFECTS`.
pub fn side_effect_patterns() -> impl Iterator<Item = &'static str> {
    SIDE_EFFECTS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// True if a function called `name` (lower case, unqualified) has side effects.
fn has_side_effects(name: &str) -> bool {
    side_effect_patterns().any(|p| match p.split_once('*') {
        Some((pre, post)) => name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post),
        None => name == p,
    })
}

/// Classifies `sql`. Text the tokenizer cannot read is a write: fathom cannot tell what it does.
pub fn classify(sql: &str) -> Result<Class, ClassifyError> {
    let toks = match tokenize(sql) {
        Ok(t) => t,
        Err(e) => return Ok(write(&format!("SQL fathom cannot tokenize ({e}), which it counts as a write,"))),
    };
    let sig: Vec<&Tok> = toks.iter().filter(|t| !is_trivia(&t.token)).collect();
    let statements: Vec<&[&Tok]> =
        sig.split(|t| t.token == Token::SemiColon).filter(|s| !s.is_empty()).collect();
    match statements.len() {
        0 => Err(ClassifyError::Empty),
        1 => Ok(side_effect(statements[0]).unwrap_or_else(|| statement(statements[0]))),
        n => Err(ClassifyError::Multiple(n)),
    }
}

fn kw(t: &Tok) -> Option<String> {
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

fn write(what: &str) -> Class {
    Class::Write { what: what.to_string() }
}

/// The first call of a function with side effects, as a write. `set_config(name, value, true)`
/// (local to the transaction) is a read; any other `set_config` is a write.
fn side_effect(toks: &[&Tok]) -> Option<Class> {
    for (i, t) in toks.iter().enumerate() {
        let Token::Word(w) = &t.token else { continue };
        if toks.get(i + 1).is_none_or(|n| n.token != Token::LParen) {
            continue;
        }
        let name = w.value.to_ascii_lowercase();
        if !has_side_effects(&name) {
            continue;
        }
        if name == "set_config" && set_config_is_local(&toks[i + 2..]) {
            continue;
        }
        return Some(write(&format!("{}() (a function with side effects)", name.to_ascii_uppercase())));
    }
    None
}

/// True if the argument list after `set_config(` ends with a bare `true` third argument.
fn set_config_is_local(args: &[&Tok]) -> bool {
    let mut depth = 0usize;
    let mut commas = 0;
    let mut third: Vec<&Token> = Vec::new();
    for t in args {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => break,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                commas += 1;
                continue;
            }
            _ => {}
        }
        if commas == 2 {
            third.push(&t.token);
        }
    }
    commas == 2 && matches!(third.as_slice(), [t] if is_keyword(t, "true"))
}

/// One statement's significant tokens. `EXPLAIN` prefixes are peeled in a loop, at most
/// `MAX_EXPLAIN` deep.
fn statement(mut toks: &[&Tok]) -> Class {
    let (mut explains, mut analyze) = (0, false);
    loop {
        // A query may open with parentheses: `(SELECT 1) UNION (SELECT 2)`.
        let lead = toks.iter().take_while(|t| t.token == Token::LParen).count();
        let Some(first) = toks.get(lead) else {
            return write("a statement fathom cannot read (nothing after its parentheses)");
        };
        let Some(head) = kw(first) else {
            return write(&format!("a statement starting with {}", first.token));
        };
        if head == "explain" {
            explains += 1;
            if explains > MAX_EXPLAIN {
                return write(&format!("EXPLAIN nested more than {MAX_EXPLAIN} deep"));
            }
            let (a, skip) = explain_options(&toks[lead + 1..]);
            analyze |= a;
            toks = &toks[(lead + 1 + skip).min(toks.len())..];
            continue;
        }
        let class = if !READ_STARTS.contains(&head.as_str()) {
            write(&head.to_ascii_uppercase())
        } else if head == "show" {
            Class::Read
        } else {
            query(&toks[lead..])
        };
        return match class {
            Class::Write { what } if explains > 0 && analyze => Class::Write { what: format!("EXPLAIN ANALYZE {what}") },
            Class::Write { .. } if explains > 0 => Class::Read,
            other => other,
        };
    }
}

/// `[ANALYZE] [VERBOSE] [(options)]` after `EXPLAIN`: whether ANALYZE is on (only then is the
/// statement run), and how many tokens the options take.
fn explain_options(rest: &[&Tok]) -> (bool, usize) {
    let mut analyze = false;
    let mut i = 0;
    while let Some(t) = rest.get(i) {
        if t.token == Token::LParen && i == 0 {
            // option list: ANALYZE [true|on|1], other options
            let close = rest.iter().position(|t| t.token == Token::RParen).unwrap_or(rest.len());
            let opts = &rest[1..close.max(1)];
            for (j, o) in opts.iter().enumerate() {
                if is_keyword(&o.token, "analyze") || is_keyword(&o.token, "analyse") {
                    let off = opts.get(j + 1).is_some_and(|v| {
                        is_keyword(&v.token, "false")
                            || is_keyword(&v.token, "off")
                            || matches!(&v.token, Token::Number(n, _) if n == "0")
                    });
                    analyze |= !off;
                }
            }
            i = close + 1;
            continue;
        }
        match kw(t).as_deref() {
            Some("analyze" | "analyse") => analyze = true,
            Some("verbose") => {}
            _ => break,
        }
        i += 1;
    }
    (analyze, i)
}

/// A SELECT/VALUES/TABLE/WITH query: writes when it has DML in or after its CTEs,
/// `SELECT ... INTO`, or a row-locking clause.
fn query(toks: &[&Tok]) -> Class {
    for (i, t) in toks.iter().enumerate() {
        let Some(k) = kw(t) else { continue };
        let prev = i.checked_sub(1).map(|p| &toks[p].token);
        let after_paren = matches!(prev, Some(Token::LParen | Token::RParen));
        if DML.contains(&k.as_str()) && after_paren {
            return write(&format!("{} in a WITH query", k.to_ascii_uppercase()));
        }
        if k == "into" {
            return write("SELECT ... INTO");
        }
        if k == "for" {
            let next = toks.get(i + 1).and_then(|n| kw(n));
            let next2 = toks.get(i + 2).and_then(|n| kw(n));
            let locks = matches!(
                (next.as_deref(), next2.as_deref()),
                (Some("update" | "share"), _) | (Some("no"), Some("key")) | (Some("key"), Some("share"))
            );
            if locks {
                return write("SELECT ... FOR UPDATE/SHARE (row locks)");
            }
        }
    }
    Class::Read
}

/// The first word of `sql`, for messages ("SELECT", "DELETE").
pub fn first_word(sql: &str) -> Option<String> {
    let toks = tokenize(sql).ok()?;
    toks.iter().find(|t| !is_trivia(&t.token)).and_then(|t| word(&t.token)).map(str::to_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_write(sql: &str) -> bool {
        matches!(classify(sql).unwrap(), Class::Write { .. })
    }

    #[test]
    fn reads_are_reads() {
        for sql in [
            "SELECT 1",
            "select * from tb_meta where ticker = 'AAPL';",
            "  -- a comment\n SELECT updated_at, deleted, inserted_by FROM t",
            "SELECT 'DELETE FROM tb_meta' AS s",
            "SELECT \"update\", \"into\" FROM t",
            "/* DROP TABLE x; */ SELECT 1",
            "SELECT 1 -- ; DELETE FROM t",
            "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
            "WITH RECURSIVE r(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
            "VALUES (1), (2)",
            "TABLE tb_meta",
            "SHOW statement_timeout",
            "EXPLAIN SELECT 1",
            "EXPLAIN DELETE FROM t",
            "EXPLAIN (ANALYZE false) DELETE FROM t",
            "EXPLAIN ANALYZE SELECT * FROM t",
            "(SELECT 1) UNION (SELECT 2)",
            "SELECT $$DELETE FROM t$$",
            "SELECT data->>'k', x::text, $1, E'it''s' FROM t WHERE a ~ 'x' AND b @> '{}'::jsonb",
            "SELECT u.* FROM tb_universe u JOIN tb_meta m USING (meta_id) WHERE m.name LIKE '%삼성%'",
        ] {
            assert_eq!(classify(sql).unwrap(), Class::Read, "{sql}");
        }
    }

    #[test]
    fn every_write_form_is_a_write() {
        for sql in [
            "INSERT INTO t VALUES (1)",
            "update t set a = 1",
            "DELETE FROM t",
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
            "TRUNCATE t",
            "COPY t FROM '/tmp/x'",
            "COPY (SELECT 1) TO '/tmp/x'",
            "CALL p()",
            "DO $$ BEGIN DELETE FROM t; END $$",
            "CREATE TABLE t (a int)",
            "ALTER TABLE t ADD COLUMN b int",
            "DROP TABLE t",
            "GRANT SELECT ON t TO public",
            "REVOKE SELECT ON t FROM public",
            "SET statement_timeout = 0",
            "RESET ALL",
            "VACUUM t",
            "ANALYZE t",
            "LOCK TABLE t",
            "COMMENT ON TABLE t IS 'x'",
            "REFRESH MATERIALIZED VIEW v",
            "BEGIN",
            "COMMIT",
            "PREPARE p AS DELETE FROM t",
            "EXECUTE p",
            "NOTIFY c",
            "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
            "WITH x AS MATERIALIZED (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x",
            "WITH x AS (SELECT 1) DELETE FROM t",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
            "EXPLAIN ANALYZE DELETE FROM t",
            "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1",
            "EXPLAIN ANALYZE VERBOSE WITH x AS (DELETE FROM t RETURNING 1) SELECT 1",
            "SELECT * INTO new_t FROM t",
            "SELECT * FROM t FOR UPDATE",
            "SELECT * FROM t FOR NO KEY UPDATE",
            "SELECT * FROM t FOR SHARE",
            "-- comment first\nDELETE FROM t",
            "/* c */ (DELETE FROM t)",
        ] {
            assert!(is_write(sql), "{sql} should be a write");
        }
    }

    #[test]
    fn writes_are_named() {
        assert_eq!(classify("delete from t").unwrap(), Class::Write { what: "DELETE".into() });
        assert_eq!(
            classify("EXPLAIN ANALYZE DELETE FROM t").unwrap(),
            Class::Write { what: "EXPLAIN ANALYZE DELETE".into() }
        );
    }

    #[test]
    fn multiple_statements_and_empty_text_are_refused() {
        assert_eq!(classify("SELECT 1; SELECT 2").unwrap_err(), ClassifyError::Multiple(2));
        assert_eq!(classify("SELECT 1; DELETE FROM t;").unwrap_err(), ClassifyError::Multiple(2));
        assert_eq!(classify("SELECT 1;;").unwrap(), Class::Read);
        assert_eq!(classify("SELECT ';'; ").unwrap(), Class::Read);
        assert_eq!(classify(" -- nothing\n").unwrap_err(), ClassifyError::Empty);
        assert_eq!(first_word(" -- x\n delete from t").as_deref(), Some("DELETE"));
    }

    #[test]
    fn the_shipped_side_effect_list_parses() {
        let names: Vec<&str> = side_effect_patterns().collect();
        assert!(names.len() >= 30, "{names:?}");
        for n in &names {
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '*'), "bad entry {n:?}");
            assert!(n.matches('*').count() <= 1, "{n}: one * at most");
        }
        for name in ["pg_terminate_backend", "pg_advisory_lock_shared", "lo_unlink", "dblink_exec", "pg_create_logical_replication_slot", "pg_switch_wal"] {
            assert!(has_side_effects(name), "{name}");
        }
        for name in ["pg_backend_pid", "now", "lower", "pg_create_whatever", "logical"] {
            assert!(!has_side_effects(name), "{name}");
        }
    }

    #[test]
    fn side_effecting_functions_are_writes() {
        for sql in [
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
            "select PG_CANCEL_BACKEND(123)",
            "SELECT pg_catalog.pg_reload_conf()",
            "SELECT \"pg_rotate_logfile\"()",
            "SELECT set_config('search_path', 'x', false)",
            "SELECT set_config('search_path', 'x', (false))",
            "SELECT set_config('search_path', 'x', $1)",
            "SELECT pg_advisory_lock(1)",
            "SELECT pg_try_advisory_xact_lock(1, 2)",
            "SELECT lo_import('/etc/passwd')",
            "SELECT lo_export(1, '/tmp/x')",
            "SELECT * FROM dblink('host=x', 'DELETE FROM t') AS t(a int)",
            "SELECT pg_switch_wal()",
            "SELECT * FROM pg_create_physical_replication_slot('s')",
            "SELECT nextval('s')",
            "WITH x AS (SELECT pg_terminate_backend(1)) SELECT * FROM x",
            "SELECT query_to_xml('DELETE FROM t RETURNING 1', true, true, '')",
            "EXPLAIN ANALYZE SELECT pg_cancel_backend(1)",
            "SELECT pg_terminate_backend /* hidden */ (1)",
        ] {
            assert!(is_write(sql), "{sql} should be a write");
        }
        assert_eq!(
            classify("SELECT pg_terminate_backend(pid) FROM pg_stat_activity").unwrap(),
            Class::Write { what: "PG_TERMINATE_BACKEND() (a function with side effects)".into() }
        );
        for sql in [
            "SELECT set_config('statement_timeout', '5s', true)",
            "SELECT 'pg_terminate_backend(1)'",
            "SELECT pg_terminate_backend FROM t",
            "SELECT current_setting('search_path'), pg_backend_pid()",
        ] {
            assert_eq!(classify(sql).unwrap(), Class::Read, "{sql}");
        }
    }

    #[test]
    fn text_that_does_not_tokenize_is_a_write() {
        for sql in ["SELECT 'open", "DELETE FROM t WHERE a = 'x", "SELECT $$ unterminated", "SELECT \"x"] {
            let Class::Write { what } = classify(sql).unwrap() else { panic!("{sql} should be a write") };
            assert!(what.contains("cannot tokenize"), "{what}");
        }
        assert!(is_write("(((("), "only parentheses");
    }

    #[test]
    fn explain_nesting_is_bounded() {
        assert_eq!(classify("EXPLAIN EXPLAIN SELECT 1").unwrap(), Class::Read);
        let deep = format!("{} SELECT 1", "EXPLAIN ".repeat(10_000));
        let Class::Write { what } = classify(&deep).unwrap() else { panic!("deep EXPLAIN should be refused") };
        assert!(what.contains("nested more than"), "{what}");
        let parens = format!("{}SELECT 1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(classify(&parens).unwrap(), Class::Read);
    }
}
