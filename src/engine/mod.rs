//! Engines behind one object-safe trait. Every engine returns Arrow `RecordBatch`es.

pub mod functions;
pub mod lake_catalog;
pub mod local;
pub mod metadata_tables;
pub mod timetravel;

use std::pin::Pin;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use async_trait::async_trait;
use futures::Stream;

use crate::error::Result;
use crate::library::{ParamValue, PlaceholderStyle};

/// A stream of result batches.
pub type BatchStream = Pin<Box<dyn Stream<Item = Result<RecordBatch>> + Send>>;

/// A running query: its schema, then its batches. Dropping it cancels the query.
pub struct QueryStream {
    pub schema: SchemaRef,
    pub batches: BatchStream,
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
    /// The tables the engine can see.
    async fn tables(&self) -> Result<Vec<TableInfo>>;
}

/// Collects a stream into batches, keeping at most `row_cap` rows. Returns the batches and
/// whether rows were cut off.
pub async fn collect(mut q: QueryStream, row_cap: usize) -> Result<(Vec<RecordBatch>, bool)> {
    use futures::StreamExt;
    let mut out = Vec::new();
    let mut rows = 0usize;
    while let Some(batch) = q.batches.next().await {
        let batch = batch?;
        if rows + batch.num_rows() > row_cap {
            let keep = row_cap - rows;
            if keep > 0 {
                out.push(batch.slice(0, keep));
            }
            return Ok((out, true));
        }
        rows += batch.num_rows();
        out.push(batch);
    }
    Ok((out, false))
}
