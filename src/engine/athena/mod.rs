//! AWS Athena: the distributed engine. Queries start with a ClientRequestToken, bind their
//! parameters as ExecutionParameters, are polled with backoff, stopped on the server when
//! dropped, and their rows are streamed from the result CSV on S3 (or GetQueryResults pages).
//! The estimate plans the same SQL over the Iceberg tables loaded through Glue + S3, exactly
//! as on the local lake, and sets the workgroup's scan cutoff beside it.

pub mod catalog;
pub mod client;
pub mod csv;
pub mod exec;
pub mod results;
pub mod types;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use datafusion::sql::sqlparser::tokenizer::Token;
use tokio::sync::OnceCell;

use crate::config::{AthenaProfile, Budget};
use crate::estimate::Estimator;
use crate::iceberg::LakeTables;
use crate::iceberg::session::LakeSession;
use crate::iceberg::tables::{Origin, ident};
use crate::engine::postgres::classify::{Class, classify};
use crate::engine::{Caps, Detached, Engine, ProgressFn, QueryStream, TableDetail, TableInfo, no_progress};
use crate::error::{FathomError, Result};
use crate::estimate::Estimate;
use crate::library::{ParamValue, PlaceholderStyle};
pub use catalog::{NamedQuery, Workgroup};
pub use client::Clients;
pub use exec::{Inflight, Poll};
pub use results::Via;

pub struct AthenaEngine {
    name: String,
    profile: AthenaProfile,
    region: String,
    creds: Credentials,
    clients: Clients,
    poll: Poll,
    allow_write: bool,
    workgroup: OnceCell<Workgroup>,
    /// The estimate's planner over the Glue catalog, built on first use; it loads only the
    /// tables a query names.
    planner: OnceCell<(LakeSession, Estimator)>,
    /// How the last result was fetched.
    last_via: Mutex<Option<Via>>,
    /// The queries started and not yet finished: `close` stops them, `detach` lets go.
    inflight: Arc<Inflight>,
    /// The Glue-local profile that reads the same tables directly: its price goes beside
    /// Athena's bill in every estimate.
    direct_twin: Option<String>,
}

impl AthenaEngine {
    /// Connects with the standard AWS credential chain. `allow_write` is `fathom run --write`.
    pub async fn connect(name: &str, profile: &AthenaProfile, allow_write: bool) -> Result<Self> {
        let config = crate::engine::aws::sdk_config(&profile.aws()).await?;
        Self::with_sdk_config(name, profile, config, allow_write).await
    }

    /// Connects with a given SDK config (tests: a replay HTTP client and static credentials).
    pub async fn with_sdk_config(name: &str, profile: &AthenaProfile, config: SdkConfig, allow_write: bool) -> Result<Self> {
        let creds = crate::engine::aws::credentials(&config, &profile.aws()).await?;
        let region = config.region().map(|r| r.to_string()).unwrap_or_else(|| "us-east-1".into());
        let clients = Clients::new(&config, profile.endpoint_url.is_some());
        let inflight = Arc::new(Inflight::new(&clients.athena));
        Ok(AthenaEngine {
            name: name.to_string(),
            profile: profile.clone(),
            region,
            creds,
            clients,
            poll: Poll::default(),
            allow_write,
            workgroup: OnceCell::new(),
            planner: OnceCell::new(),
            last_via: Mutex::new(None),
            inflight,
            direct_twin: None,
        })
    }

    /// Prices every estimate's direct read too, as Glue-local profile `twin` would read it.
    pub fn with_direct_twin(mut self, twin: Option<&str>) -> Self {
        self.direct_twin = twin.map(str::to_string);
        self
    }

