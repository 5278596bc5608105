//! The local engine's Iceberg scan: iceberg's planner and Arrow reader, like
//! iceberg-datafusion's scan, but reporting the bytes it really read from data and delete
//! files as the DataFusion metric `bytes_scanned` (what the run ledger records as "actual").

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::Session;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::{DataFusionError, Result as DFResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_expr::EquivalenceProperties;
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::metrics::{Count, ExecutionPlanMetricsSet, MetricBuilder, MetricsSet};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties};
use futures::{StreamExt, TryStreamExt};
use iceberg::arrow::ArrowReaderBuilder;
use iceberg::table::Table;
use iceberg::{Catalog, TableIdent};
use iceberg_datafusion::physical_plan::convert_filters_to_predicate;

/// The metric name, shared with DataFusion's own Parquet scan.
pub const BYTES_SCANNED: &str = "bytes_scanned";

fn df_err(e: iceberg::Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A lake table: the current snapshot (reloaded at each scan) or a pinned one.
#[derive(Debug)]
pub struct LakeTableProvider {
    catalog: Arc<dyn Catalog>,
    ident: TableIdent,
    pinned: Option<(Table, i64)>,
    schema: SchemaRef,
}

impl LakeTableProvider {
    pub async fn current(catalog: Arc<dyn Catalog>, ident: TableIdent) -> DFResult<Self> {
        let table = catalog.load_table(&ident).await.map_err(df_err)?;
        let schema = Arc::new(iceberg::arrow::schema_to_arrow_schema(table.metadata().current_schema()).map_err(df_err)?);
        Ok(LakeTableProvider { catalog, ident, pinned: None, schema })
    }

    pub fn at_snapshot(catalog: Arc<dyn Catalog>, table: Table, snapshot_id: i64) -> DFResult<Self> {
        let snapshot = table
            .metadata()
            .snapshot_by_id(snapshot_id)
            .ok_or_else(|| DataFusionError::Plan(format!("snapshot {snapshot_id} not found")))?;
        let schema = snapshot.schema(table.metadata()).map_err(df_err)?;
        let schema = Arc::new(iceberg::arrow::schema_to_arrow_schema(&schema).map_err(df_err)?);
        Ok(LakeTableProvider { catalog, ident: table.identifier().clone(), pinned: Some((table, snapshot_id)), schema })
    }
}

#[async_trait]
impl TableProvider for LakeTableProvider {
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
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DFResult<Arc<dyn ExecutionPlan>> {
        let (table, snapshot) = match &self.pinned {
            Some((t, s)) => (t.clone(), Some(*s)),
            None => (self.catalog.load_table(&self.ident).await.map_err(df_err)?, None),
        };
        let output = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => self.schema.clone(),
        };
        let columns = output.fields().iter().map(|f| f.name().clone()).collect();
        Ok(Arc::new(LakeScanExec {
            table,
            snapshot,
            columns,
            filters: filters.to_vec(),
            limit,
            properties: Arc::new(PlanProperties::new(
                EquivalenceProperties::new(output),
                Partitioning::UnknownPartitioning(1),
                EmissionType::Incremental,
                Boundedness::Bounded,
            )),
            metrics: ExecutionPlanMetricsSet::new(),
        }))
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DFResult<Vec<TableProviderFilterPushDown>> {
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }
}

#[derive(Debug)]
struct LakeScanExec {
    table: Table,
    snapshot: Option<i64>,
    columns: Vec<String>,
    filters: Vec<Expr>,
    limit: Option<usize>,
    properties: Arc<PlanProperties>,
    metrics: ExecutionPlanMetricsSet,
}

impl DisplayAs for LakeScanExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "LakeScanExec {} columns:[{}]", self.table.identifier(), self.columns.join(","))
    }
}

impl ExecutionPlan for LakeScanExec {
    fn name(&self) -> &str {
        "LakeScanExec"
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn with_new_children(self: Arc<Self>, _children: Vec<Arc<dyn ExecutionPlan>>) -> DFResult<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }

    fn execute(&self, partition: usize, _context: Arc<TaskContext>) -> DFResult<SendableRecordBatchStream> {
        let counter: Count = MetricBuilder::new(&self.metrics).counter(BYTES_SCANNED, partition);
        let table = self.table.clone();
        let snapshot = self.snapshot;
        let columns = self.columns.clone();
        let predicate = convert_filters_to_predicate(&self.filters);
        let open = async move {
            let mut builder = table.scan().select(columns);
            if let Some(s) = snapshot {
                builder = builder.snapshot_id(s);
            }
            if let Some(p) = predicate {
                builder = builder.with_filter(p);
            }
            let scan = builder.build().map_err(df_err)?;
            let tasks = scan.plan_files().await.map_err(df_err)?;
            let runtime = iceberg::Runtime::try_current().map_err(df_err)?;
            let reader = ArrowReaderBuilder::new(table.file_io().clone(), runtime)
                .with_data_file_concurrency_limit(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
                .with_row_group_filtering_enabled(true)
                // Read what Athena bills: the footer and the column chunks, no prefetched
                // tail and no coalesced gaps between chunks.
                .with_metadata_size_hint(8)
                .with_range_coalesce_bytes(0)
                .build();
            let result = reader.read(tasks).map_err(df_err)?;
            let metrics = result.metrics().clone();
            let reported = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let report = move || {
                let now = metrics.bytes_read();
                let before = reported.swap(now, std::sync::atomic::Ordering::Relaxed);
                counter.add(now.saturating_sub(before) as usize);
            };
            let at_end = report.clone();
            let stream = result
                .stream()
                .map(move |batch| {
                    report();
                    batch.map_err(df_err)
                })
                .chain(futures::stream::once(async move {
                    at_end();
                    None
                }).filter_map(futures::future::ready));
            Ok::<_, DataFusionError>(stream)
        };
        let stream = futures::stream::once(open).try_flatten();
        let limit = self.limit;
        let mut remaining = limit.unwrap_or(usize::MAX);
        let limited = stream.try_filter_map(move |batch| {
            futures::future::ready(if remaining == 0 {
                Ok(None)
            } else if batch.num_rows() <= remaining {
                remaining -= batch.num_rows();
                Ok(Some(batch))
            } else {
                let b = batch.slice(0, remaining);
                remaining = 0;
                Ok(Some(b))
            })
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.properties.eq_properties.schema().clone(), limited)))
    }
}

/// Bytes the lake scans of an executed plan read.
pub fn bytes_scanned(plan: &Arc<dyn ExecutionPlan>) -> u64 {
    let own = plan
        .metrics()
        .and_then(|m| m.sum_by_name(BYTES_SCANNED))
        .map(|v| v.as_usize() as u64)
        .unwrap_or(0);
    own + plan.children().iter().map(|c| bytes_scanned(c)).sum::<u64>()
}
