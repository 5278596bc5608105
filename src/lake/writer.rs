//! Loading Arrow data into Iceberg tables as appends: create the table with its spec and
//! properties, split the history into commits (one per year, then one per day for the
//! last days), write partitioned Parquet (zstd) and fast-append each as a snapshot.

use std::sync::Arc;

use arrow::array::{Array, Date32Array};
use arrow::compute::{sort_to_indices, take_record_batch};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate};
use iceberg::arrow::RecordBatchPartitionSplitter;
use iceberg::spec::DataFileFormat;
use iceberg::table::Table;
use iceberg::transaction::{ApplyTransactionAction, Transaction};
use iceberg::writer::base_writer::data_file_writer::DataFileWriterBuilder;
use iceberg::writer::file_writer::ParquetWriterBuilder;
use iceberg::writer::file_writer::location_generator::{DefaultFileNameGenerator, DefaultLocationGenerator};
use iceberg::writer::file_writer::rolling_writer::RollingFileWriterBuilder;
use iceberg::writer::partitioning::PartitioningWriter;
use iceberg::writer::partitioning::fanout_writer::FanoutWriter;
use iceberg::writer::{IcebergWriter, IcebergWriterBuilder};
use iceberg::{Catalog, NamespaceIdent, TableCreation, TableIdent};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{FathomError, Result};
use crate::lake::tables::TableDef;

const ROW_GROUP_ROWS: usize = 1024 * 1024;

fn ice(context: &str) -> impl Fn(iceberg::Error) -> FathomError + '_ {
    move |e| FathomError::Other(format!("{context}: {e}"))
}

/// Creates `def` in the catalog (and its namespace if needed).
pub async fn create_table(catalog: &dyn Catalog, def: &TableDef) -> Result<Table> {
    let ctx = format!("creating {}", def.qualified());
    let ns = NamespaceIdent::new(def.namespace.to_string());
    if !catalog.namespace_exists(&ns).await.map_err(ice(&ctx))? {
        catalog.create_namespace(&ns, Default::default()).await.map_err(ice(&ctx))?;
    }
    let creation = TableCreation::builder()
        .name(def.name.to_string())
        .schema(def.iceberg_schema().map_err(ice(&ctx))?)
        .partition_spec_opt(def.partition_spec().map_err(ice(&ctx))?)
        .properties(def.properties())
        .build();
    catalog.create_table(&ns, creation).await.map_err(ice(&ctx))
}

/// Cuts a table's rows into the commits of its history: one per calendar year, then one per
/// day for the last `daily_tail` distinct days. Tables without a time column get one commit.
pub fn split_history(def: &TableDef, batch: &RecordBatch, daily_tail: usize) -> Result<Vec<RecordBatch>> {
    let Some(time_col) = def.time_column else {
        return Ok(vec![batch.clone()]);
    };
    if batch.num_rows() == 0 {
        return Ok(vec![]);
    }
    let err = |m: String| FathomError::Other(format!("{}: {m}", def.qualified()));
    let idx = batch.schema().index_of(time_col).map_err(|e| err(e.to_string()))?;
    let sorted = {
        let indices = sort_to_indices(batch.column(idx), None, None).map_err(|e| err(e.to_string()))?;
        take_record_batch(batch, &indices).map_err(|e| err(e.to_string()))?
    };
    let dates = sorted
        .column(idx)
        .as_any()
        .downcast_ref::<Date32Array>()
        .ok_or_else(|| err(format!("{time_col} is not a date column")))?;
    let mut distinct: Vec<i32> = dates.values().to_vec();
    distinct.dedup();
    let tail_start = distinct[distinct.len().saturating_sub(daily_tail)];
    let key = |d: i32| -> i64 {
        if d >= tail_start {
            i64::from(d) + 100_000
        } else {
            NaiveDate::from_num_days_from_ce_opt(d + 719_163).map(|n| i64::from(n.year())).unwrap_or(0)
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=dates.len() {
        if i == dates.len() || key(dates.value(i)) != key(dates.value(start)) {
            out.push(sorted.slice(start, i - start));
            start = i;
        }
    }
    Ok(out)
}

/// Writes one batch as data files (partitioned by the table's spec) and commits a fast append.
pub async fn append(catalog: &dyn Catalog, table: Table, batch: RecordBatch, commit_no: usize) -> Result<Table> {
    let name = table.identifier().to_string();
    let ctx = format!("writing {name}");
    let metadata = table.metadata();
    let schema = metadata.current_schema().clone();
    let spec = metadata.default_partition_spec().clone();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).map_err(|e| FathomError::Other(e.to_string()))?))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build();
    let parquet = ParquetWriterBuilder::new(props, schema.clone());
    let rolling = RollingFileWriterBuilder::new_with_default_file_size(
        parquet,
        table.file_io().clone(),
        DefaultLocationGenerator::new(metadata).map_err(ice(&ctx))?,
        DefaultFileNameGenerator::new(format!("{commit_no:05}-{}", uuid::Uuid::new_v4()), None, DataFileFormat::Parquet),
    );
    let builder = DataFileWriterBuilder::new(rolling);
    let batch = RecordBatch::try_new(
        Arc::new(iceberg::arrow::schema_to_arrow_schema(&schema).map_err(ice(&ctx))?),
        batch.columns().to_vec(),
    )
    .map_err(|e| FathomError::Other(format!("{ctx}: batch does not match the table schema: {e}")))?;
    let data_files = if spec.is_unpartitioned() {
        let mut w = builder.build(None).await.map_err(ice(&ctx))?;
        w.write(batch).await.map_err(ice(&ctx))?;
        w.close().await.map_err(ice(&ctx))?
    } else {
        let splitter =
            RecordBatchPartitionSplitter::try_new_with_computed_values(schema.clone(), spec.clone()).map_err(ice(&ctx))?;
        let mut fan = FanoutWriter::new(builder);
        for (key, part) in splitter.split(&batch).map_err(ice(&ctx))? {
            fan.write(key, part).await.map_err(ice(&ctx))?;
        }
        fan.close().await.map_err(ice(&ctx))?
    };
    let tx = Transaction::new(&table);
    let tx = tx.fast_append().add_data_files(data_files).apply(tx).map_err(ice(&ctx))?;
    tx.commit(catalog).await.map_err(ice(&ctx))
}

/// Creates `def` and loads `batch` into it as its history of commits; returns the commit count.
pub async fn load_table(catalog: &dyn Catalog, def: &TableDef, batch: &RecordBatch, daily_tail: usize) -> Result<usize> {
    let mut table = create_table(catalog, def).await?;
    let commits = split_history(def, batch, daily_tail)?;
    let n = commits.len();
    for (i, part) in commits.into_iter().enumerate() {
        table = append(catalog, table, part, i).await?;
    }
    Ok(n)
}

/// The identifier of a table definition.
pub fn ident(def: &TableDef) -> TableIdent {
    TableIdent::new(NamespaceIdent::new(def.namespace.to_string()), def.name.to_string())
}

