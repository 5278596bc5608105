//! One query on its own pooled connection, in its own task: `BEGIN READ ONLY` (or READ WRITE
//! for an allowed write), `statement_timeout` set locally, the statement prepared for its
//! schema, rows fetched and sent as Arrow batches over a small channel. When the receiver goes
//! away (the stream or the `execute` future dropped) the task sends `pg_cancel_backend` from a
//! second connection, rolls back, and the connection returns to the pool ready for reuse.

use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use futures::StreamExt;
use sqlx::postgres::{PgArguments, PgColumn, PgPool, PgRow, PgTypeInfo};
use sqlx::query::Query;
use sqlx::{Column, Executor, Postgres, Row, Statement, Type};
use tokio::sync::{mpsc, oneshot};

use super::connect::{Target, map_err};
use super::types::{Builder, Kind};
use crate::engine::QueryStream;
use crate::error::{FathomError, Result};
use crate::library::ParamValue;

/// Rows per Arrow batch.
pub const BATCH_ROWS: usize = 8192;

/// The transaction a statement runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnMode {
    ReadOnly,
    ReadWrite,
}

/// What the task needs.
pub struct Job {
    pub pool: PgPool,
    pub target: Arc<Target>,
    pub sql: String,
    pub params: Vec<ParamValue>,
    pub mode: TxnMode,
    pub timeout_ms: u64,
    /// Cast columns of types without an Arrow mapping (arrays, ...) to text on the server.
    pub wrap_other: bool,
}

/// Binds `params` to `sql` in order.
pub fn bind_all<'q>(sql: &'q str, params: &[ParamValue]) -> Query<'q, Postgres, PgArguments> {
    let mut q = sqlx::query(sql);
    for p in params {
        q = match p {
            ParamValue::Text(s) => q.bind(s.clone()),
            ParamValue::Int(i) => q.bind(*i),
            ParamValue::Float(f) => q.bind(*f),
            ParamValue::Date(d) => q.bind(*d),
            ParamValue::Bool(b) => q.bind(*b),
        };
    }
    q
}

fn param_types(params: &[ParamValue]) -> Vec<PgTypeInfo> {
    params
        .iter()
        .map(|p| match p {
            ParamValue::Text(_) => <String as Type<Postgres>>::type_info(),
            ParamValue::Int(_) => <i64 as Type<Postgres>>::type_info(),
            ParamValue::Float(_) => <f64 as Type<Postgres>>::type_info(),
            ParamValue::Date(_) => <chrono::NaiveDate as Type<Postgres>>::type_info(),
            ParamValue::Bool(_) => <bool as Type<Postgres>>::type_info(),
        })
        .collect()
}

/// The query tasks of an engine: `close` waits for them to cancel and roll back.
#[derive(Default)]
pub struct Tasks(std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>);

impl Tasks {
    fn push(&self, task: tokio::task::JoinHandle<()>) {
        let mut tasks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }

    /// Waits, at most `deadline`, for every task to end; returns how many were running.
    pub async fn wait(&self, deadline: std::time::Duration) -> usize {
        let tasks: Vec<_> = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        let running = tasks.iter().filter(|t| !t.is_finished()).count();
        let _ = tokio::time::timeout(deadline, futures::future::join_all(tasks)).await;
        running
    }
}

/// Starts the task and waits for the schema (or the error that came first).
pub async fn start(job: Job, tasks: &Tasks) -> Result<QueryStream> {
    let (schema_tx, schema_rx) = oneshot::channel();
    let (tx, rx) = mpsc::channel::<Result<RecordBatch>>(2);
    tasks.push(tokio::spawn(run(job, schema_tx, tx)));
    let schema = schema_rx
        .await
        .map_err(|_| FathomError::Query("the PostgreSQL query task stopped unexpectedly".into()))??;
    let batches = futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
    Ok(QueryStream { schema, batches: Box::pin(batches), usage: Box::new(|| None) })
}

type SchemaTx = Option<oneshot::Sender<Result<SchemaRef>>>;

async fn run(job: Job, schema_tx: oneshot::Sender<Result<SchemaRef>>, tx: mpsc::Sender<Result<RecordBatch>>) {
    let mut schema_tx: SchemaTx = Some(schema_tx);
    let mut conn = match job.pool.acquire().await {
        Ok(c) => c,
        Err(e) => return report(&mut schema_tx, &tx, map_err(&job.target, e)).await,
    };
    match body(&job, &mut conn, &mut schema_tx, &tx).await {
        Ok(()) => {}
        Err(e) => {
            let broken = matches!(e, sqlx::Error::Io(_) | sqlx::Error::Protocol(_))
                || super::connect::sqlstate(&e).is_some_and(|c| c.starts_with("57P"));
            // a broken connection, or one that cannot roll back, is not reused
            if broken || (&mut *conn).execute("ROLLBACK").await.is_err() {
                conn.close_on_drop();
            }
            report(&mut schema_tx, &tx, map_err(&job.target, e)).await;
        }
    }
}

async fn report(schema_tx: &mut SchemaTx, tx: &mpsc::Sender<Result<RecordBatch>>, e: FathomError) {
    match schema_tx.take() {
        Some(s) => {
            let _ = s.send(Err(e));
        }
        None => {
            let _ = tx.send(Err(e)).await;
        }
    }
}

