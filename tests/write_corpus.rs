//! The classifier fails closed on a corpus of write forms (PostgreSQL's and Athena/Trino's:
//! stacked, commented, nested in CTEs, EXPLAIN ANALYZE, PREPARE/EXECUTE, DO blocks, COPY ...
//! TO PROGRAM, UNLOAD, MSCK, OPTIMIZE, VACUUM, side-effecting functions). Each is refused by
//! the classifier and by a read-only PostgreSQL profile on the real test server, and the
//! database is unchanged afterwards: a checksum of every table, the sequences, the advisory
//! locks, and the other sessions (one of the forms tries to terminate one).

mod common;

use common::pg::{admin, pg_url};
use fathom::config::PostgresProfile;
use fathom::engine::postgres::PostgresEngine;
use fathom::engine::postgres::classify::{Class, classify};
use fathom::engine::{Engine, collect};
use sqlx::{Connection, Row};
use sqlx::postgres::PgPool;

/// `{pid}` is replaced by the process id of another session the test holds open.
const CORPUS: &[&str] = &[
    // PostgreSQL DML and DDL, plain, commented and stacked
    "INSERT INTO t_corpus.a VALUES (100, 'x')",
    "UPDATE t_corpus.a SET v = 'changed'",
    "DELETE FROM t_corpus.a",
    "MERGE INTO t_corpus.a USING t_corpus.b ON false WHEN NOT MATCHED THEN INSERT VALUES (7, 'm')",
    "TRUNCATE t_corpus.a",
    "DROP TABLE t_corpus.a",
    "ALTER TABLE t_corpus.a ADD COLUMN z int",
    "CREATE TABLE t_corpus.c (a int)",
    "CREATE INDEX ON t_corpus.a (v)",
    "COMMENT ON TABLE t_corpus.a IS 'changed'",
    "-- a comment first\nDELETE FROM t_corpus.a",
    "/* SELECT */ DELETE FROM t_corpus.a",
    "/* nested /* comment */ still */ UPDATE t_corpus.a SET v = 'n'",
    "SELECT 1; DELETE FROM t_corpus.a",
    "DELETE FROM t_corpus.a; SELECT 1",
    "SELECT 1;\n-- ;\nDROP TABLE t_corpus.b;",
    // inside CTEs and queries
    "WITH d AS (DELETE FROM t_corpus.a RETURNING *) SELECT count(*) FROM d",
    "WITH u AS MATERIALIZED (UPDATE t_corpus.a SET v = 'w' RETURNING id) SELECT * FROM u",
    "WITH x AS (SELECT 1) INSERT INTO t_corpus.a SELECT 50, 'cte' FROM x",
    "WITH RECURSIVE r(n) AS (SELECT 1) DELETE FROM t_corpus.a",
    "SELECT * INTO t_corpus.copy FROM t_corpus.a",
    "SELECT * FROM t_corpus.a FOR UPDATE",
    "(((DELETE FROM t_corpus.a)))",
    // EXPLAIN ANALYZE runs the statement
    "EXPLAIN ANALYZE DELETE FROM t_corpus.a",
    "EXPLAIN (ANALYZE, BUFFERS) UPDATE t_corpus.a SET v = 'e'",
    "EXPLAIN (ANALYZE true, FORMAT JSON) INSERT INTO t_corpus.a VALUES (101, 'e')",
    "EXPLAIN ANALYZE VERBOSE WITH d AS (DELETE FROM t_corpus.a RETURNING 1) SELECT 1",
    "EXPLAIN ANALYZE SELECT pg_advisory_lock(42)",
    // PREPARE / EXECUTE, DO, CALL, COPY
    "PREPARE p AS DELETE FROM t_corpus.a",
    "EXECUTE p",
    "DO $$ BEGIN DELETE FROM t_corpus.a; END $$",
    "DO LANGUAGE plpgsql $body$ BEGIN EXECUTE 'DROP TABLE t_corpus.a'; END $body$",
    "CALL t_corpus.noop()",
    "COPY t_corpus.a FROM '/tmp/fathom-corpus.csv'",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/fathom-corpus-pwned'",
    "COPY t_corpus.a TO STDOUT",
    // session and server state
    "SET search_path = t_corpus",
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    "RESET ALL",
    "BEGIN",
    "COMMIT",
    "LOCK TABLE t_corpus.a",
    "VACUUM t_corpus.a",
    "ANALYZE t_corpus.a",
    "REFRESH MATERIALIZED VIEW t_corpus.mv",
    "GRANT SELECT ON t_corpus.a TO PUBLIC",
    "NOTIFY fathom_corpus",
    "LISTEN fathom_corpus",
    // side-effecting functions a READ ONLY transaction lets through
    "SELECT pg_terminate_backend({pid})",
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = {pid}",
    "SELECT pg_cancel_backend({pid})",
    "SELECT pg_catalog.pg_reload_conf()",
    "SELECT pg_rotate_logfile()",
    "SELECT set_config('search_path', 't_corpus', false)",
    "SELECT pg_advisory_lock(42)",
    "SELECT pg_try_advisory_lock(43)",
    "SELECT lo_create(0)",
    "SELECT lo_import('/etc/hostname')",
    "SELECT pg_switch_wal()",
    "SELECT pg_create_physical_replication_slot('fathom_corpus')",
    "SELECT * FROM pg_create_logical_replication_slot('fathom_corpus2', 'test_decoding')",
    "SELECT nextval('t_corpus.s')",
    "SELECT setval('t_corpus.s', 1000)",
    "SELECT query_to_xml('DELETE FROM t_corpus.a RETURNING 1', true, true, '')",
    "WITH k AS (SELECT pg_terminate_backend({pid})) SELECT * FROM k",
    "SELECT \"pg_cancel_backend\"({pid})",
    // Athena / Trino
    "UNLOAD (SELECT * FROM t_corpus.a) TO 's3://bucket/x/' WITH (format = 'PARQUET')",
    "MSCK REPAIR TABLE t_corpus.a",
    "OPTIMIZE t_corpus.a REWRITE DATA USING BIN_PACK",
    "VACUUM t_corpus.a",
    "CREATE TABLE t_corpus.ctas AS SELECT * FROM t_corpus.a",
    "CREATE TABLE t_corpus.ctas WITH (table_type = 'ICEBERG') AS SELECT 1 AS a",
    "INSERT INTO t_corpus.a SELECT * FROM t_corpus.b",
    "ALTER TABLE t_corpus.a ADD COLUMNS (z int)",
    "DROP TABLE IF EXISTS t_corpus.a",
    "ALTER TABLE t_corpus.a SET TBLPROPERTIES ('x' = 'y')",
    // what fathom cannot read is a write
    "DELETE FROM t_corpus.a WHERE v = 'unterminated",
    "SELECT $$ DELETE FROM t_corpus.a",
    "SELECT 1 /* DROP TABLE t_corpus.a",
    "\"DELETE\" FROM t_corpus.a",
];

