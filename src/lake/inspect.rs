//! Reading a table's metadata below the snapshot: the live data files of a snapshot with
//! their partition, row count, size and per-column sizes. Serves the `$files` and
//! `$partitions` metadata tables and the scan-cost estimate.

use std::collections::HashMap;

use iceberg::spec::{DataContentType, Literal, PartitionSpec, PrimitiveLiteral, Transform};
use iceberg::table::Table;

use crate::error::{FathomError, Result};

/// One live file of a snapshot.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub content: DataContentType,
    pub path: String,
    pub format: String,
    pub spec_id: i32,
    /// Rendered as `name=value` pairs, e.g. `trade_month=2024-11` (empty when unpartitioned).
    pub partition: String,
    pub record_count: u64,
    pub file_size: u64,
    /// Compressed bytes per field id (Iceberg `column_sizes`), empty if the writer left none.
    pub column_sizes: HashMap<i32, u64>,
    /// Row groups, from the writer's split offsets (None when it left none).
    pub row_groups: Option<usize>,
    /// Which manifest of the snapshot's manifest list holds it (its index there).
    pub manifest: usize,
}

fn meta_err(table: &Table, e: impl std::fmt::Display) -> FathomError {
    FathomError::Metadata { table: table.identifier().to_string(), message: e.to_string() }
}

/// The live files (data and delete) of `snapshot_id`, or of the current snapshot.
pub async fn live_files(table: &Table, snapshot_id: Option<i64>) -> Result<Vec<FileInfo>> {
    Ok(live_files_and_manifests(table, snapshot_id).await?.0)
}

/// `live_files`, and how many manifests the snapshot's manifest list names (each one read).
pub async fn live_files_and_manifests(table: &Table, snapshot_id: Option<i64>) -> Result<(Vec<FileInfo>, usize)> {
    let metadata = table.metadata();
    let snapshot = match snapshot_id {
        Some(id) => metadata.snapshot_by_id(id).cloned().ok_or_else(|| {
            FathomError::Query(format!("snapshot {id} does not exist in {}", table.identifier()))
        })?,
        None => match metadata.current_snapshot() {
            Some(s) => s.clone(),
            None => return Ok((vec![], 0)),
        },
    };
    let list = table.manifest_list_reader(&snapshot).load().await.map_err(|e| meta_err(table, e))?;
    let mut out = Vec::new();
    for (index, manifest_file) in list.entries().iter().enumerate() {
        let manifest = manifest_file.load_manifest(table.file_io()).await.map_err(|e| meta_err(table, e))?;
        let spec = metadata.partition_spec_by_id(manifest_file.partition_spec_id);
        for entry in manifest.entries().iter().filter(|e| e.is_alive()) {
            let f = entry.data_file();
            out.push(FileInfo {
                content: f.content_type(),
                path: f.file_path().to_string(),
                format: format!("{:?}", f.file_format()).to_uppercase(),
                spec_id: manifest_file.partition_spec_id,
                partition: spec.map(|s| render_partition(s, f.partition().fields())).unwrap_or_default(),
                record_count: f.record_count(),
                file_size: f.file_size_in_bytes(),
                column_sizes: f.column_sizes().clone(),
                row_groups: f.split_offsets().map(<[i64]>::len).filter(|n| *n > 0),
                manifest: index,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((out, list.entries().len()))
}

/// `trade_month=2024-11`, `rebal_year=2023`: partition values as people read them.
pub fn render_partition(spec: &PartitionSpec, values: &[Option<Literal>]) -> String {
    spec.fields()
        .iter()
        .zip(values)
        .map(|(field, value)| {
            let v = match value {
                None => "null".to_string(),
                Some(Literal::Primitive(PrimitiveLiteral::Int(n))) => match field.transform {
                    Transform::Month => format!("{:04}-{:02}", 1970 + n.div_euclid(12), n.rem_euclid(12) + 1),
                    Transform::Year => format!("{}", 1970 + n),
                    _ => n.to_string(),
                },
                Some(Literal::Primitive(p)) => format!("{p:?}"),
                Some(other) => format!("{other:?}"),
            };
            format!("{}={v}", field.name)
        })
        .collect::<Vec<_>>()
        .join("/")
}
