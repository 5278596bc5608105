//! Athena's Iceberg metadata tables, `"t$snapshots"`, `"t$manifests"`, `"t$history"`,
//! `"t$files"` and `"t$partitions"`, materialised from the table's metadata into memory
//! (iceberg-datafusion's own providers ignore projections, so every one is served here).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, Int32Array, Int64Array, StringArray, TimestampMillisecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use datafusion::catalog::TableProvider;
use datafusion::datasource::MemTable;
use iceberg::table::Table;

use crate::error::{FathomError, Result};
use crate::lake::inspect::live_files;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKind {
    Snapshots,
    Manifests,
    History,
    Files,
    Partitions,
}

impl MetaKind {
    pub const ALL: [MetaKind; 5] =
        [MetaKind::Snapshots, MetaKind::Manifests, MetaKind::History, MetaKind::Files, MetaKind::Partitions];

    pub fn suffix(self) -> &'static str {
        match self {
            MetaKind::Snapshots => "snapshots",
            MetaKind::Manifests => "manifests",
            MetaKind::History => "history",
            MetaKind::Files => "files",
            MetaKind::Partitions => "partitions",
        }
    }

    pub fn parse(s: &str) -> Option<MetaKind> {
        MetaKind::ALL.into_iter().find(|k| k.suffix() == s)
    }
}

fn batch(fields: Vec<Field>, columns: Vec<ArrayRef>) -> Result<RecordBatch> {
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| FathomError::Other(e.to_string()))
}

/// `$history`: made_current_at, snapshot_id, parent_id, is_current_ancestor.
pub fn history(table: &Table) -> Result<RecordBatch> {
    let md = table.metadata();
    let ancestors: Vec<i64> = {
        let mut v = Vec::new();
        let mut cur = md.current_snapshot().map(|s| s.snapshot_id());
        while let Some(id) = cur {
            v.push(id);
            cur = md.snapshot_by_id(id).and_then(|s| s.parent_snapshot_id());
        }
        v
    };
    let log = md.history();
    batch(
        vec![
            Field::new("made_current_at", DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())), false),
            Field::new("snapshot_id", DataType::Int64, false),
            Field::new("parent_id", DataType::Int64, true),
            Field::new("is_current_ancestor", DataType::Boolean, false),
        ],
        vec![
            Arc::new(TimestampMillisecondArray::from_iter_values(log.iter().map(|e| e.timestamp_ms)).with_timezone("UTC")),
            Arc::new(Int64Array::from_iter_values(log.iter().map(|e| e.snapshot_id))),
            Arc::new(Int64Array::from_iter(
                log.iter().map(|e| md.snapshot_by_id(e.snapshot_id).and_then(|s| s.parent_snapshot_id())),
            )),
            Arc::new(BooleanArray::from_iter(log.iter().map(|e| Some(ancestors.contains(&e.snapshot_id))))),
        ],
    )
}

/// `$files`: one row per live file of the current snapshot.
pub async fn files(table: &Table) -> Result<RecordBatch> {
    let files = live_files(table, None).await?;
    batch(
        vec![
            Field::new("content", DataType::Int32, false),
            Field::new("file_path", DataType::Utf8, false),
            Field::new("file_format", DataType::Utf8, false),
            Field::new("spec_id", DataType::Int32, false),
            Field::new("partition", DataType::Utf8, false),
            Field::new("record_count", DataType::Int64, false),
            Field::new("file_size_in_bytes", DataType::Int64, false),
        ],
        vec![
            Arc::new(Int32Array::from_iter_values(files.iter().map(|f| f.content as i32))),
            Arc::new(StringArray::from_iter_values(files.iter().map(|f| f.path.as_str()))),
            Arc::new(StringArray::from_iter_values(files.iter().map(|f| f.format.as_str()))),
            Arc::new(Int32Array::from_iter_values(files.iter().map(|f| f.spec_id))),
            Arc::new(StringArray::from_iter_values(files.iter().map(|f| f.partition.as_str()))),
            Arc::new(Int64Array::from_iter_values(files.iter().map(|f| f.record_count as i64))),
            Arc::new(Int64Array::from_iter_values(files.iter().map(|f| f.file_size as i64))),
        ],
    )
}

/// `$partitions`: per partition of the current snapshot, rows, files and bytes.
pub async fn partitions(table: &Table) -> Result<RecordBatch> {
    let mut by: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for f in live_files(table, None).await? {
        let e = by.entry(f.partition).or_default();
        e.0 += f.record_count as i64;
        e.1 += 1;
        e.2 += f.file_size as i64;
    }
    batch(
        vec![
            Field::new("partition", DataType::Utf8, false),
            Field::new("record_count", DataType::Int64, false),
            Field::new("file_count", DataType::Int64, false),
            Field::new("total_size", DataType::Int64, false),
        ],
        vec![
            Arc::new(StringArray::from_iter_values(by.keys())),
            Arc::new(Int64Array::from_iter_values(by.values().map(|v| v.0))),
            Arc::new(Int64Array::from_iter_values(by.values().map(|v| v.1))),
            Arc::new(Int64Array::from_iter_values(by.values().map(|v| v.2))),
        ],
    )
}

/// A table provider over the metadata table `kind` of `table`.
pub async fn provider(table: &Table, kind: MetaKind) -> Result<Arc<dyn TableProvider>> {
    let b = match kind {
        MetaKind::Snapshots | MetaKind::Manifests => return inspected(table, kind).await,
        MetaKind::History => history(table)?,
        MetaKind::Files => files(table).await?,
        MetaKind::Partitions => partitions(table).await?,
    };
    let mem = MemTable::try_new(b.schema(), vec![vec![b]]).map_err(|e| FathomError::Other(e.to_string()))?;
    Ok(Arc::new(mem))
}

/// `$snapshots` and `$manifests`, from iceberg's own inspect tables.
async fn inspected(table: &Table, kind: MetaKind) -> Result<Arc<dyn TableProvider>> {
    use futures::TryStreamExt;
    let err = |e: iceberg::Error| FathomError::Metadata { table: table.identifier().to_string(), message: e.to_string() };
    let inspect = table.inspect();
    let stream = match kind {
        MetaKind::Manifests => inspect.manifests().scan().await.map_err(err)?,
        _ => inspect.snapshots().scan().await.map_err(err)?,
    };
    let batches: Vec<RecordBatch> = stream.try_collect().await.map_err(err)?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => Arc::new(Schema::empty()),
    };
    let mem = MemTable::try_new(schema, vec![batches]).map_err(|e| FathomError::Other(e.to_string()))?;
    Ok(Arc::new(mem))
}