#[test]
fn every_form_of_the_corpus_is_a_write_or_refused() {
    assert!(CORPUS.len() >= 40, "{}", CORPUS.len());
    for sql in CORPUS {
        let sql = sql.replace("{pid}", "12345");
        match classify(&sql) {
            Ok(Class::Write { what }) => assert!(!what.is_empty(), "{sql}"),
            Ok(Class::Read) => panic!("{sql} classified as a read"),
            Err(_) => {} // more than one statement: refused
        }
    }
}

/// A checksum of every table and sequence the server has outside the system schemas.
async fn checksum(pool: &PgPool) -> Vec<(String, String)> {
    let rels: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT n.nspname::text, c.relname::text, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'S', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (schema, name, kind) in rels {
        let q = format!(
            "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), 'empty') FROM \"{}\".\"{}\" t",
            schema.replace('"', "\"\""),
            name.replace('"', "\"\"")
        );
        let sum: String = match sqlx::query_scalar(&q).fetch_one(pool).await {
            Ok(s) => s,
            Err(e) => format!("unreadable: {e}"),
        };
        out.push((format!("{schema}.{name} ({kind})"), sum));
    }
    let cols: Vec<String> = sqlx::query_scalar(
        "SELECT table_schema || '.' || table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    out.push(("columns".into(), cols.join(",")));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_profile_refuses_the_corpus_and_the_database_is_unchanged() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    for s in [
        "DROP SCHEMA IF EXISTS t_corpus CASCADE",
        "CREATE SCHEMA t_corpus",
        "CREATE TABLE t_corpus.a (id int PRIMARY KEY, v text)",
        "CREATE TABLE t_corpus.b (id int PRIMARY KEY, v text)",
        "INSERT INTO t_corpus.a VALUES (1, 'one'), (2, '둘')",
        "INSERT INTO t_corpus.b VALUES (3, 'three')",
        "CREATE SEQUENCE t_corpus.s",
        "CREATE MATERIALIZED VIEW t_corpus.mv AS SELECT count(*) AS n FROM t_corpus.a",
        "CREATE PROCEDURE t_corpus.noop() LANGUAGE sql AS $$ DELETE FROM t_corpus.a $$",
    ] {
        sqlx::raw_sql(s).execute(&pool).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    // another session the corpus tries to kill
    let mut other = sqlx::PgConnection::connect(&url).await.unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut other).await.unwrap();
    let before = checksum(&pool).await;
    let slots_before: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_replication_slots").fetch_one(&pool).await.unwrap();

    let engine = PostgresEngine::open("corpus", &PostgresProfile::from_url(&url), false).unwrap();
    for sql in CORPUS {
        let sql = sql.replace("{pid}", &pid.to_string());
        let res = match engine.execute(&sql, &[]).await {
            Ok(stream) => collect(stream, 100).await.map(|c| c.rows()),
            Err(e) => Err(e),
        };
        let err = match res {
            Ok(rows) => panic!("{sql}: ran ({rows} rows) instead of being refused"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("refused"), "{sql}: {err}");
    }

    assert_eq!(checksum(&pool).await, before, "a table, sequence or column changed");
    let alive: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut other).await.expect("the other session survives");
    assert_eq!(alive, pid);
    let locks: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetch_one(&pool).await.unwrap();
    assert_eq!(locks, 0, "no advisory lock is held");
    let slots: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_replication_slots").fetch_one(&pool).await.unwrap();
    assert_eq!(slots, slots_before, "no replication slot was created");
    let los: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_largeobject_metadata").fetch_one(&pool).await.unwrap();
    assert_eq!(los, 0, "no large object was created");
    assert!(!std::path::Path::new("/tmp/fathom-corpus-pwned").exists(), "COPY TO PROGRAM ran");
    // the engine's own session still reads, with the server's defaults
    let c = collect(engine.execute("SELECT current_setting('search_path') AS p", &[]).await.unwrap(), 10).await.unwrap();
    let p = c.batches[0].column(0).as_any().downcast_ref::<arrow::array::StringArray>().unwrap().value(0).to_string();
    assert!(!p.contains("t_corpus"), "search_path was changed for the session: {p}");
    let row = sqlx::query("SELECT count(*) AS n FROM t_corpus.a").fetch_one(&pool).await.unwrap();
    assert_eq!(row.get::<i64, _>("n"), 2);
}
