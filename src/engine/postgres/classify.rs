//! The statement classifier: is this SQL a read, or does it write (or change session state)?
//! It reads tokens (so strings and comments never count), refuses more than one statement,
//! sees DML inside CTEs, `EXPLAIN ANALYZE <write>`, `SELECT ... INTO`, `FOR UPDATE`, and treats
//! every statement it does not know to be a read as a write (default deny). The READ ONLY
//! transaction the engine opens is the second line of defence.

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

/// Classifies `sql`. Text the tokenizer cannot read is a read here: the server parses it, and
/// the READ ONLY transaction refuses it if it writes.
pub fn classify(sql: &str) -> Result<Class, ClassifyError> {
    let Ok(toks) = tokenize(sql) else {
        return Ok(Class::Read);
    };
    let sig: Vec<&Tok> = toks.iter().filter(|t| !is_trivia(&t.token)).collect();
    let statements: Vec<&[&Tok]> =
        sig.split(|t| t.token == Token::SemiColon).filter(|s| !s.is_empty()).collect();
    match statements.len() {
        0 => Err(ClassifyError::Empty),
        1 => Ok(statement(statements[0])),
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
    Class::Write { what: what.to_ascii_uppercase() }
}

/// One statement's significant tokens.
fn statement(toks: &[&Tok]) -> Class {
    // A query may open with parentheses: `(SELECT 1) UNION (SELECT 2)`.
    let lead = toks.iter().take_while(|t| t.token == Token::LParen).count();
    let Some(first) = toks.get(lead) else {
        return Class::Read;
    };
    let Some(head) = kw(first) else {
        return write(&format!("a statement starting with {}", first.token));
    };
    if !READ_STARTS.contains(&head.as_str()) {
        return write(&head);
    }
    if head == "show" {
        return Class::Read;
    }
    if head == "explain" {
        return explain(&toks[lead + 1..]);
    }
    query(&toks[lead..])
}

/// `EXPLAIN [ANALYZE] [VERBOSE] [(options)] stmt`: only ANALYZE runs the statement.
fn explain(rest: &[&Tok]) -> Class {
    let mut analyze = false;
    let mut i = 0;
    while let Some(t) = rest.get(i) {
        if t.token == Token::LParen && i == 0 {
            // option list: ANALYZE [true|on|1], other options
            let close = rest.iter().position(|t| t.token == Token::RParen).unwrap_or(rest.len());
            let opts = &rest[1..close];
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
    let inner = &rest[i.min(rest.len())..];
    match (analyze, statement(inner)) {
        (true, Class::Write { what }) => Class::Write { what: format!("EXPLAIN ANALYZE {what}") },
        _ => Class::Read,
    }
}

/// A SELECT/VALUES/TABLE/WITH query: writes when it has DML in or after its CTEs,
/// `SELECT ... INTO`, or a row-locking clause.
fn query(toks: &[&Tok]) -> Class {
    for (i, t) in toks.iter().enumerate() {
        let Some(k) = kw(t) else { continue };
        let prev = i.checked_sub(1).map(|p| &toks[p].token);
        let after_paren = matches!(prev, Some(Token::LParen | Token::RParen));
        if DML.contains(&k.as_str()) && after_paren {
            return write(&format!("{k} in a WITH query"));
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
}
