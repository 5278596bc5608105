//! The PostgreSQL engine (sqlx): the metadata side of the lake. Safe by default: every
//! statement is classified first (writes and multi-statement text are refused unless the run
//! allows writes), and runs in a READ ONLY transaction with a local `statement_timeout`.
//! Results stream as Arrow batches; dropping the stream cancels the query on the server.

pub mod catalog;
pub mod classify;
pub mod connect;
pub mod demo;
pub mod numeric;
pub mod stream;
pub mod types;

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::postgres::PgPool;
use sqlx::{Connection, Executor, Row};

use crate::config::{Budget, PostgresProfile};
use crate::engine::{Caps, ColumnDetail, Engine, QueryStream, TableDetail, TableInfo};
use crate::error::{FathomError, Result};
use crate::estimate::{Estimate, PgPlanCost};
use crate::library::{ParamValue, PlaceholderStyle};
pub use catalog::ColumnInfo;
pub use classify::{Class, classify};
use connect::{Target, map_err};
pub use stream::TxnMode;

pub struct PostgresEngine {
    pool: PgPool,
    target: Arc<Target>,
    profile_name: String,
    profile: PostgresProfile,
    /// `fathom run --write`: classified writes may run (if the profile is not read_only).
    allow_write: bool,
    /// The running queries' tasks (each cancels its backend when its stream is dropped).
    tasks: stream::Tasks,
}

impl PostgresEngine {
    /// Connects lazily: the first query opens the first connection.
    pub fn open(profile_name: &str, profile: &PostgresProfile, allow_write: bool) -> Result<Self> {
        let target = connect::target(profile)?;
        let pool = connect::pool(&target);
        Ok(PostgresEngine {
            pool,
            target: Arc::new(target),
            profile_name: profile_name.to_string(),
            profile: profile.clone(),
            allow_write,
            tasks: stream::Tasks::default(),
        })
    }

    /// Opens and checks that a connection can be made now, with the server's own reason when
    /// not (the pool would keep retrying until its timeout).
    pub async fn connect(profile_name: &str, profile: &PostgresProfile, allow_write: bool) -> Result<Self> {
        let engine = Self::open(profile_name, profile, allow_write)?;
        let connecting = sqlx::PgConnection::connect_with(&engine.target.options);
        let conn = tokio::time::timeout(engine.target.connect_timeout, connecting).await.map_err(|_| {
            FathomError::Query(format!(
                "cannot connect to PostgreSQL at {}: no answer within {} ms (connect_timeout_ms); check the host, port and that the server is running, or raise connect_timeout_ms in the profile",
                engine.target.shown,
                engine.target.connect_timeout.as_millis()
            ))
        })?;
        let conn = conn.map_err(|e| match e {
            sqlx::Error::Io(io) if !connect::is_tls(&io) => FathomError::Query(format!(
                "cannot connect to PostgreSQL at {} ({io}); check the host, port and that the server is running",
                engine.target.shown
            )),
            other => map_err(&engine.target, other),
        })?;
        let _ = conn.close().await;
        Ok(engine)
    }

    /// The database this engine talks to (for messages).
    pub fn database(&self) -> &str {
        &self.target.database
    }

    /// The pool (the demo loader and tests share it).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Checks a connection can be made (and says why not).
    pub async fn ping(&self) -> Result<()> {
        self.pool.execute("SELECT 1").await.map(|_| ()).map_err(|e| map_err(&self.target, e))
    }

    /// The transaction `sql` may run in, or the refusal.
    pub fn admit(&self, sql: &str) -> Result<TxnMode> {
        let class = classify(sql).map_err(|e| FathomError::Query(format!("refused: {e}")))?;
        let Class::Write { what } = class else {
            return Ok(TxnMode::ReadOnly);
        };
        let (name, db) = (&self.profile_name, &self.target.database);
        if !self.allow_write {
            return Err(FathomError::Query(format!(
                "refused: {what} writes to database '{db}' of profile '{name}', and queries are read-only by default. To run it, pass --write to `fathom run` (the profile must also set read_only = false)"
            )));
        }
        if self.profile.read_only {
            return Err(FathomError::Query(format!(
                "refused: {what} writes to database '{db}', but profile '{name}' has read_only = true; set read_only = false under [profiles.{name}] to allow --write"
            )));
        }
        Ok(TxnMode::ReadWrite)
    }

    /// Runs one statement in a transaction of `mode` without classifying it (the server's
    /// READ ONLY transaction is then the only guard). `execute` classifies first.
    pub async fn run_statement(&self, sql: &str, params: &[ParamValue], mode: TxnMode) -> Result<QueryStream> {
        // only a plain read can be wrapped in a subquery (a data-modifying CTE cannot)
        let wrap_other = matches!(classify::first_word(sql).as_deref(), Some("SELECT" | "VALUES" | "TABLE" | "WITH"))
            && classify(sql) == Ok(Class::Read);
        stream::start(stream::Job {
            pool: self.pool.clone(),
            target: self.target.clone(),
            sql: sql.to_string(),
            params: params.to_vec(),
            mode,
            timeout_ms: self.profile.statement_timeout_ms,
            wrap_other,
        }, &self.tasks)
        .await
    }

