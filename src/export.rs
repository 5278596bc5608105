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
        Format::Csv => {
            let mut w = arrow::csv::WriterBuilder::new().with_header(true).build(&mut out);
            if batches.is_empty() {
                w.write(&RecordBatch::new_empty(schema.clone())).map_err(err("CSV"))?;
            }
            for b in batches {
                w.write(b).map_err(err("CSV"))?;
            }
        }
        Format::Json => {
            let mut w = arrow::json::LineDelimitedWriter::new(&mut out);
            for b in batches {
                w.write(b).map_err(err("JSON"))?;
            }
            w.finish().map_err(err("JSON"))?;
        }
        Format::Parquet => {
            let mut w = parquet::arrow::ArrowWriter::try_new(&mut out, schema.clone(), None)
                .map_err(|e| FathomError::Other(format!("writing Parquet: {e}")))?;
            for b in batches {
                w.write(b).map_err(|e| FathomError::Other(format!("writing Parquet: {e}")))?;
            }
            w.close().map_err(|e| FathomError::Other(format!("writing Parquet: {e}")))?;
        }
        Format::Arrow => {
            let mut w = arrow::ipc::writer::FileWriter::try_new(&mut out, schema).map_err(err("Arrow IPC"))?;
            for b in batches {
                w.write(b).map_err(err("Arrow IPC"))?;
            }
            w.finish().map_err(err("Arrow IPC"))?;
        }
    }
    out.flush().map_err(io)
}
