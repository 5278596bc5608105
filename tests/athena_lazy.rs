//! The Athena estimate loads only the tables a query names (moto's Glue + S3 on loopback):
//! with hundreds more Iceberg tables in Glue, every one of them broken (its metadata file is
//! missing), a one-table estimate still answers, with the same bytes as before they were
//! added; the broken tables fail alone, naming their metadata file. Prints both timings (the
//! figure the issue asks for; not asserted: no timed asserts).

mod common;

use std::time::Instant;

use aws_sdk_glue::types::{DatabaseInput, StorageDescriptor, TableInput};
use common::aws::Moto;
use fathom::config::{AthenaResults, Budget};
use fathom::engine::Engine;

/// 400 in the suite; `FATHOM_LAZY_EXTRA_TABLES=1990` gives the 2,000-table figure.
fn extra_tables() -> usize {
    std::env::var("FATHOM_LAZY_EXTRA_TABLES").ok().and_then(|v| v.parse().ok()).unwrap_or(400)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_table_estimate_loads_one_table_however_large_the_catalog() {
    let Some(moto) = Moto::start() else { return };
    let (_home, engine) = moto.upload_demo("athena-lazy").await;
    let profile = moto.profile(AthenaResults::Auto);
    let q = "SELECT adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'";
    let budget = Budget::default();
    let fresh = || async { moto.engine(&profile).await };
    let t = Instant::now();
    let small = fresh().await.estimate(q, &[], &budget, false).await.expect("estimate with the demo's tables");
    let small_ms = t.elapsed().as_secs_f64() * 1e3;

    // Hundreds more Iceberg tables, in their own database, none of which can be loaded.
    let glue = &engine.clients().glue;
    glue.create_database().database_input(DatabaseInput::builder().name("archive").build().unwrap()).send().await.unwrap();
    for i in 0..extra_tables() {
        let location = format!("s3://lake/archive/t{i}/metadata/00000-missing.metadata.json");
        glue.create_table()
            .database_name("archive")
            .table_input(
                TableInput::builder()
                    .name(format!("t{i}"))
                    .table_type("EXTERNAL_TABLE")
                    .parameters("table_type", "ICEBERG")
                    .parameters("metadata_location", &location)
                    .storage_descriptor(StorageDescriptor::builder().location(format!("s3://lake/archive/t{i}")).build())
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let t = Instant::now();
    let large = fresh().await.estimate(q, &[], &budget, false).await.expect("estimate with the broken tables beside it");
    let large_ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(large.total_bytes, small.total_bytes);
    assert_eq!(large.tables.len(), 1);
    eprintln!(
        "first estimate of a one-table query on a fresh Athena engine: {small_ms:.0} ms with the demo's 10 Glue tables, {large_ms:.0} ms with {} more",
        extra_tables()
    );

    // A broken table fails alone and names its metadata file; the others still estimate.
    let e = engine.estimate("SELECT * FROM archive.t7", &[], &budget, false).await.expect_err("t7 cannot load").to_string();
    assert!(e.contains("archive.t7") && e.contains("00000-missing.metadata.json"), "{e}");
    assert!(!e.contains("--force"), "never suggests rebuilding outside the demo lake: {e}");
    assert_eq!(engine.estimate(q, &[], &budget, false).await.unwrap().total_bytes, small.total_bytes);
}
