//! The PostgreSQL engine's catalog against a real server (`scripts/postgres-test-server`):
//! tables and columns with keys, the EXPLAIN estimate, `describe` for the catalog pane, and
//! the functions completion offers.

mod common;

use common::pg::{admin, engine, pg_url, setup};
use fathom::engine::Engine;
use fathom::library::ParamValue;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_lists_tables_and_columns_and_explain_estimates() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &[
        "DROP SCHEMA IF EXISTS t_cat CASCADE",
        "CREATE SCHEMA t_cat",
        "CREATE TABLE t_cat.parent (pid int PRIMARY KEY, label text NOT NULL)",
        "CREATE TABLE t_cat.child (cid int PRIMARY KEY, pid int REFERENCES t_cat.parent (pid), amount numeric(12,2))",
        "INSERT INTO t_cat.parent SELECT g, 'p' || g FROM generate_series(1, 10) g",
        "INSERT INTO t_cat.child SELECT g, 1 + g % 10, g * 1.25 FROM generate_series(1, 250) g",
        "ANALYZE t_cat.parent",
        "ANALYZE t_cat.child",
    ])
    .await;
    let e = engine(&url);
    let tables = e.tables().await.unwrap();
    for t in ["parent", "child"] {
        assert!(tables.iter().any(|x| x.schema == "t_cat" && x.name == t), "{t} in {tables:?}");
    }
    let cols = e.columns("t_cat", "child").await.unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["cid", "pid", "amount"]);
    assert!(cols[0].primary_key && !cols[0].nullable);
    assert_eq!(cols[1].references.as_deref(), Some("t_cat.parent(pid)"));
    assert!(cols[1].nullable && !cols[1].primary_key);
    assert_eq!(cols[2].data_type, "numeric(12,2)");
    let parent = e.columns("t_cat", "parent").await.unwrap();
    assert!(!parent[1].nullable, "label is NOT NULL");

    let budget = fathom::config::Budget::default();
    let est = e.estimate("SELECT * FROM t_cat.child", &[], &budget, false).await.unwrap();
    let pg = est.postgres.expect("a plan");
    assert_eq!(pg.rows, 250, "ANALYZEd row count");
    assert!(pg.total_cost > 0.0);
    assert_eq!(est.cost_usd, 0.0);
    let est = e.estimate("SELECT * FROM t_cat.child WHERE cid = $1", &[ParamValue::Int(7)], &budget, false).await.unwrap();
    assert_eq!(est.postgres.expect("a plan").rows, 1, "primary key lookup");
}

/// `Engine::describe` (the catalog pane's detail): columns with PostgreSQL's types and
/// nullability; no partition spec or snapshots; a missing table is named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_lists_columns_and_has_no_partitions_or_snapshots() {
    use fathom::engine::ColumnDetail;
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &[
        "DROP SCHEMA IF EXISTS t_desc CASCADE",
        "CREATE SCHEMA t_desc",
        "CREATE TABLE t_desc.prices (meta_id int NOT NULL, trade_date date NOT NULL, adj_close numeric(18,6), tags text[], PRIMARY KEY (meta_id, trade_date))",
    ])
    .await;
    let e = engine(&url);
    let d = e.describe("t_desc", "prices").await.unwrap();
    let c = |name: &str, ty: &str, nullable: bool| ColumnDetail { name: name.into(), data_type: ty.into(), nullable };
    assert_eq!(
        d.columns,
        vec![c("meta_id", "integer", false), c("trade_date", "date", false), c("adj_close", "numeric(18,6)", true), c("tags", "text[]", true)]
    );
    assert_eq!((d.partition_spec, d.snapshots, d.current_snapshot), (None, None, None));
    let err = e.describe("t_desc", "nope").await.unwrap_err().to_string();
    assert!(err.contains("t_desc.nope"), "{err}");
}

/// Completion offers the dialect's functions and the database's own (pg_proc), not the
/// internal ones of pg_catalog.
#[tokio::test]
async fn functions_include_the_databases_own() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &[
        "DROP SCHEMA IF EXISTS t_fn CASCADE",
        "CREATE SCHEMA t_fn",
        "CREATE FUNCTION t_fn.nav_ratio(a numeric, b numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT a / NULLIF(b, 0)'",
    ])
    .await;
    let names = engine(&url).functions().await.unwrap();
    for want in ["nav_ratio", "date_trunc", "coalesce"] {
        assert!(names.iter().any(|n| n == want), "{want} in {} names", names.len());
    }
    assert!(!names.iter().any(|n| n == "int4pl"), "pg_catalog's internal functions are left out");
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
}
