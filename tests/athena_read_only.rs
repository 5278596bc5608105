//! The Athena engine's read-only check is the same fail-closed classifier as PostgreSQL's:
//! Athena/Trino write forms, text the tokenizer cannot read, and `DESCRIBE t; DROP TABLE t`
//! are refused before a query reaches the server (moto on loopback: no query is started).

mod common;

use common::aws::Moto;
use fathom::config::AthenaResults;
use fathom::engine::Engine;

#[tokio::test(flavor = "multi_thread")]
async fn writes_and_unreadable_sql_never_reach_athena() {
    let Some(moto) = Moto::start() else { return };
    let engine = moto.engine(&moto.profile(AthenaResults::Auto)).await;
    for sql in [
        "UNLOAD (SELECT 1) TO 's3://bucket/x/' WITH (format = 'PARQUET')",
        "MSCK REPAIR TABLE t",
        "OPTIMIZE t REWRITE DATA USING BIN_PACK",
        "VACUUM t",
        "CREATE TABLE x AS SELECT 1 AS a",
        "INSERT INTO t SELECT * FROM s",
        "DESCRIBE t; DROP TABLE t",
        "-- DESCRIBE\nDROP TABLE t",
        "SELECT 'unterminated",
        "SELECT 1 /* open comment",
        &format!("{}SELECT 1", "EXPLAIN ".repeat(10_000)),
        "EXPLAIN ANALYZE INSERT INTO t SELECT 1",
    ] {
        let err = match engine.execute(sql, &[]).await {
            Ok(_) => panic!("{:.60}: ran on a read-only profile", sql),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("read-only") || err.contains("statements"), "{:.60}: {err}", sql);
    }
    let started = engine.clients().athena.list_query_executions().send().await.unwrap();
    assert!(started.query_execution_ids().is_empty(), "no query reached the server: {:?}", started.query_execution_ids());
}