    /// Sets the polling schedule (tests use a short one).
    pub fn with_poll(mut self, poll: Poll) -> Self {
        self.poll = poll;
        self
    }

    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.clients.requests.get()
    }

    /// How the last result's rows were fetched.
    pub fn last_via(&self) -> Option<Via> {
        *self.last_via.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The workgroup's settings (read once).
    pub async fn workgroup(&self) -> Result<&Workgroup> {
        self.workgroup.get_or_try_init(|| catalog::workgroup(&self.clients, &self.profile.workgroup)).await
    }

    /// The Glue catalog as an Iceberg catalog (`warehouse`: where new tables are written).
    pub async fn iceberg_catalog(&self, warehouse: Option<&str>) -> Result<Arc<dyn iceberg::Catalog>> {
        crate::engine::aws::glue_catalog(&self.profile.aws(), &self.region, &self.creds, warehouse).await
    }

    async fn planner(&self) -> Result<&(LakeSession, Estimator)> {
        self.planner
            .get_or_try_init(|| async {
                let iceberg = self.iceberg_catalog(None).await?;
                let label = format!("the Glue catalog of profile '{}'", self.name);
                let pointer = crate::engine::aws::glue_pointer(self.clients.glue.clone(), self.profile.aws().glue_catalog_id);
                let tables = Arc::new(LakeTables::new(iceberg, label, Origin::Other).with_pointer(pointer));
                let session = LakeSession::new(tables.clone(), &self.profile.database);
                crate::engine::functions::register(session.ctx());
                Ok((session, Estimator::new(tables)))
            })
            .await
    }

    /// Where results go: the profile's location unless the workgroup enforces its own.
    async fn output_location(&self) -> Result<Option<String>> {
        let wg = self.workgroup().await;
        match (&self.profile.output_location, wg) {
            (_, Ok(wg)) if wg.enforced && wg.output_location.is_some() => Ok(None),
            (Some(o), _) => Ok(Some(o.clone())),
            (None, Ok(wg)) if wg.output_location.is_some() => Ok(None),
            (None, Ok(wg)) => Err(FathomError::Other(format!(
                "no S3 output location for Athena results: set `output_location` in profile '{}' or a query result location in workgroup '{}'",
                self.name, wg.name
            ))),
            // The workgroup cannot be read (permissions): let Athena use its own settings.
            (None, Err(_)) => Ok(None),
        }
    }

    fn check_read_only(&self, sql: &str) -> Result<()> {
        // The same fail-closed classifier as PostgreSQL: what it cannot read is a write, and
        // one statement only (`DESCRIBE t; DROP TABLE t` is refused like any other pair).
        match classify(sql) {
            Ok(Class::Read) => Ok(()),
            Ok(Class::Write { what }) if what == "DESCRIBE" => Ok(()),
            Ok(Class::Write { .. }) if self.allow_write && !self.profile.read_only => Ok(()),
            Ok(Class::Write { what }) => Err(FathomError::Query(format!(
                "{what} writes, and profile '{}' is read-only: fathom runs reads on Athena unless the profile sets read_only = false and the run passes --write",
                self.name
            ))),
            Err(e) => Err(FathomError::Query(e.to_string())),
        }
    }
}

/// `?` placeholders as `$1, $2, ...` (the estimate's planner is DataFusion).
fn dollar_placeholders(sql: &str) -> Result<String> {
    let toks = crate::sqltext::tokenize(sql)?;
    let mut n = 0;
    let edits: Vec<(usize, usize, String)> = toks
        .iter()
        .filter(|t| matches!(&t.token, Token::Placeholder(p) if p == "?"))
        .map(|t| {
            n += 1;
            (t.start, t.end, format!("${n}"))
        })
        .collect();
    Ok(crate::sqltext::splice(sql, &edits))
}

