//! Opening a local Iceberg SQL catalog (SQLite), as fathom's demo writes it and as
//! PyIceberg's `SqlCatalog` writes it.

use std::collections::HashMap;
use std::sync::Arc;

use iceberg::io::LocalFsStorageFactory;
use iceberg::{Catalog, CatalogBuilder};
use iceberg_catalog_sql::{SQL_CATALOG_PROP_BIND_STYLE, SQL_CATALOG_PROP_URI, SQL_CATALOG_PROP_WAREHOUSE, SqlBindStyle, SqlCatalogBuilder};
use sqlx::Row;

use crate::config::LocalProfile;
use crate::error::{FathomError, Result};

/// The catalog name fathom's demo lake registers its tables under.
pub const DEMO_CATALOG_NAME: &str = "fathom_demo";

/// `file://` URI of a warehouse given as a path or URI.
pub fn warehouse_uri(warehouse: &str) -> String {
    if warehouse.contains("://") {
        warehouse.to_string()
    } else {
        let path = std::path::Path::new(warehouse);
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
        };
        format!("file://{}", abs.display())
    }
}

/// Opens the catalog of a local profile. With `create`, a missing SQLite file is created.
pub async fn open(profile: &LocalProfile, create: bool) -> Result<Arc<dyn Catalog>> {
    let mut uri = profile.catalog.clone();
    let mut name = DEMO_CATALOG_NAME.to_string();
    if let Some(path) = profile.sqlite_path() {
        if !path.exists() {
            if !create {
                return Err(FathomError::MissingWarehouse { path });
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| FathomError::io(format!("creating {}", dir.display()), e))?;
            }
            uri = format!("sqlite://{}?mode=rwc", path.display());
        } else if let Some(found) = detect_catalog_name(&uri).await? {
            name = found;
        }
    }
    let props = HashMap::from([
        (SQL_CATALOG_PROP_URI.to_string(), uri.clone()),
        (SQL_CATALOG_PROP_WAREHOUSE.to_string(), warehouse_uri(&profile.warehouse)),
        (SQL_CATALOG_PROP_BIND_STYLE.to_string(), SqlBindStyle::QMark.to_string()),
        ("pool.max-connections".to_string(), "4".to_string()),
    ]);
    let catalog = SqlCatalogBuilder::default()
        .with_storage_factory(Arc::new(LocalFsStorageFactory))
        .load(name, props)
        .await
        .map_err(|e| FathomError::Catalog { uri: profile.catalog.clone(), message: e.to_string() })?;
    Ok(Arc::new(catalog))
}

/// The catalog name of a SQLite catalog with tables of exactly one name (PyIceberg picks its
/// own, often "default"); None for an empty catalog.
async fn detect_catalog_name(uri: &str) -> Result<Option<String>> {
    let err = |e: sqlx::Error| FathomError::Catalog {
        uri: uri.to_string(),
        message: format!("{e}; is this an Iceberg SQL catalog (a SQLite file with an iceberg_tables table)?"),
    };
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(uri).await.map_err(err)?;
    let has_table = sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'iceberg_tables'")
        .fetch_optional(&pool)
        .await
        .map_err(err)?
        .is_some();
    if !has_table {
        pool.close().await;
        return Ok(None);
    }
    let rows = sqlx::query("SELECT DISTINCT catalog_name FROM iceberg_tables ORDER BY catalog_name")
        .fetch_all(&pool)
        .await
        .map_err(err)?;
    pool.close().await;
    let names: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String, _>(0).ok()).collect();
    Ok(match names.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => many.iter().find(|n| *n == DEMO_CATALOG_NAME).or(many.first()).cloned(),
    })
}
