//! Iceberg scan planning for an estimate: the table's snapshot (current or time-travelled),
//! the shared planner ([`crate::iceberg::plan`], the same files the local engine reads) for
//! the kept data files, and their `column_sizes` for the bytes. Tables load lazily (only
//! those a query names); file metadata is cached per snapshot.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use iceberg::spec::DataContentType;
use iceberg::table::Table;
use serde::Serialize;

use crate::error::{FathomError, Result};
use crate::iceberg::LakeTables;
use crate::iceberg::plan::plan_files;
use crate::iceberg::tables::ident;
use crate::iceberg::timetravel::resolve_snapshot;
use crate::estimate::scans::Scan;
use crate::iceberg::fileio_read::FOOTER_GETS;
use crate::lake::inspect::{FileInfo, live_files_and_manifests};

/// What one table scan reads.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TableEstimate {
    pub table: String,
    pub snapshot_id: Option<i64>,
    pub files_kept: usize,
    pub files_total: usize,
    pub partitions_kept: usize,
    pub partitions_total: usize,
    pub columns: Vec<String>,
    pub bytes: u64,
    /// S3 GET requests a direct read sends (the footer, then one per column chunk read).
    pub get_requests: u64,
    /// S3 GET requests for the table's metadata when a run loads it ([`metadata_gets`]).
    pub metadata_get_requests: u64,
    /// Kept files without column-size metrics, estimated as file size × column share.
    pub files_without_column_sizes: usize,
    /// The kept data files (filled on request).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    #[serde(skip)]
    pub partition_column: Option<String>,
    #[serde(skip)]
    pub filter_columns: BTreeSet<String>,
    #[serde(skip)]
    pub star: bool,
    #[serde(skip)]
    pub all_columns: usize,
}

struct SnapshotFiles {
    by_path: HashMap<String, FileInfo>,
    manifests: usize,
    data_files: usize,
    partitions: usize,
}

/// Plans scans against an Iceberg catalog, caching per-snapshot file metadata.
pub struct Estimator {
    tables: Arc<LakeTables>,
    snapshots: Mutex<HashMap<(String, i64), Arc<SnapshotFiles>>>,
}

impl Estimator {
    pub fn new(tables: Arc<LakeTables>) -> Self {
        Estimator { tables, snapshots: Mutex::new(HashMap::new()) }
    }

    /// The table (loaded on first use, reused while its metadata file is unchanged).
    async fn table(&self, qualified: &str) -> Result<Table> {
        self.tables.require(&ident(qualified)).await
    }

    async fn snapshot_files(&self, qualified: &str, table: &Table, snapshot: i64) -> Result<Arc<SnapshotFiles>> {
        let key = (qualified.to_string(), snapshot);
        if let Some(hit) = self.snapshots.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let (files, manifests) = live_files_and_manifests(table, Some(snapshot)).await?;
        let data: Vec<&FileInfo> = files.iter().filter(|f| f.content == DataContentType::Data).collect();
        let partitions = data.iter().map(|f| f.partition.as_str()).collect::<BTreeSet<_>>().len();
        let entry = Arc::new(SnapshotFiles {
            data_files: data.len(),
            partitions,
            manifests,
            by_path: files.into_iter().map(|f| (f.path.clone(), f)).collect(),
        });
        if let Ok(mut c) = self.snapshots.lock() {
            c.insert(key, entry.clone());
        }
        Ok(entry)
    }

    /// The estimate of `sql` over `session` (whose tables this estimator plans).
    pub async fn estimate_sql(
        &self,
        session: &crate::iceberg::session::LakeSession,
        sql: &str,
        params: &[crate::library::ParamValue],
        budget: &crate::config::Budget,
        with_files: bool,
    ) -> Result<super::Estimate> {
        let (scans, conservative) = super::scans::of_sql(session, sql, params).await?;
        let mut tables = Vec::with_capacity(scans.len());
        for scan in &scans {
            tables.push(self.plan(scan, with_files).await?);
        }
        Ok(super::Estimate::assemble(tables, conservative, budget))
    }

