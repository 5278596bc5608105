//! Writing results: a readable table, CSV, JSON lines, Parquet or Arrow IPC.

use std::io::Write;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::{FathomError, Result};

mod table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Parquet,
    Arrow,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "table" => Format::Table,
            "csv" => Format::Csv,
            "json" | "jsonl" => Format::Json,
            "parquet" => Format::Parquet,
            "arrow" | "ipc" => Format::Arrow,
            _ => return None,
        })
    }

    /// Binary formats need a file (or a pipe), never a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Parquet | Format::Arrow)
    }
}

fn err(what: &str) -> impl Fn(arrow::error::ArrowError) -> FathomError + '_ {
    move |e| FathomError::Other(format!("writing {what}: {e}"))
}

/// Writes `batches` (of `schema`) to `out` in `format`.
pub fn write<W: Write + Send>(format: Format, schema: &SchemaRef, batches: &[RecordBatch], mut out: W) -> Result<()> {
    let io = |e: std::io::Error| FathomError::io("writing the result", e);
    match format {
        Format::Table => table::write_table(schema, batches, &mut out)?,
        _ => {
            let mut w = Writer::new(format, schema, &mut out)?;
            for b in batches {
                w.write(b)?;
            }
            w.finish()?;
        }
    }
    out.flush().map_err(io)
}

/// A streaming writer for the file formats: batches go out as they come, so a result of any
/// size is written in bounded memory (Parquet: row groups of `PARQUET_ROW_GROUP` rows).
pub enum Writer<W: Write + Send> {
    Csv(Box<arrow::csv::Writer<W>>, SchemaRef, bool),
    Json(arrow::json::LineDelimitedWriter<W>),
    Parquet(Box<parquet::arrow::ArrowWriter<W>>),
    Arrow(Box<arrow::ipc::writer::FileWriter<W>>),
}

/// Rows per Parquet row group of an export.
pub const PARQUET_ROW_GROUP: usize = 128 * 1024;

impl<W: Write + Send> Writer<W> {
    /// A writer of `format` (not `Table`: a table is laid out from all its rows at once).
    pub fn new(format: Format, schema: &SchemaRef, out: W) -> Result<Self> {
        let pq = |e: parquet::errors::ParquetError| FathomError::Other(format!("writing Parquet: {e}"));
        Ok(match format {
            Format::Table => return Err(FathomError::Other("a table is not written as a stream; use csv, json, parquet or arrow".into())),
            Format::Csv => Writer::Csv(Box::new(arrow::csv::WriterBuilder::new().with_header(true).build(out)), schema.clone(), false),
            Format::Json => Writer::Json(arrow::json::LineDelimitedWriter::new(out)),
            Format::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_max_row_group_row_count(Some(PARQUET_ROW_GROUP))
                    .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
                    .build();
                Writer::Parquet(Box::new(parquet::arrow::ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(pq)?))
            }
            Format::Arrow => Writer::Arrow(Box::new(arrow::ipc::writer::FileWriter::try_new(out, schema).map_err(err("Arrow IPC"))?)),
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        match self {
            Writer::Csv(w, _, wrote) => {
                *wrote = true;
                w.write(batch).map_err(err("CSV"))
            }
            Writer::Json(w) => w.write(batch).map_err(err("JSON")),
            Writer::Parquet(w) => w.write(batch).map_err(|e| FathomError::Other(format!("writing Parquet: {e}"))),
            Writer::Arrow(w) => w.write(batch).map_err(err("Arrow IPC")),
        }
    }

    /// Ends the file (a CSV of no rows still gets its header) and flushes it.
    pub fn finish(self) -> Result<()> {
        let io = |e: std::io::Error| FathomError::io("writing the result", e);
        match self {
            Writer::Csv(mut w, schema, wrote) => {
                if !wrote {
                    w.write(&RecordBatch::new_empty(schema)).map_err(err("CSV"))?;
                }
                (*w).into_inner().flush().map_err(io)
            }
            Writer::Json(mut w) => {
                w.finish().map_err(err("JSON"))?;
                w.into_inner().flush().map_err(io)
            }
            Writer::Parquet(w) => w.into_inner().map_err(|e| FathomError::Other(format!("writing Parquet: {e}")))?.flush().map_err(io),
            Writer::Arrow(mut w) => {
                w.finish().map_err(err("Arrow IPC"))?;
                w.into_inner().map_err(err("Arrow IPC"))?.flush().map_err(io)
            }
        }
    }
}