    /// The plan's row and cost estimate: `EXPLAIN (FORMAT JSON)` in a READ ONLY transaction.
    pub async fn plan_cost(&self, sql: &str, params: &[ParamValue]) -> Result<PgPlanCost> {
        let target = self.target.clone();
        let err = move |e: sqlx::Error| map_err(&target, e);
        let mut tx = self.pool.begin().await.map_err(&err)?;
        (&mut *tx).execute("SET TRANSACTION READ ONLY").await.map_err(&err)?;
        sqlx::query("SELECT set_config('statement_timeout', $1, true)")
            .bind(self.profile.statement_timeout_ms.to_string())
            .execute(&mut *tx)
            .await
            .map_err(&err)?;
        let explain = format!("EXPLAIN (FORMAT JSON) {}", sql.trim_end().trim_end_matches(';'));
        let row = stream::bind_all(&explain, params).fetch_one(&mut *tx).await.map_err(&err)?;
        let plan: serde_json::Value = row.try_get(0).map_err(&err)?;
        let _ = tx.rollback().await;
        let top = &plan[0]["Plan"];
        match (top["Plan Rows"].as_f64(), top["Total Cost"].as_f64()) {
            (Some(rows), Some(total_cost)) => Ok(PgPlanCost { rows: rows as u64, total_cost }),
            _ => Err(FathomError::Query(format!("EXPLAIN returned no plan rows/cost: {plan}"))),
        }
    }

    /// Columns of a table: types, nullability, primary and foreign keys.
    pub async fn columns(&self, schema: &str, table: &str) -> Result<Vec<ColumnInfo>> {
        catalog::columns(&self.pool, schema, table).await.map_err(|e| map_err(&self.target, e))
    }
}

#[async_trait]
impl Engine for PostgresEngine {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn caps(&self) -> Caps {
        let writable = !self.profile.read_only;
        Caps { priced: false, bills: false, server_cancel: true, detachable: false, writable, named_queries: false, snapshots: false }
    }

    /// Waits for dropped queries to cancel their backends and roll back, then closes the
    /// pool, so no backend of ours is left busy; all within `deadline`.
    async fn close(&self, deadline: std::time::Duration) -> usize {
        let started = std::time::Instant::now();
        let running = self.tasks.wait(deadline).await;
        let _ = tokio::time::timeout(deadline.saturating_sub(started.elapsed()), self.pool.close()).await;
        running
    }

    fn placeholder_style(&self) -> PlaceholderStyle {
        PlaceholderStyle::Dollar
    }

    async fn execute(&self, sql: &str, params: &[ParamValue]) -> Result<QueryStream> {
        let mode = self.admit(sql)?;
        self.run_statement(sql, params, mode).await
    }

    async fn estimate(&self, sql: &str, params: &[ParamValue], budget: &Budget, _with_files: bool) -> Result<Estimate> {
        classify(sql).map_err(|e| FathomError::Query(format!("refused: {e}")))?;
        match self.plan_cost(sql, params).await {
            Ok(cost) => Ok(Estimate::postgres(Some(cost), budget, None)),
            // Statements EXPLAIN cannot plan (SHOW, DDL, ...) still run; say so.
            Err(e) => Ok(Estimate::postgres(None, budget, Some(format!("no PostgreSQL plan estimate: {e}")))),
        }
    }

    async fn tables(&self) -> Result<Vec<TableInfo>> {
        catalog::tables(&self.pool).await.map_err(|e| map_err(&self.target, e))
    }

    /// The function names of its SQL dialect (a data file beside this module), and the
    /// database's own functions from pg_proc.
    async fn functions(&self) -> Result<Vec<String>> {
        let mut names = crate::engine::function_list(include_str!("functions.txt"));
        names.extend(catalog::own_functions(&self.pool).await.map_err(|e| map_err(&self.target, e))?);
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Columns from pg_catalog; PostgreSQL has no partition spec or snapshots to show.
    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        let columns = self.columns(schema, table).await?;
        if columns.is_empty() {
            return Err(FathomError::UnknownTable {
                name: format!("{schema}.{table}"),
                hint: format!(" in database {}; it may have been dropped, or the role cannot see it", self.target.database),
            });
        }
        let columns = columns
            .into_iter()
            .map(|c| ColumnDetail { name: c.name, data_type: c.data_type, nullable: c.nullable })
            .collect();
        Ok(TableDetail { columns, ..TableDetail::default() })
    }
}