/// Kinds of the prepared columns (numeric scale from the table's declared typmod).
async fn kinds(conn: &mut sqlx::PgConnection, cols: &[PgColumn]) -> std::result::Result<Vec<Kind>, sqlx::Error> {
    let mut out = Vec::with_capacity(cols.len());
    for c in cols {
        let oid = c.type_info().oid().map(|o| o.0).unwrap_or(0);
        let typmod = match (oid, c.relation_id(), c.relation_attribute_no()) {
            (1700, Some(rel), Some(att)) => sqlx::query_scalar::<_, i32>(
                "SELECT atttypmod FROM pg_catalog.pg_attribute WHERE attrelid = $1::oid AND attnum = $2",
            )
            .bind(rel.0 as i64)
            .bind(att)
            .fetch_optional(&mut *conn)
            .await?,
            _ => None,
        };
        out.push(Kind::of(oid, typmod));
    }
    Ok(out)
}

/// `sql` with every `Other` column cast to text: `SELECT c1, c2::text FROM (sql) AS q(c1, c2)`.
fn wrapped(sql: &str, kinds: &[Kind]) -> String {
    let body = sql.trim_end().trim_end_matches(';');
    let names: Vec<String> = (1..=kinds.len()).map(|i| format!("c{i}")).collect();
    let select: Vec<String> = names
        .iter()
        .zip(kinds)
        .map(|(n, k)| if *k == Kind::Other { format!("{n}::text") } else { n.clone() })
        .collect();
    format!("SELECT {} FROM (\n{body}\n) AS fathom_q({})", select.join(", "), names.join(", "))
}

async fn body(
    job: &Job,
    conn: &mut sqlx::pool::PoolConnection<Postgres>,
    schema_tx: &mut SchemaTx,
    tx: &mpsc::Sender<Result<RecordBatch>>,
) -> std::result::Result<(), sqlx::Error> {
    let begin = match job.mode {
        TxnMode::ReadOnly => "BEGIN READ ONLY",
        TxnMode::ReadWrite => "BEGIN READ WRITE",
    };
    (&mut **conn).execute(begin).await?;
    sqlx::query("SELECT set_config('statement_timeout', $1, true)")
        .bind(job.timeout_ms.to_string())
        .execute(&mut **conn)
        .await?;
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut **conn).await?;
    let types = param_types(&job.params);
    let stmt = (&mut **conn).prepare_with(&job.sql, &types).await?;
    let cols: Vec<PgColumn> = stmt.columns().to_vec();
    let names: Vec<String> = cols.iter().map(|c| c.name().to_string()).collect();
    let mut kinds = kinds(conn, &cols).await?;
    let mut sql = job.sql.clone();
    if job.wrap_other && kinds.contains(&Kind::Other) {
        sql = wrapped(&job.sql, &kinds);
        kinds = kinds.into_iter().map(|k| if k == Kind::Other { Kind::Text } else { k }).collect();
    }
    let schema: SchemaRef = Arc::new(Schema::new(
        names.iter().zip(&kinds).map(|(n, k)| Field::new(n, k.arrow(), true)).collect::<Vec<_>>(),
    ));
    if let Some(s) = schema_tx.take() {
        let _ = s.send(Ok(schema.clone()));
    }
    let mut cancelled = false;
    {
        let mut rows = bind_all(&sql, &job.params).fetch(&mut **conn);
        let mut builders: Vec<Builder> = kinds.iter().map(|k| Builder::new(*k, BATCH_ROWS)).collect();
        let mut n = 0usize;
        loop {
            let next: Option<std::result::Result<PgRow, sqlx::Error>> = tokio::select! {
                _ = tx.closed() => { cancelled = true; break; }
                r = rows.next() => r,
            };
            let Some(row) = next else { break };
            let row = row?;
            for (i, b) in builders.iter_mut().enumerate() {
                let v = row.try_get_raw(i)?;
                b.push(v).map_err(|e| sqlx::Error::ColumnDecode { index: names[i].clone(), source: e })?;
            }
            n += 1;
            if n == BATCH_ROWS {
                if !send(&schema, &mut builders, tx).await {
                    cancelled = true;
                    break;
                }
                n = 0;
            }
        }
        if !cancelled && n > 0 && !send(&schema, &mut builders, tx).await {
            cancelled = true;
        }
    }
    if cancelled {
        let _ = sqlx::query("SELECT pg_cancel_backend($1)").bind(pid).execute(&job.pool).await;
        (&mut **conn).execute("ROLLBACK").await?;
        return Ok(());
    }
    let end = match job.mode {
        TxnMode::ReadOnly => "ROLLBACK",
        TxnMode::ReadWrite => "COMMIT",
    };
    (&mut **conn).execute(end).await?;
    Ok(())
}

/// Sends the built batch; false when nobody listens any more.
async fn send(schema: &SchemaRef, builders: &mut [Builder], tx: &mpsc::Sender<Result<RecordBatch>>) -> bool {
    let arrays: std::result::Result<Vec<_>, _> = builders.iter_mut().map(|b| b.finish()).collect();
    let batch = arrays
        .and_then(|a| RecordBatch::try_new(schema.clone(), a))
        .map_err(|e| FathomError::Query(format!("building an Arrow batch from PostgreSQL rows: {e}")));
    tx.send(batch).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_casts_only_other_columns_and_survives_trailing_comments() {
        let w = wrapped("SELECT a, b FROM t -- note", &[Kind::Int4, Kind::Other]);
        assert_eq!(w, "SELECT c1, c2::text FROM (\nSELECT a, b FROM t -- note\n) AS fathom_q(c1, c2)");
    }
}
