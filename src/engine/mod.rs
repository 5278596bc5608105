//! Engines behind one object-safe trait. Every engine returns Arrow `RecordBatch`es.

pub mod athena;
pub mod aws;
pub mod functions;
pub mod lake_describe;
pub mod lake_direct;
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
pub use crate::catalog::{ColumnDetail, NamedQuery, TableDetail, TableInfo};
use crate::error::Result;
use crate::estimate::Estimate;
use crate::library::{ParamValue, PlaceholderStyle};

/// A stream of result batches.
pub type BatchStream = Pin<Box<dyn Stream<Item = Result<RecordBatch>> + Send>>;

/// What a query read, as its engine reports it once the batches are consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// Data bytes read (local: from the scan metrics; Athena: DataScannedInBytes).
    pub bytes: u64,
    /// The object-store GET requests it made, when it read the lake's files itself and is
    /// priced by them (a direct read); `None` for engines billed per byte scanned.
    pub get_requests: Option<u64>,
}

impl Usage {
    /// Bytes only: a run billed per byte scanned.
    pub fn bytes(bytes: u64) -> Usage {
        Usage { bytes, get_requests: None }
    }
}

/// What the engine reports having read for a query, once its batches are consumed.
pub type UsageFn = Box<dyn Fn() -> Option<Usage> + Send + Sync>;

/// A running query: its schema, then its batches. Dropping it cancels the query.
pub struct QueryStream {
    pub schema: SchemaRef,
    pub batches: BatchStream,
    /// What it read (`None`: the engine does not say).
    pub usage: UsageFn,
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

/// What an engine can do. Callers ask this, never the engine's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Caps {
    /// Its estimate is a bill in dollars: budgets apply, and a run it cannot price asks first.
    pub priced: bool,
    /// Running a query costs money (not only a price for comparison): unattended runs such
    /// as the data-quality checks are estimated first and never run above the budget.
    pub bills: bool,
    /// It stops a query on a server (not only by dropping a stream).
    pub server_cancel: bool,
    /// Its queries can outlive this process: they can be left running (detached) and
    /// re-attached by id.
    pub detachable: bool,
    /// It can run writes when the profile and the run allow them.
    pub writable: bool,
    /// It has queries saved on the server (Athena's named queries).
    pub named_queries: bool,
    /// Its results are a function of the table snapshots its estimate names, so they can be
    /// cached under them (Iceberg engines; not PostgreSQL).
    pub snapshots: bool,
}

/// A query left running on the server when fathom let go of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Detached {
    /// The server's id for it (Athena's QueryExecutionId).
    pub query_id: String,
}

#[async_trait]
pub trait Engine: Send + Sync {
    /// "local", "postgres", "athena": a label for the ledger and messages, never a switch.
    fn kind(&self) -> &'static str;
    /// What this engine supports.
    fn caps(&self) -> Caps;
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
    /// Queries saved on the server; none by default.
    async fn named_queries(&self) -> Result<Vec<NamedQuery>> {
        Ok(vec![])
    }
    /// The names of the functions its SQL can call, for completion; none by default.
    async fn functions(&self) -> Result<Vec<String>> {
        Ok(vec![])
    }
    /// Columns (and, where the engine has them, partitioning and snapshots) of one table.
    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        Err(crate::error::FathomError::Other(format!(
            "describing {schema}.{table} is not supported by the {} engine; run SELECT * FROM {schema}.{table} LIMIT 0 to see its columns",
            self.kind()
        )))
    }
    /// Stops, on the server, every query this engine started that is still running, and
    /// waits for the stops to arrive, at most `deadline`. Returns how many it stopped.
    /// Engines whose queries end with their stream (local, PostgreSQL) have nothing left.
    async fn close(&self, deadline: Duration) -> usize {
        let _ = deadline;
        0
    }
    /// Lets go of the queries still running without stopping them (a dropped terminal);
    /// they keep running on the server and can be re-attached with `attach`. Only engines
    /// with `caps().detachable` return any; the others' queries stop with their streams.
    async fn detach(&self) -> Vec<Detached> {
        vec![]
    }
    /// Follows a query that an earlier process started and left running, to its result.
    async fn attach(&self, query_id: &str, progress: ProgressFn) -> Result<QueryStream> {
        let _ = progress;
        Err(crate::error::FathomError::Other(format!(
            "the {} engine cannot re-attach query {query_id}: its queries end with the process that started them",
            self.kind()
        )))
    }
}

/// Function names from a data file: words, `#` comments, sorted and unique.
pub fn function_list(text: &str) -> Vec<String> {
    let mut names: Vec<String> =
        text.lines().filter(|l| !l.trim_start().starts_with('#')).flat_map(str::split_whitespace).map(str::to_string).collect();
    names.sort();
    names.dedup();
    names
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
    Ok(Collected { batches, truncated, scanned_bytes: (q.usage)().map(|u| u.bytes) })
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
        fn caps(&self) -> Caps {
            Caps::default()
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
