//! Engines behind one object-safe trait. Every engine returns Arrow `RecordBatch`es.

pub mod athena;
pub mod functions;
pub mod lake_describe;
pub mod local;
pub mod postgres;
pub mod scan;

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

/// One column of a table, as the engine's catalog types it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDetail {
    pub name: String,
    /// The engine's own type name: Iceberg's (`long`, `date`, `timestamp`) or PostgreSQL's
    /// (`integer`, `numeric(38,9)`).
    pub data_type: String,
    pub nullable: bool,
}

/// What the catalog pane shows of one table. Fields an engine does not have are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableDetail {
    pub columns: Vec<ColumnDetail>,
    /// The default partition spec, one entry per field (`month(trade_date)`,
    /// `bucket(16, ticker)`); empty when unpartitioned, `None` when the engine has none.
    pub partition_spec: Option<Vec<String>>,
    /// Snapshots the table keeps (Iceberg).
    pub snapshots: Option<usize>,
    pub current_snapshot: Option<i64>,
    /// From the current snapshot's summary, when it records them.
    pub data_files: Option<u64>,
    pub records: Option<u64>,
    pub bytes: Option<u64>,
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
    /// Queries saved on the server (Athena: the workgroup's named queries); none by default.
    async fn named_queries(&self) -> Result<Vec<athena::NamedQuery>> {
        Ok(vec![])
    }
    /// Columns (and, where the engine has them, partitioning and snapshots) of one table.
    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        Err(crate::error::FathomError::Other(format!(
            "describing {schema}.{table} is not supported by the {} engine; run SELECT * FROM {schema}.{table} LIMIT 0 to see its columns",
            self.kind()
        )))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FathomError;

    /// An engine that implements only what the trait requires.
    struct Bare;

    #[async_trait]
    impl Engine for Bare {
        fn kind(&self) -> &'static str {
            "bare"
        }
        fn placeholder_style(&self) -> PlaceholderStyle {
            PlaceholderStyle::Dollar
        }
        async fn execute(&self, _: &str, _: &[ParamValue]) -> Result<QueryStream> {
            Err(FathomError::Other("no".into()))
        }
        async fn estimate(&self, _: &str, _: &[ParamValue], _: &Budget, _: bool) -> Result<Estimate> {
            Err(FathomError::Other("no".into()))
        }
        async fn tables(&self) -> Result<Vec<TableInfo>> {
            Ok(vec![])
        }
    }

    #[tokio::test]
    async fn describe_defaults_to_a_clear_not_supported_error() {
        let err = Bare.describe("reference", "tb_meta").await.unwrap_err().to_string();
        assert_eq!(err, "describing reference.tb_meta is not supported by the bare engine; run SELECT * FROM reference.tb_meta LIMIT 0 to see its columns");
    }
}
