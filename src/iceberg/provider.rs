//! The native scan of a lake table: Iceberg plans, DataFusion scans. iceberg's planner picks
//! the snapshot's files (the same plan the estimate prices); DataFusion's own Parquet source
//! reads them (`DataSourceExec`: parallel file groups, row-group and page-index pruning,
//! filter pushdown with late materialization) with columns mapped by field id
//! ([`super::field_ids`]); files on S3 through the table's FileIO ([`super::fileio_read`]).
//! Every byte fetched (footer, page index, column chunks) counts as
//! `bytes_scanned` ([`super::read_bytes`]), which the run ledger records as "actual".

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::Session;
use datafusion::common::DFSchema;
use datafusion::config::TableParquetOptions;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::object_store::ObjectStoreUrl;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder, ParquetFileReaderFactory, ParquetSource};
use datafusion::object_store;
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::{DataFusionError, Result as DFResult};
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use iceberg::scan::FileScanTask;
use iceberg::spec::SchemaRef as IcebergSchemaRef;
use iceberg::table::Table;

use super::field_ids::FieldIdAdapterFactory;
use super::fileio_read::{FileIoReaderFactory, is_remote};
use super::plan::{check_readable, plan_files, snapshot_or_current};
use super::read_bytes::CountingReaderFactory;
use crate::error::FathomError;

fn external(e: FathomError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A lake table at one snapshot: the current one when it was loaded, or a time-travel target
/// (read with that snapshot's schema, as Athena does).
#[derive(Debug)]
pub struct NativeTable {
    table: Table,
    snapshot: Option<i64>,
    iceberg_schema: IcebergSchemaRef,
    schema: SchemaRef,
}

impl NativeTable {
    pub fn new(table: Table, snapshot: Option<i64>) -> Result<Self, FathomError> {
        let md = table.metadata();
        let meta = |e: iceberg::Error| FathomError::Metadata { table: table.identifier().to_string(), message: e.to_string() };
        let iceberg_schema = match snapshot {
            Some(id) => md
                .snapshot_by_id(id)
                .ok_or_else(|| FathomError::Query(format!("snapshot {id} does not exist in {}", table.identifier())))?
                .schema(md)
                .map_err(meta)?,
            None => md.current_schema().clone(),
        };
        let schema = Arc::new(iceberg::arrow::schema_to_arrow_schema(&iceberg_schema).map_err(meta)?);
        let snapshot = snapshot_or_current(&table, snapshot);
        Ok(NativeTable { table, snapshot, iceberg_schema, schema })
    }

    pub fn table(&self) -> &Table {
        &self.table
    }
}

/// Where a scan's data files are read from.
enum Files {
    /// The local file system, through DataFusion's object store.
    Local,
    /// S3, through the table's FileIO: object-store path -> the file's URL.
    Remote(HashMap<String, String>),
}

/// The object-store path of a data file. Local paths are read from the file system; remote
/// ones (S3) through the table's FileIO, named here by their URL without the scheme.
fn locate(path: &str) -> Result<(String, bool), FathomError> {
    if let Some(rest) = path.strip_prefix("file://") {
        return Ok((rest.to_string(), false));
    }
    if path.starts_with('/') {
        return Ok((path.to_string(), false));
    }
    if is_remote(path) {
        let rest = path.split_once("://").map(|(_, r)| r).unwrap_or(path);
        return Ok((rest.to_string(), true));
    }
    Err(FathomError::Query(format!(
        "data file {path} is neither local nor on S3; the local engine reads local warehouses and S3 (query other stores on Athena)"
    )))
}

/// The planned files, largest first, dealt round-robin into `n` groups (read in parallel).
fn file_groups(tasks: &[FileScanTask], n: usize) -> Result<(Files, Vec<FileGroup>), FathomError> {
    let mut files = Vec::with_capacity(tasks.len());
    let mut remote = HashMap::new();
    let mut local = false;
    for t in tasks {
        let (path, is_remote) = locate(&t.data_file_path)?;
        if is_remote {
            remote.insert(object_store::path::Path::from(path.as_str()).to_string(), t.data_file_path.clone());
        } else {
            local = true;
        }
        let mut f = PartitionedFile::new(path, t.file_size_in_bytes);
        if t.start > 0 || t.length < t.file_size_in_bytes {
            f = f.with_range(t.start as i64, (t.start + t.length) as i64);
        }
        files.push(f);
    }
    if local && !remote.is_empty() {
        return Err(FathomError::Query(
            "the table's data files are partly local and partly on S3; the local engine reads one or the other per table".into(),
        ));
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.object_meta.size));
    let n = n.clamp(1, files.len().max(1));
    let mut groups: Vec<Vec<PartitionedFile>> = (0..n).map(|_| Vec::new()).collect();
    for (i, f) in files.into_iter().enumerate() {
        groups[i % n].push(f);
    }
    let where_ = if remote.is_empty() { Files::Local } else { Files::Remote(remote) };
    Ok((where_, groups.into_iter().map(FileGroup::new).collect()))
}

#[async_trait]
impl TableProvider for NativeTable {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DFResult<Arc<dyn ExecutionPlan>> {
        let projected = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => self.schema.clone(),
        };
        let Some(snapshot) = self.snapshot else { return Ok(Arc::new(EmptyExec::new(projected))) };
        let tasks = plan_files(&self.table, snapshot, &self.iceberg_schema, filters).await.map_err(external)?;
        check_readable(&self.table, &tasks).map_err(external)?;
        if tasks.is_empty() {
            return Ok(Arc::new(EmptyExec::new(projected)));
        }
        let (files, groups) = file_groups(&tasks, state.config_options().execution.target_partitions).map_err(external)?;
        // Remote files are read by the factory alone; DataFusion still asks for a store by URL.
        let url = ObjectStoreUrl::local_filesystem();

        let mut source = ParquetSource::new(self.schema.clone());
        if let Some(predicate) = conjunction(filters.to_vec()) {
            let df_schema = DFSchema::try_from(self.schema.as_ref().clone())?;
            source = source.with_predicate(state.create_physical_expr(predicate, &df_schema)?);
        }
        let mut options =
            TableParquetOptions { global: state.config_options().execution.parquet.clone(), ..Default::default() };
        if matches!(files, Files::Remote(_)) {
            // On S3 each ranged read is a billed GET: read whole column chunks (one GET each,
            // as the estimate predicts) rather than page by page after page-index pruning.
            options.global.enable_page_index = false;
        }
        let factory: Arc<dyn ParquetFileReaderFactory> = match files {
            Files::Local => Arc::new(CountingReaderFactory::new(state.runtime_env().object_store(&url)?)),
            Files::Remote(urls) => Arc::new(FileIoReaderFactory::new(self.table.file_io().clone(), urls)),
        };
        let source = source.with_table_parquet_options(options).with_parquet_file_reader_factory(factory);
        let config = FileScanConfigBuilder::new(url, Arc::new(source))
            .with_file_groups(groups)
            .with_projection_indices(projection.cloned())?
            .with_limit(limit)
            .with_expr_adapter(Some(Arc::new(FieldIdAdapterFactory)))
            .build();
        Ok(DataSourceExec::from_data_source(config))
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DFResult<Vec<TableProviderFilterPushDown>> {
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }
}
