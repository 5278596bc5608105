//! The embedded engine: DataFusion over the local Iceberg warehouse. Read-only: DDL, DML
//! and SET statements are refused; time travel in Athena's syntax is rewritten first.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::execution::context::SessionContext;
use futures::StreamExt;

use crate::config::{Budget, LocalProfile};
use crate::engine::{Engine, QueryStream, TableDetail, TableInfo, Usage, UsageFn, functions, lake_describe, scan};
use crate::error::{FathomError, Result};
use crate::estimate::{Estimate, Estimator};
use crate::iceberg::LakeTables;
use crate::iceberg::session::LakeSession;
use crate::iceberg::tables::{Origin, ident};
use crate::lake::catalog;
use crate::library::{ParamValue, PlaceholderStyle};

pub use crate::iceberg::session::CATALOG;

pub struct LocalEngine {
    session: LakeSession,
    estimator: Estimator,
}

impl LocalEngine {
    /// Opens the warehouse of `profile` (its catalog must exist). Nothing is loaded: a table
    /// loads when a query first names it.
    pub async fn open(profile: &LocalProfile) -> Result<Self> {
        let iceberg = catalog::open(profile, false).await?;
        let origin = profile.sqlite_path().map(Origin::Sqlite).unwrap_or(Origin::Other);
        Self::with_tables(Arc::new(LakeTables::new(iceberg, profile.catalog.clone(), origin))).await
    }

    /// DataFusion over the tables of any Iceberg catalog. Only the namespaces are listed
    /// (for the default one); tables are listed when something needs their names.
    pub async fn with_tables(tables: Arc<LakeTables>) -> Result<Self> {
        let mut namespaces = tables.namespaces().await?;
        namespaces.sort();
        let default_schema = namespaces
            .iter()
            .find(|s| *s == "default")
            .or(namespaces.first())
            .cloned()
            .unwrap_or_else(|| "default".to_string());
        let session = LakeSession::new(tables.clone(), &default_schema);
        functions::register(session.ctx());
        Ok(LocalEngine { session, estimator: Estimator::new(tables) })
    }

    /// The DataFusion context (benches and tests run plans on it).
    pub fn ctx(&self) -> &SessionContext {
        self.session.ctx()
    }

    /// Runs one statement; `gets`: the run is priced by its GET requests (a direct read of
    /// the lake's files), so its usage reports them (0 when it read no remote file).
    pub async fn run(&self, sql: &str, params: &[ParamValue], gets: bool) -> Result<QueryStream> {
        let s = &self.session;
        let plan = s.plan(sql, params).await?;
        let df = s.ctx().execute_logical_plan(plan).await.map_err(|e| s.map_err(e))?;
        let physical = df.create_physical_plan().await.map_err(|e| s.map_err(e))?;
        let stream =
            datafusion::physical_plan::execute_stream(physical.clone(), s.ctx().task_ctx()).map_err(|e| s.map_err(e))?;
        let schema = stream.schema();
        let batches = stream.map(|r| r.map_err(|e| FathomError::Query(e.find_root().to_string())));
        let usage: UsageFn = Box::new(move || {
            let bytes = scan::bytes_scanned(&physical);
            Some(Usage { bytes, get_requests: gets.then(|| scan::get_requests(&physical)) })
        });
        Ok(QueryStream { schema, batches: Box::pin(batches), usage })
    }
}

#[async_trait]
impl Engine for LocalEngine {
    fn kind(&self) -> &'static str {
        "local"
    }

    /// Priced as Athena would bill the same scan; queries end with their stream.
    fn caps(&self) -> crate::engine::Caps {
        crate::engine::Caps { priced: true, snapshots: true, ..Default::default() }
    }

    fn placeholder_style(&self) -> PlaceholderStyle {
        PlaceholderStyle::Dollar
    }

    async fn execute(&self, sql: &str, params: &[ParamValue]) -> Result<QueryStream> {
        self.run(sql, params, false).await
    }

    async fn estimate(&self, sql: &str, params: &[ParamValue], budget: &Budget, with_files: bool) -> Result<Estimate> {
        self.estimator.estimate_sql(&self.session, sql, params, budget, with_files).await
    }

    async fn tables(&self) -> Result<Vec<TableInfo>> {
        let listed = self.session.tables().list().await?;
        Ok(listed.iter().map(|t| TableInfo { schema: t.namespace().join("."), name: t.name().to_string() }).collect())
    }

    /// Every function the DataFusion session has registered (built-ins and ours).
    async fn functions(&self) -> Result<Vec<String>> {
        let state = self.ctx().state();
        let mut names: Vec<String> = state
            .scalar_functions()
            .keys()
            .chain(state.aggregate_functions().keys())
            .chain(state.window_functions().keys())
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        let name = format!("{schema}.{table}");
        match self.session.tables().load(&ident(&name)).await? {
            Some(loaded) => Ok(lake_describe::detail(loaded.metadata())),
            None => Err(self.session.unknown_table(&name).await),
        }
    }
}