#[async_trait]
impl Engine for AthenaEngine {
    fn kind(&self) -> &'static str {
        "athena"
    }

    fn caps(&self) -> Caps {
        Caps { priced: true, bills: true, server_cancel: true, detachable: true, writable: !self.profile.read_only, named_queries: true, snapshots: true }
    }

    fn placeholder_style(&self) -> PlaceholderStyle {
        PlaceholderStyle::Question
    }

    async fn execute(&self, sql: &str, params: &[ParamValue]) -> Result<QueryStream> {
        self.execute_with_progress(sql, params, no_progress()).await
    }

    async fn execute_with_progress(&self, sql: &str, params: &[ParamValue], progress: ProgressFn) -> Result<QueryStream> {
        self.check_read_only(sql)?;
        let output = self.output_location().await?;
        let qe = exec::run(&self.inflight, &self.profile, output.as_deref(), sql, params, self.poll, &progress).await?;
        self.fetch(&qe).await
    }

    async fn estimate(&self, sql: &str, params: &[ParamValue], budget: &Budget, with_files: bool) -> Result<Estimate> {
        let (session, estimator) = self.planner().await?;
        let sql = dollar_placeholders(sql)?;
        let mut est = estimator.estimate_sql(session, &sql, params, budget, with_files).await?;
        if let Ok(wg) = self.workgroup().await
            && let Some(cutoff) = wg.cutoff_bytes
        {
            est.set_cutoff(cutoff, &wg.name);
        }
        Ok(match &self.direct_twin {
            Some(twin) => est.with_twin(twin, budget),
            None => est,
        })
    }

    async fn tables(&self) -> Result<Vec<TableInfo>> {
        catalog::tables(&self.clients, &self.profile).await
    }

    /// The function names of its SQL dialect (a data file beside this module).
    async fn functions(&self) -> Result<Vec<String>> {
        Ok(crate::engine::function_list(include_str!("functions.txt")))
    }

    async fn named_queries(&self) -> Result<Vec<NamedQuery>> {
        catalog::named_queries(&self.clients, &self.profile.workgroup).await
    }

    /// Iceberg tables from their metadata (through Glue + S3, like the estimate); other
    /// tables from Glue's columns and partition keys.
    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        let glue = catalog::glue_table(&self.clients, &self.profile, schema, table).await?;
        if glue.iceberg {
            let loaded = self.planner().await?.0.tables().require(&ident(&format!("{schema}.{table}"))).await?;
            return Ok(crate::engine::lake_describe::detail(loaded.metadata()));
        }
        Ok(TableDetail { columns: glue.columns, partition_spec: Some(glue.partition_keys), ..TableDetail::default() })
    }

    async fn close(&self, deadline: std::time::Duration) -> usize {
        self.inflight.close(deadline).await
    }

    async fn detach(&self) -> Vec<Detached> {
        self.inflight.detach().into_iter().map(|query_id| Detached { query_id }).collect()
    }

    async fn attach(&self, query_id: &str, progress: ProgressFn) -> Result<QueryStream> {
        let started = std::time::Instant::now();
        let qe = exec::wait(&self.inflight, query_id, started, self.poll, &progress).await?;
        self.fetch(&qe).await
    }
}

impl AthenaEngine {
    /// The rows of a finished query, with the bytes it scanned.
    async fn fetch(&self, qe: &aws_sdk_athena::types::QueryExecution) -> Result<QueryStream> {
        let scanned = qe.statistics().and_then(|s| s.data_scanned_in_bytes()).map(|b| b.max(0) as u64);
        let fetched = results::fetch(&self.clients, qe, self.profile.results).await?;
        *self.last_via.lock().unwrap_or_else(|e| e.into_inner()) = Some(fetched.via);
        Ok(QueryStream { schema: fetched.schema, batches: fetched.batches, usage: Box::new(move || scanned.map(crate::engine::Usage::bytes)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_marks_become_numbered_placeholders_outside_strings() {
        assert_eq!(
            dollar_placeholders("SELECT '?' AS q, x FROM t WHERE a = ? AND b IN (?, ?) -- ?").unwrap(),
            "SELECT '?' AS q, x FROM t WHERE a = $1 AND b IN ($2, $3) -- ?"
        );
    }
}
