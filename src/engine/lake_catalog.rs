//! The lake as a DataFusion catalog: iceberg-datafusion's providers, plus time-travel names
//! (`table@v<id>`, `table@t<millis>`) and the Athena metadata tables it lacks
//! (`$snapshots`, `$manifests`, `$files`, `$partitions`, `$history`).

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::{CatalogProvider, SchemaProvider, TableProvider};
use datafusion::error::{DataFusionError, Result as DFResult};
use iceberg::table::Table;
use iceberg::{Catalog, NamespaceIdent, TableIdent};
use iceberg_datafusion::IcebergCatalogProvider;

use crate::engine::metadata_tables::{self, MetaKind};
use crate::engine::scan::LakeTableProvider;
use crate::engine::timetravel::{self, AsOf};

#[derive(Debug)]
pub struct LakeCatalogProvider {
    inner: Arc<IcebergCatalogProvider>,
    catalog: Arc<dyn Catalog>,
}

impl LakeCatalogProvider {
    pub async fn try_new(catalog: Arc<dyn Catalog>) -> iceberg::Result<Self> {
        let inner = Arc::new(IcebergCatalogProvider::try_new(catalog.clone()).await?);
        Ok(LakeCatalogProvider { inner, catalog })
    }
}

impl CatalogProvider for LakeCatalogProvider {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn schema_names(&self) -> Vec<String> {
        let mut names = self.inner.schema_names();
        names.sort();
        names
    }

    fn schema(&self, name: &str) -> Option<Arc<dyn SchemaProvider>> {
        let inner = self.inner.schema(name)?;
        Some(Arc::new(LakeSchemaProvider { inner, catalog: self.catalog.clone(), namespace: name.to_string() }))
    }
}

#[derive(Debug)]
struct LakeSchemaProvider {
    inner: Arc<dyn SchemaProvider>,
    catalog: Arc<dyn Catalog>,
    namespace: String,
}

fn df_err(e: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Plan(e.to_string())
}

impl LakeSchemaProvider {
    async fn load(&self, table: &str) -> DFResult<Table> {
        let ident = TableIdent::new(NamespaceIdent::new(self.namespace.clone()), table.to_string());
        self.catalog.load_table(&ident).await.map_err(df_err)
    }

    async fn time_travel(&self, base: &str, as_of: AsOf) -> DFResult<Arc<dyn TableProvider>> {
        let table = self.load(base).await?;
        let qualified = format!("{}.{base}", self.namespace);
        let snapshot_id = timetravel::resolve_snapshot(table.metadata(), &qualified, as_of).map_err(df_err)?;
        Ok(Arc::new(LakeTableProvider::at_snapshot(self.catalog.clone(), table, snapshot_id)?))
    }
}

#[async_trait]
impl SchemaProvider for LakeSchemaProvider {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn table_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.inner.table_names().into_iter().filter(|n| !n.contains('$')).collect();
        for b in names.clone() {
            for kind in MetaKind::ALL {
                names.push(format!("{b}${}", kind.suffix()));
            }
        }
        names.sort();
        names
    }

    fn table_exist(&self, name: &str) -> bool {
        if let Some((base, _)) = AsOf::parse_name(name) {
            return self.inner.table_exist(base);
        }
        if let Some((base, kind)) = name.split_once('$')
            && MetaKind::parse(kind).is_some() {
                return self.inner.table_exist(base);
            }
        self.inner.table_exist(name)
    }

    async fn table(&self, name: &str) -> DFResult<Option<Arc<dyn TableProvider>>> {
        if let Some((base, as_of)) = AsOf::parse_name(name) {
            if !self.inner.table_exist(base) {
                return Ok(None);
            }
            return self.time_travel(base, as_of).await.map(Some);
        }
        if let Some((base, kind)) = name.split_once('$')
            && let Some(kind) = MetaKind::parse(kind) {
                if !self.inner.table_exist(base) {
                    return Ok(None);
                }
                let table = self.load(base).await?;
                return metadata_tables::provider(&table, kind).await.map(Some).map_err(df_err);
            }
        if !self.inner.table_exist(name) {
            return Ok(None);
        }
        let ident = TableIdent::new(NamespaceIdent::new(self.namespace.clone()), name.to_string());
        Ok(Some(Arc::new(LakeTableProvider::current(self.catalog.clone(), ident).await?)))
    }

    fn register_table(&self, _name: String, _table: Arc<dyn TableProvider>) -> DFResult<Option<Arc<dyn TableProvider>>> {
        Err(DataFusionError::Plan("the lake is read-only in fathom".into()))
    }
}
