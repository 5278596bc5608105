//! The files a scan reads: iceberg's own planner (manifest partition summaries, partition
//! values under each file's own spec, min/max metrics) for one snapshot. The local engine's
//! scan and the estimate both call this, so "estimated" and "read" are the same files.
//!
//! Filters name columns as the query sees them (the current schema, or the time-travelled
//! snapshot's); iceberg binds predicates to the snapshot's schema, so each filter's columns
//! are renamed through their field ids, and a filter on a column the snapshot does not have
//! (added later) or whose type changed in the table's history (promoted: files keep metrics
//! of the old type, which iceberg's evaluator would read as the new one) is left out of
//! iceberg's pruning (never wrong, only less pruned; DataFusion still prunes row groups by
//! each file's own statistics).

use std::collections::{BTreeSet, HashMap, HashSet};

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::logical_expr::Expr;
use futures::TryStreamExt;
use iceberg::scan::FileScanTask;
use iceberg::spec::{FormatVersion, Schema};
use iceberg::table::Table;
use iceberg_datafusion::physical_plan::convert_filters_to_predicate;

use crate::error::{FathomError, Result};

fn meta_err(table: &Table) -> impl Fn(iceberg::Error) -> FathomError + '_ {
    move |e| FathomError::Metadata { table: table.identifier().to_string(), message: e.to_string() }
}

/// `filters` rewritten to the column names of `snapshot_schema`; filters it cannot express
/// there are dropped.
pub fn filters_for_snapshot(filters: &[Expr], schema: &Schema, snapshot_schema: &Schema, promoted: &HashSet<i32>) -> Vec<Expr> {
    filters
        .iter()
        .filter_map(|f| {
            let mut ok = true;
            let renamed = f
                .clone()
                .transform_up(|e| {
                    let Expr::Column(c) = &e else { return Ok(Transformed::no(e)) };
                    let old = schema
                        .field_by_name(&c.name)
                        .and_then(|field| snapshot_schema.field_by_id(field.id).map(|old| (field, old)));
                    match old {
                        Some((field, old)) if field.field_type == old.field_type && !promoted.contains(&field.id) => {
                            if old.name == c.name {
                                Ok(Transformed::no(e))
                            } else {
                                Ok(Transformed::yes(Expr::Column(datafusion::common::Column::new_unqualified(&old.name))))
                            }
                        }
                        _ => {
                            ok = false;
                            Ok(Transformed::no(e))
                        }
                    }
                })
                .ok()?
                .data;
            ok.then_some(renamed)
        })
        .collect()
}

/// Field ids whose type differs between any two of the table's schemas.
fn promoted(md: &iceberg::spec::TableMetadata) -> HashSet<i32> {
    let mut seen: HashMap<i32, &iceberg::spec::Type> = HashMap::new();
    let mut out = HashSet::new();
    for schema in md.schemas_iter() {
        for f in schema.as_struct().fields() {
            if seen.insert(f.id, &f.field_type).is_some_and(|t| *t != *f.field_type) {
                out.insert(f.id);
            }
        }
    }
    out
}

/// The data files (with their delete files) of `snapshot` that `filters` can touch.
/// `schema` is the schema the filters name columns of.
pub async fn plan_files(table: &Table, snapshot: i64, schema: &Schema, filters: &[Expr]) -> Result<Vec<FileScanTask>> {
    let md = table.metadata();
    let snap = md
        .snapshot_by_id(snapshot)
        .ok_or_else(|| FathomError::Query(format!("snapshot {snapshot} does not exist in {}", table.identifier())))?;
    let snapshot_schema = snap.schema(md).map_err(meta_err(table))?;
    let filters = filters_for_snapshot(filters, schema, &snapshot_schema, &promoted(md));
    let builder = || table.scan().snapshot_id(snapshot).select_empty();
    let scan = match convert_filters_to_predicate(&filters) {
        // A predicate iceberg cannot bind (a literal of another type) prunes nothing.
        Some(p) => builder().with_filter(p).build().or_else(|_| builder().build()),
        None => builder().build(),
    }
    .map_err(meta_err(table))?;
    scan.plan_files().await.map_err(meta_err(table))?.try_collect().await.map_err(meta_err(table))
}

/// The snapshot a scan reads: the given one, or the current one (None: the table is empty).
pub fn snapshot_or_current(table: &Table, snapshot: Option<i64>) -> Option<i64> {
    snapshot.or_else(|| table.metadata().current_snapshot_id())
}

/// Refuses what the native scan cannot read correctly: delete files (named) and v3 tables.
pub fn check_readable(table: &Table, tasks: &[FileScanTask]) -> Result<()> {
    let name = table.identifier().to_string();
    if table.metadata().format_version() == FormatVersion::V3 {
        return Err(FathomError::Query(format!(
            "{name} is an Iceberg v3 table (deletion vectors), which the local engine does not read; run the query on Athena"
        )));
    }
    let deletes: BTreeSet<&str> = tasks.iter().flat_map(|t| t.deletes.iter().map(|d| d.file_path.as_str())).collect();
    if deletes.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = deletes.iter().take(5).copied().collect();
    let more = if deletes.len() > shown.len() { format!(" and {} more", deletes.len() - shown.len()) } else { String::new() };
    Err(FathomError::Query(format!(
        "{name} has row-level delete files, which the local engine does not apply: {}{more}. Its answers would include deleted rows, so it is not read; compact the table (rewrite its data files, e.g. PyIceberg's overwrite or Spark's rewrite_data_files) or run the query on Athena",
        shown.join(", ")
    )))
}
