//! Lazy, isolated table loading. Nothing is loaded when a profile opens: the namespaces and
//! table names are listed on demand (cheap catalog calls), and a table's metadata is read on
//! its first use and reused while its metadata file is unchanged (one object per snapshot,
//! so iceberg's manifest cache stays warm). Where the catalog can tell the metadata file's
//! name without reading it (Glue's GetTable: a [`Pointer`]), an unchanged table is not read
//! again at all: on S3 that saves a GET of its metadata file at every load after the first.
//! A table whose metadata cannot be read fails alone,
//! with a message naming its metadata file; the other tables and the profile are untouched.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use iceberg::table::Table;
use iceberg::{Catalog, ErrorKind, NamespaceIdent, TableIdent};

use crate::error::{FathomError, Result};

/// Where a catalog keeps its metadata pointers, for naming the file of a table that fails.
#[derive(Debug, Clone)]
pub enum Origin {
    /// An Iceberg SQL catalog on SQLite (fathom's demo writes one, PyIceberg's SqlCatalog too).
    Sqlite(PathBuf),
    /// Any other catalog (Glue): the metadata file is named by iceberg's own error.
    Other,
}

/// Names a table's current metadata file without reading it (None: unknown, load it).
pub type Pointer = Arc<dyn Fn(TableIdent) -> futures::future::BoxFuture<'static, Option<String>> + Send + Sync>;

/// The tables of one Iceberg catalog, loaded lazily.
pub struct LakeTables {
    catalog: Arc<dyn Catalog>,
    label: String,
    origin: Origin,
    pointer: Option<Pointer>,
    listed: Mutex<Option<Arc<Vec<TableIdent>>>>,
    loaded: Mutex<HashMap<TableIdent, Table>>,
}

impl std::fmt::Debug for LakeTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LakeTables({})", self.label)
    }
}

/// `ns.table` of an identifier.
pub fn qualified(ident: &TableIdent) -> String {
    format!("{}.{}", ident.namespace().join("."), ident.name())
}

/// The identifier of `ns.table` (the last dot splits).
pub fn ident(qualified: &str) -> TableIdent {
    let (ns, name) = qualified.rsplit_once('.').unwrap_or(("", qualified));
    TableIdent::new(NamespaceIdent::new(ns.to_string()), name.to_string())
}

fn is_not_found(e: &iceberg::Error) -> bool {
    matches!(e.kind(), ErrorKind::TableNotFound | ErrorKind::NamespaceNotFound)
}

