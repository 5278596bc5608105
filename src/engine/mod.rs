//! Engines behind one object-safe trait. Every engine returns Arrow `RecordBatch`es.

pub mod functions;
pub mod lake_catalog;
pub mod local;
pub mod metadata_tables;
pub mod postgres;
pub mod scan;
pub mod timetravel;

use std::pin::Pin;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use async_trait::async_trait;
use futures::Stream;

use crate::config::Budget;
use crate::error::Result;
use crate::estimate::Estimate;
use crate::library::{ParamValue, PlaceholderStyle};

/// A stream of result batches.
pub type BatchStream = Pin<Box<dyn Stream<Item = Result<RecordBatch>> + Send>>;

/// Bytes the engine reports having scanned for a query, once its batches are consumed.
pub type ScannedBytes = Box<dyn Fn() -> Option<u64> + Send + Sync>;

/// A running query: its schema, then its batches. Dropping it cancels the query.
pub struct QueryStream {
    pub schema: SchemaRef,
    pub batches: BatchStream,
    /// Data bytes read (local: from the scan metrics; Athena: DataScannedInBytes).
    pub scanned: ScannedBytes,
}

/// A table the engine can query, for the catalog pane and "did you mean".
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    pub schema: String,
    pub name: String,
}

#[async_trait]
pub trait Engine: Send + Sync {
    /// "local", "postgres", "athena".
    fn kind(&self) -> &'static str;
    /// How this engine's SQL spells a positional parameter.
    fn placeholder_style(&self) -> PlaceholderStyle;
    /// Runs one statement with bound parameter values (in placeholder order).
    async fn execute(&self, sql: &str, params: &[ParamValue]) -> Result<QueryStream>;
    /// What running `sql` would scan and cost on Athena, planned from the table metadata.
    async fn estimate(&self, sql: &str, params: &[ParamValue], budget: &Budget, with_files: bool) -> Result<Estimate>;
    /// The tables the engine can see.
    async fn tables(&self) -> Result<Vec<TableInfo>>;
}

/// A collected result.
#[derive(Debug, Clone)]
pub struct Collected {
    pub batches: Vec<RecordBatch>,
    /// Rows were cut off at the row cap.
    pub truncated: bool,
    /// Bytes the engine scanned, when it reports them.
    pub scanned_bytes: Option<u64>,
}

impl Collected {
    pub fn rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }
}

/// Collects a stream into batches, keeping at most `row_cap` rows.
pub async fn collect(mut q: QueryStream, row_cap: usize) -> Result<Collected> {
    use futures::StreamExt;
    let mut batches = Vec::new();
    let mut rows = 0usize;
    let mut truncated = false;
    while let Some(batch) = q.batches.next().await {
        let batch = batch?;
        if rows + batch.num_rows() > row_cap {
            let keep = row_cap - rows;
            if keep > 0 {
                batches.push(batch.slice(0, keep));
            }
            truncated = true;
            break;
        }
        rows += batch.num_rows();
        batches.push(batch);
    }
    drop(q.batches);
    Ok(Collected { batches, truncated, scanned_bytes: (q.scanned)() })
}
