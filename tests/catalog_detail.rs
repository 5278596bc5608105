//! `Engine::describe` on the local engine against the small demo lake: the columns and types
//! of the Iceberg schema, the partition spec as Athena writes it, and the snapshot count and
//! totals, each checked against what the engine itself reads from the lake.

mod common;

use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use fathom::config::LocalProfile;
use fathom::engine::local::LocalEngine;
use fathom::engine::{ColumnDetail, Engine, collect};

async fn engine() -> LocalEngine {
    let home = common::lake("describe");
    LocalEngine::open(&LocalProfile::demo(&home.demo_dir())).await.unwrap()
}

/// One number from a `SELECT count(*)`-like query.
async fn count(e: &LocalEngine, sql: &str) -> u64 {
    let c = collect(e.execute(sql, &[]).await.unwrap(), 10).await.unwrap();
    let col = c.batches[0].column(0);
    assert!(!col.is_null(0), "{sql}");
    col.as_primitive::<Int64Type>().value(0) as u64
}

fn column(name: &str, ty: &str, nullable: bool) -> ColumnDetail {
    ColumnDetail { name: name.into(), data_type: ty.into(), nullable }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_describe_reads_columns_partition_spec_and_snapshots_from_the_lake() {
    let e = engine().await;
    let d = e.describe("market_data", "us_stocks_price").await.unwrap();
    assert_eq!(
        d.columns,
        vec![
            column("meta_id", "int", false),
            column("trade_date", "date", false),
            column("close", "double", true),
            column("adj_close", "double", true),
            column("gross_return", "double", true),
            column("volume", "long", true),
            column("updated_at", "timestamp", true),
        ]
    );
    assert_eq!(d.partition_spec, Some(vec!["month(trade_date)".to_string()]));
    // The demo commits once per year, then once per day: count what the lake keeps.
    let snapshots = count(&e, "SELECT count(*) FROM market_data.\"us_stocks_price$snapshots\"").await;
    assert!(snapshots > 3, "a history of appends: {snapshots}");
    assert_eq!(d.snapshots, Some(snapshots as usize));
    let current = count(
        &e,
        "SELECT h.snapshot_id FROM market_data.\"us_stocks_price$history\" h WHERE h.is_current_ancestor AND NOT EXISTS \
         (SELECT 1 FROM market_data.\"us_stocks_price$history\" c WHERE c.parent_id = h.snapshot_id AND c.is_current_ancestor)",
    )
    .await;
    assert_eq!(d.current_snapshot, Some(current as i64));
    assert_eq!(d.records, Some(count(&e, "SELECT count(*) FROM market_data.us_stocks_price").await));
    assert_eq!(d.data_files, Some(count(&e, "SELECT count(*) FROM market_data.\"us_stocks_price$files\"").await));
    let bytes = count(&e, "SELECT CAST(sum(file_size_in_bytes) AS BIGINT) FROM market_data.\"us_stocks_price$files\"").await;
    assert_eq!(d.bytes, Some(bytes));

    // An unpartitioned table has an empty spec (not "unknown").
    let meta = e.describe("reference", "tb_meta").await.unwrap();
    assert_eq!(meta.partition_spec, Some(vec![]));
    assert_eq!(meta.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["meta_id", "ticker", "name", "sector", "iso_code"]);
    assert_eq!(meta.columns[1].data_type, "string");

    // A misspelt table is named, with the nearest names.
    let err = e.describe("reference", "tb_mtea").await.unwrap_err().to_string();
    assert!(err.contains("reference.tb_mtea") && err.contains("did you mean") && err.contains("reference.tb_meta"), "{err}");
}
