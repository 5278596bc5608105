//! Where a run's rows go. The grid (and the terminal table) keeps at most `row_cap` rows
//! but counts every row, so the ledger and the header say how many there were; a file sink
//! streams every row to disk in bounded memory.

use std::io::Write;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::error::Result;
use crate::export::{Format, Writer};

/// A consumer of a result's batches, in order.
pub trait Sink: Send {
    fn push(&mut self, batch: &RecordBatch) -> Result<()>;
}

/// Keeps the first `cap` rows and counts the rest.
#[derive(Debug)]
pub struct Capped {
    pub schema: SchemaRef,
    cap: usize,
    kept: usize,
    /// Every row the result had.
    pub total: u64,
    pub batches: Vec<RecordBatch>,
}

impl Capped {
    pub fn new(cap: usize, schema: SchemaRef) -> Self {
        Capped { schema, cap, kept: 0, total: 0, batches: Vec::new() }
    }

    /// True when rows were left out.
    pub fn truncated(&self) -> bool {
        self.total > self.kept as u64
    }

    pub fn kept(&self) -> usize {
        self.kept
    }
}

impl Sink for Capped {
    fn push(&mut self, batch: &RecordBatch) -> Result<()> {
        self.total += batch.num_rows() as u64;
        let room = self.cap - self.kept;
        let take = room.min(batch.num_rows());
        if take > 0 {
            self.batches.push(if take == batch.num_rows() { batch.clone() } else { batch.slice(0, take) });
            self.kept += take;
        }
        Ok(())
    }
}

/// Streams every row to a writer (a file, or stdout when piped) in a file format.
pub struct Stream<W: Write + Send> {
    writer: Writer<W>,
    pub rows: u64,
}

impl<W: Write + Send> Stream<W> {
    pub fn new(format: Format, schema: &SchemaRef, out: W) -> Result<Self> {
        Ok(Stream { writer: Writer::new(format, schema, out)?, rows: 0 })
    }

    /// Ends the file.
    pub fn finish(self) -> Result<u64> {
        self.writer.finish()?;
        Ok(self.rows)
    }
}

impl<W: Write + Send> Sink for Stream<W> {
    fn push(&mut self, batch: &RecordBatch) -> Result<()> {
        self.rows += batch.num_rows() as u64;
        self.writer.write(batch)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch(from: i64, n: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from_iter_values(from..from + n))]).unwrap()
    }

    #[test]
    fn the_grid_keeps_the_cap_and_counts_every_row() {
        let mut grid = Capped::new(5, batch(0, 0).schema());
        for i in 0..4 {
            grid.push(&batch(i * 3, 3)).unwrap();
        }
        assert_eq!((grid.kept(), grid.total, grid.truncated()), (5, 12, true));
        let kept: Vec<i64> = grid.batches.iter().flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec()).collect();
        assert_eq!(kept, [0, 1, 2, 3, 4]);
        let mut all = Capped::new(100, batch(0, 0).schema());
        all.push(&batch(0, 3)).unwrap();
        assert!(!all.truncated());
    }

    #[test]
    fn a_file_sink_writes_every_row() {
        let mut out = Vec::new();
        let b = batch(0, 3);
        let mut sink = Stream::new(Format::Csv, &b.schema(), &mut out).unwrap();
        sink.push(&b).unwrap();
        sink.push(&batch(3, 2)).unwrap();
        assert_eq!(sink.finish().unwrap(), 5);
        assert_eq!(String::from_utf8(out).unwrap(), "n\n0\n1\n2\n3\n4\n");
        let mut empty = Vec::new();
        Stream::new(Format::Csv, &b.schema(), &mut empty).unwrap().finish().unwrap();
        assert_eq!(String::from_utf8(empty).unwrap(), "n\n", "a CSV of no rows keeps its header");
    }
}
