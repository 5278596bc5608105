//! The lake as a DataFusion catalog that loads nothing up front: a table is loaded when a
//! query names it (one table failing does not fail the others), and scanned natively
//! ([`super::provider`]). Also the time-travel names the rewrite produces (`table@v<id>`,
//! `table@t<millis>`) and Athena's metadata tables (`$snapshots`, `$manifests`, `$files`,
//! `$partitions`, `$history`).

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::{CatalogProvider, SchemaProvider, TableProvider};
use datafusion::error::{DataFusionError, Result as DFResult};
use datafusion::logical_expr::TableType;
use iceberg::{NamespaceIdent, TableIdent};

use super::metadata_tables::{self, MetaKind};
use super::provider::NativeTable;
use super::tables::LakeTables;
use super::timetravel::{self, AsOf};

fn external(e: crate::error::FathomError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

#[derive(Debug)]
pub struct LakeCatalog {
    tables: Arc<LakeTables>,
}

impl LakeCatalog {
    pub fn new(tables: Arc<LakeTables>) -> Self {
        LakeCatalog { tables }
    }
}

impl CatalogProvider for LakeCatalog {
    fn as_any(&self) -> &dyn Any {
        self
    }

    /// The namespaces listed so far (a local profile lists them when it opens).
    fn schema_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tables
            .listed()
            .map(|l| l.iter().map(|t| t.namespace().join(".")).collect())
            .unwrap_or_default();
        names.dedup();
        names
    }

    fn schema(&self, name: &str) -> Option<Arc<dyn SchemaProvider>> {
        if let Some(listed) = self.tables.listed()
            && !listed.iter().any(|t| t.namespace().join(".") == name)
        {
            return None;
        }
        Some(Arc::new(LakeSchema { tables: self.tables.clone(), namespace: name.to_string() }))
    }
}

#[derive(Debug)]
struct LakeSchema {
    tables: Arc<LakeTables>,
    namespace: String,
}

impl LakeSchema {
    fn ident(&self, table: &str) -> TableIdent {
        TableIdent::new(NamespaceIdent::new(self.namespace.clone()), table.to_string())
    }

    fn listed_names(&self) -> Vec<String> {
        self.tables
            .listed()
            .map(|l| l.iter().filter(|t| t.namespace().join(".") == self.namespace).map(|t| t.name().to_string()).collect())
            .unwrap_or_default()
    }

    /// Known not to exist (only once the catalog was listed).
    fn absent(&self, base: &str) -> bool {
        self.tables.listed().is_some_and(|l| !l.contains(&self.ident(base)))
    }
}

#[async_trait]
impl SchemaProvider for LakeSchema {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn table_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for b in self.listed_names() {
            for kind in MetaKind::ALL {
                names.push(format!("{b}${}", kind.suffix()));
            }
            names.push(b);
        }
        names.sort();
        names
    }

    fn table_exist(&self, name: &str) -> bool {
        let base = match (AsOf::parse_name(name), name.split_once('$')) {
            (Some((base, _)), _) => base,
            (None, Some((base, kind))) if MetaKind::parse(kind).is_some() => base,
            _ => name,
        };
        !self.absent(base)
    }

    async fn table(&self, name: &str) -> DFResult<Option<Arc<dyn TableProvider>>> {
        let (base, as_of, meta) = match (AsOf::parse_name(name), name.split_once('$')) {
            (Some((base, as_of)), _) => (base, Some(as_of), None),
            (None, Some((base, kind))) if MetaKind::parse(kind).is_some() => (base, None, MetaKind::parse(kind)),
            _ => (name, None, None),
        };
        if self.absent(base) {
            return Ok(None);
        }
        let Some(table) = self.tables.load(&self.ident(base)).await.map_err(external)? else { return Ok(None) };
        if let Some(kind) = meta {
            return metadata_tables::provider(&table, kind).await.map(Some).map_err(external);
        }
        let snapshot = match as_of {
            Some(as_of) => {
                let qualified = format!("{}.{base}", self.namespace);
                Some(
                    timetravel::resolve_snapshot(table.metadata(), &qualified, as_of)
                        .map_err(|m| external(crate::error::FathomError::Query(m)))?,
                )
            }
            None => None,
        };
        Ok(Some(Arc::new(NativeTable::new(table, snapshot).map_err(external)?)))
    }

    /// information_schema.tables lists every table: their type needs no metadata read.
    async fn table_type(&self, name: &str) -> DFResult<Option<TableType>> {
        Ok(self.table_exist(name).then_some(TableType::Base))
    }

    fn register_table(&self, _name: String, _table: Arc<dyn TableProvider>) -> DFResult<Option<Arc<dyn TableProvider>>> {
        Err(DataFusionError::Plan("the lake is read-only in fathom".into()))
    }
}
