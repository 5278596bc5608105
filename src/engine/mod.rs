//! Engines behind one object-safe trait. Every engine returns Arrow `RecordBatch`es.

pub mod athena;
pub mod functions;
pub mod lake_catalog;
pub mod local;
pub mod metadata_tables;
pub mod postgres;
pub mod scan;
pub mod timetravel;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

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

/// What a running query reports while it runs (Athena: QUEUED/RUNNING and the bytes so far).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The engine's own word for the state: QUEUED, RUNNING, SUCCEEDED, ...
    pub state: String,
    /// The engine's id for the query (Athena's QueryExecutionId).
    pub query_id: Option<String>,
    pub scanned_bytes: Option<u64>,
    pub elapsed: Duration,
}

/// Where progress goes (the status line, a spinner); called from the engine's task.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// A progress sink that drops everything.
pub fn no_progress() -> ProgressFn {
    Arc::new(|_| {})
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
    /// `execute`, reporting the query's state while it runs. Dropping the future (or the
    /// stream) cancels the query, on the server where the engine has one.
    async fn execute_with_progress(&self, sql: &str, params: &[ParamValue], progress: ProgressFn) -> Result<QueryStream> {
        let _ = progress;
        self.execute(sql, params).await
    }
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