impl LakeTables {
    /// `label` names the catalog in errors ("the Glue catalog of profile 'prod'").
    pub fn new(catalog: Arc<dyn Catalog>, label: impl Into<String>, origin: Origin) -> Self {
        LakeTables {
            catalog,
            label: label.into(),
            origin,
            pointer: None,
            listed: Mutex::new(None),
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// Asks `pointer` before loading a table already loaded: while it names the same
    /// metadata file, the loaded table is used as it is.
    pub fn with_pointer(mut self, pointer: Pointer) -> Self {
        self.pointer = Some(pointer);
        self
    }

    pub fn catalog(&self) -> &Arc<dyn Catalog> {
        &self.catalog
    }

    /// The table names listed so far (empty until `list` ran once).
    pub fn listed(&self) -> Option<Arc<Vec<TableIdent>>> {
        self.listed.lock().ok().and_then(|l| l.clone())
    }

    /// The namespaces (one catalog call).
    pub async fn namespaces(&self) -> Result<Vec<String>> {
        let err = |e: iceberg::Error| FathomError::Catalog { uri: self.label.clone(), message: e.to_string() };
        Ok(self.catalog.list_namespaces(None).await.map_err(err)?.iter().map(|n| n.join(".")).collect())
    }

    /// Every table of every namespace, listed once (no metadata is read).
    pub async fn list(&self) -> Result<Arc<Vec<TableIdent>>> {
        if let Some(l) = self.listed() {
            return Ok(l);
        }
        let err = |e: iceberg::Error| FathomError::Catalog { uri: self.label.clone(), message: e.to_string() };
        let mut out = Vec::new();
        for ns in self.catalog.list_namespaces(None).await.map_err(err)? {
            out.extend(self.catalog.list_tables(&ns).await.map_err(err)?);
        }
        out.sort_by_key(qualified);
        let out = Arc::new(out);
        if let Ok(mut l) = self.listed.lock() {
            *l = Some(out.clone());
        }
        Ok(out)
    }

    /// The table, or None when the catalog has no such table. Its metadata is read again
    /// (one pointer lookup and one file) and the cached object kept while unchanged.
    pub async fn load(&self, ident: &TableIdent) -> Result<Option<Table>> {
        if let (Some(pointer), Some(known)) = (&self.pointer, self.cached(ident)?)
            && pointer(ident.clone()).await.as_deref() == known.metadata_location()
        {
            return Ok(Some(known));
        }
        let fresh = match self.catalog.load_table(ident).await {
            Ok(t) => t,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(self.load_error(ident, &e).await),
        };
        let mut cache = self.loaded.lock().map_err(|_| FathomError::Other("table cache poisoned".into()))?;
        match cache.get(ident) {
            Some(t) if t.metadata_location() == fresh.metadata_location() => Ok(Some(t.clone())),
            _ => {
                cache.insert(ident.clone(), fresh.clone());
                Ok(Some(fresh))
            }
        }
    }

    fn cached(&self, ident: &TableIdent) -> Result<Option<Table>> {
        let cache = self.loaded.lock().map_err(|_| FathomError::Other("table cache poisoned".into()))?;
        Ok(cache.get(ident).cloned())
    }

    /// `load`, with "no such table" as an error.
    pub async fn require(&self, ident: &TableIdent) -> Result<Table> {
        self.load(ident)
            .await?
            .ok_or_else(|| FathomError::UnknownTable { name: qualified(ident), hint: String::new() })
    }

    /// What failed, which file, and what to do: rebuilding is only suggested for the demo
    /// lake, whose data fathom wrote and can write again.
    async fn load_error(&self, ident: &TableIdent, e: &iceberg::Error) -> FathomError {
        let table = qualified(ident);
        let (file, demo) = match &self.origin {
            Origin::Sqlite(path) => locate_sqlite(path, ident).await.unwrap_or((None, false)),
            Origin::Other => (None, false),
        };
        let message = e.to_string();
        if matches!(self.origin, Origin::Other)
            && (message.contains("No 'metadata_location' set on table") || message.contains("No 'parameters' set on table"))
        {
            return FathomError::Query(format!(
                "{table} in {} is not an Iceberg table (it has no metadata_location, e.g. a Hive or CSV table): the local engine reads Iceberg tables only; it needs Athena, so query it on an Athena profile",
                self.label
            ));
        }
        if matches!(self.origin, Origin::Other)
            && let Some(hint) = super::fileio_read::s3_hint(&format!("the metadata of {table}"), &format!("{message}: {e:?}"))
        {
            return FathomError::Query(hint);
        }
        let file = match file {
            Some(f) if !message.contains(f.trim_start_matches("file://")) => format!(" (metadata file {f})"),
            _ => String::new(),
        };
        let advice = if demo {
            "the demo lake can be rebuilt with `fathom demo --force`".to_string()
        } else {
            format!(
                "restore that file or point the catalog entry at the table's last good metadata file; the other tables of {} still answer",
                self.label
            )
        };
        FathomError::Other(format!("table metadata of {table} cannot be read{file}: {message}. The file is missing or corrupt: {advice}"))
    }
}

/// The metadata file a SQLite catalog points `ident` at, and whether it is fathom's demo lake.
async fn locate_sqlite(path: &std::path::Path, ident: &TableIdent) -> Option<(Option<String>, bool)> {
    let uri = format!("sqlite://{}?mode=ro", path.display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&uri).await.ok()?;
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT catalog_name, metadata_location FROM iceberg_tables WHERE table_namespace = ? AND table_name = ?",
    )
    .bind(ident.namespace().join("."))
    .bind(ident.name())
    .fetch_optional(&pool)
    .await
    .ok()?;
    pool.close().await;
    let (catalog, location) = row?;
    Some((location, catalog == crate::lake::catalog::DEMO_CATALOG_NAME))
}
