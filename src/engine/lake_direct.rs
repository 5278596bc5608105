//! The local engine over the production lake: DataFusion over the tables of the Glue catalog,
//! data files read from S3 directly (no Athena). Credentials come from the standard AWS chain
//! and are asked for again before each query once they have expired (or, for keys without an
//! expiry, every time): when the chain hands out new ones (a rewritten credentials file,
//! `aws sso login`), the catalog and its FileIO are rebuilt with them. Read-only like every
//! local engine. Its estimate prices both ways: Athena's bill and the direct read's GETs.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use tokio::sync::Mutex;

use crate::config::{AwsTarget, Budget, LocalProfile};
use crate::engine::aws::{credentials, glue_catalog, glue_client, glue_pointer, sdk_config};
use crate::engine::local::LocalEngine;
use crate::engine::{Caps, Engine, QueryStream, TableDetail, TableInfo};
use crate::error::{FathomError, Result};
use crate::estimate::Estimate;
use crate::iceberg::LakeTables;
use crate::iceberg::tables::Origin;
use crate::library::{ParamValue, PlaceholderStyle};

/// Credentials this close to their expiry are replaced before a query.
const REFRESH_BEFORE: Duration = Duration::from_secs(120);

struct Current {
    creds: Credentials,
    engine: Arc<LocalEngine>,
}

pub struct DirectEngine {
    name: String,
    target: AwsTarget,
    current: Mutex<Current>,
}

impl DirectEngine {
    /// Opens the Glue catalog of a `catalog = "glue"` profile with the AWS chain's credentials.
    pub async fn connect(name: &str, profile: &LocalProfile) -> Result<Self> {
        let target = profile.aws().ok_or_else(|| {
            FathomError::Other(format!("profile '{name}' has no Glue catalog: set catalog = \"glue\" and its region"))
        })?;
        let (creds, config) = Self::fresh(&target).await?;
        let engine = Self::open(name, &target, &config, &creds).await?;
        Ok(DirectEngine { name: name.to_string(), target, current: Mutex::new(Current { creds, engine }) })
    }

    /// Credentials and the SDK config from the AWS chain, read anew (files, environment, SSO cache).
    async fn fresh(target: &AwsTarget) -> Result<(Credentials, SdkConfig)> {
        let config = sdk_config(target).await?;
        let creds = credentials(&config, target).await?;
        Ok((creds, config))
    }

    async fn open(name: &str, target: &AwsTarget, config: &SdkConfig, creds: &Credentials) -> Result<Arc<LocalEngine>> {
        let region = config.region().map(|r| r.to_string()).unwrap_or_else(|| "us-east-1".into());
        let catalog = glue_catalog(target, &region, creds, None).await?;
        let label = format!("the Glue catalog of profile '{name}'");
        let pointer = glue_pointer(glue_client(config, creds), target.glue_catalog_id.clone());
        let tables = LakeTables::new(catalog, label, Origin::Other).with_pointer(pointer);
        Ok(Arc::new(LocalEngine::with_tables(Arc::new(tables)).await?))
    }

    /// The engine with current credentials: those in hand while they are good for a while
    /// yet, else the chain's, rebuilding the catalog when they changed.
    async fn engine(&self) -> Result<Arc<LocalEngine>> {
        let mut cur = self.current.lock().await;
        let lasting = cur.creds.expiry().is_some_and(|e| e > SystemTime::now() + REFRESH_BEFORE);
        if lasting {
            return Ok(cur.engine.clone());
        }
        let (creds, config) = Self::fresh(&self.target).await?;
        if !same(&creds, &cur.creds) {
            cur.engine = Self::open(&self.name, &self.target, &config, &creds).await?;
            cur.creds = creds;
        }
        Ok(cur.engine.clone())
    }

    /// The access key id in use (tests check a refresh took; the secret is never shown).
    pub async fn access_key_id(&self) -> String {
        self.current.lock().await.creds.access_key_id().to_string()
    }
}

fn same(a: &Credentials, b: &Credentials) -> bool {
    a.access_key_id() == b.access_key_id()
        && a.secret_access_key() == b.secret_access_key()
        && a.session_token() == b.session_token()
}

#[async_trait]
impl Engine for DirectEngine {
    fn kind(&self) -> &'static str {
        "local"
    }

    /// Priced (both ways) and billed: each query pays its S3 GET requests.
    fn caps(&self) -> Caps {
        Caps { priced: true, bills: true, snapshots: true, ..Default::default() }
    }

    fn placeholder_style(&self) -> PlaceholderStyle {
        PlaceholderStyle::Dollar
    }

    /// Reports the GET requests the run sent, which price it (as they priced its estimate).
    async fn execute(&self, sql: &str, params: &[ParamValue]) -> Result<QueryStream> {
        self.engine().await?.run(sql, params, true).await
    }

    async fn estimate(&self, sql: &str, params: &[ParamValue], budget: &Budget, with_files: bool) -> Result<Estimate> {
        let athena = self.engine().await?.estimate(sql, params, budget, with_files).await?;
        Ok(athena.with_direct(budget))
    }

    async fn tables(&self) -> Result<Vec<TableInfo>> {
        self.engine().await?.tables().await
    }

    async fn functions(&self) -> Result<Vec<String>> {
        self.engine().await?.functions().await
    }

    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        self.engine().await?.describe(schema, table).await
    }
}