    /// What `scan` reads: kept files and bytes of its columns in them.
    pub async fn plan(&self, scan: &Scan, with_files: bool) -> Result<TableEstimate> {
        let qualified = scan.qualified();
        let table = self.table(&qualified).await?;
        let md = table.metadata();
        let schema = md.current_schema();
        let all_columns = schema.as_struct().fields().len();
        let partition_column = md
            .default_partition_spec()
            .fields()
            .first()
            .and_then(|f| schema.name_by_field_id(f.source_id))
            .map(str::to_string);
        let mut est = TableEstimate {
            table: qualified.clone(),
            snapshot_id: None,
            files_kept: 0,
            files_total: 0,
            partitions_kept: 0,
            partitions_total: 0,
            columns: scan.columns.clone(),
            bytes: 0,
            get_requests: 0,
            metadata_get_requests: metadata_gets(None),
            files_without_column_sizes: 0,
            files: vec![],
            partition_column,
            filter_columns: scan.filter_columns(),
            star: scan.star,
            all_columns,
        };
        let snapshot = match scan.as_of {
            Some(as_of) => resolve_snapshot(md, &qualified, as_of).map_err(FathomError::Query)?,
            None => match md.current_snapshot() {
                Some(s) => s.snapshot_id(),
                None => return Ok(est),
            },
        };
        est.snapshot_id = Some(snapshot);
        let known = self.snapshot_files(&qualified, &table, snapshot).await?;
        est.files_total = known.data_files;
        est.partitions_total = known.partitions;

        // A time-travelled scan names columns as its snapshot's schema did.
        let read_schema = match scan.as_of {
            Some(_) => md.snapshot_by_id(snapshot).and_then(|s| s.schema(md).ok()).unwrap_or_else(|| schema.clone()),
            None => schema.clone(),
        };
        let field_ids: Vec<i32> =
            scan.columns.iter().filter_map(|c| read_schema.field_by_name(c).map(|f| f.id)).collect();
        let tasks = plan_files(&table, snapshot, &read_schema, &scan.filters).await?;

        let mut partitions = BTreeSet::new();
        let mut manifests = BTreeSet::new();
        let mut deletes = BTreeSet::new();
        for task in &tasks {
            est.files_kept += 1;
            if with_files {
                est.files.push(task.data_file_path.clone());
            }
            let info = known.by_path.get(&task.data_file_path);
            if let Some(info) = info {
                partitions.insert(info.partition.clone());
                manifests.insert(info.manifest);
            }
            est.get_requests += predicted_gets(info, &field_ids);
            match info.filter(|i| !i.column_sizes.is_empty()) {
                Some(info) => {
                    // The chunks of the columns read, plus what is not column data (the
                    // footer, which every read of the file fetches, and page indexes).
                    let chunks: u64 = field_ids.iter().filter_map(|id| info.column_sizes.get(id)).sum();
                    let all_chunks: u64 = info.column_sizes.values().sum();
                    est.bytes += chunks + info.file_size.saturating_sub(all_chunks);
                }
                None => {
                    est.files_without_column_sizes += 1;
                    est.bytes += task.file_size_in_bytes * field_ids.len() as u64 / all_columns.max(1) as u64;
                }
            }
            for d in &task.deletes {
                if deletes.insert(d.file_path.clone()) {
                    est.bytes += d.file_size_in_bytes;
                    est.get_requests += 1;
                }
            }
        }
        est.partitions_kept = partitions.len();
        est.metadata_get_requests = metadata_gets(Some((known.manifests, manifests.len())));
        est.files.sort();
        Ok(est)
    }
}

/// Times a run reads each table's metadata file: at its first load. The estimate's planner and
/// the run's own planning load it again, but ask Glue for the file's name first and reuse the
/// table while it is the same one (`LakeTables::with_pointer`).
pub const TABLE_LOADS_PER_RUN: u64 = 1;

/// The GETs of a table's metadata that a run (in a fresh process, as `fathom run` is) sends:
/// the metadata file once and, when the table has a snapshot, `(all, kept)` of its
/// manifests: its manifest list and every manifest to list the live files (their column
/// sizes price this estimate), then the list again and the manifests that hold a kept file in
/// iceberg's scan planning (which skips the others by their partition summaries; its cache
/// then serves the scan itself). A long-lived workbench reads them once per snapshot, so
/// there this is an upper bound.
pub fn metadata_gets(manifests: Option<(usize, usize)>) -> u64 {
    TABLE_LOADS_PER_RUN + manifests.map_or(0, |(all, kept)| 2 + (all + kept) as u64)
}

/// The GETs the direct reader sends for one data file: the footer (its tail, then its
/// metadata), then one ranged read per column chunk of the columns read, in each row group.
fn predicted_gets(info: Option<&FileInfo>, field_ids: &[i32]) -> u64 {
    let Some(info) = info else { return FOOTER_GETS + field_ids.len() as u64 };
    let columns = if info.column_sizes.is_empty() {
        field_ids.len()
    } else {
        field_ids.iter().filter(|id| info.column_sizes.get(id).is_some_and(|b| *b > 0)).count()
    };
    FOOTER_GETS + (info.row_groups.unwrap_or(1) * columns) as u64
}
