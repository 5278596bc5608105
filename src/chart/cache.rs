//! A result's chart, extracted once: the panes, the x stops a crosshair moves between, and
//! each row's x (so a grid row and the crosshair can find each other). The TUI keeps one
//! per result and draws from it; nothing here is redone per frame.

use arrow::record_batch::RecordBatch;

use super::error::ChartError;
use super::series::{pick_x, x_values};
use super::spec::ChartSpec;
use super::{Chart, extract, x_stops};

#[derive(Debug, Clone, PartialEq)]
pub struct ChartCache {
    /// What it was built from (the TUI's tab, query and header chart line).
    pub key: (u64, u64, String),
    pub chart: Result<Chart, ChartError>,
    pub stops: Vec<f64>,
    /// The x of each row of the result (NaN where it is NULL).
    pub row_x: Vec<f64>,
}

impl ChartCache {
    /// The chart of `batch` as the header's chart line (`key.2`) asks: the work the TUI's
    /// executor does off the UI thread once per result.
    pub fn for_result(key: (u64, u64, String), batch: RecordBatch) -> ChartCache {
        match ChartSpec::parse(&key.2) {
            Ok(spec) => ChartCache::build(key, std::slice::from_ref(&batch), &spec),
            Err(e) => ChartCache { key, chart: Err(e), stops: Vec::new(), row_x: Vec::new() },
        }
    }

    pub fn build(key: (u64, u64, String), batches: &[RecordBatch], spec: &ChartSpec) -> ChartCache {
        let chart = extract(batches, spec);
        let stops = chart.as_ref().map(x_stops).unwrap_or_default();
        let mut row_x = Vec::new();
        if let Some(first) = batches.iter().find(|b| b.num_rows() > 0)
            && let Ok((x, kind)) = pick_x(&first.schema(), spec)
        {
            for b in batches {
                match x_values(b.column(x), kind) {
                    Ok(xs) => row_x.extend(xs.into_iter().map(|v| v.unwrap_or(f64::NAN))),
                    Err(_) => row_x.extend(std::iter::repeat_n(f64::NAN, b.num_rows())),
                }
            }
        }
        ChartCache { key, chart, stops, row_x }
    }

    /// The stop at or before the x of `row` (None for a NULL x or no stops).
    pub fn stop_of_row(&self, row: usize) -> Option<usize> {
        let x = *self.row_x.get(row)?;
        if x.is_nan() || self.stops.is_empty() {
            return None;
        }
        Some(self.stops.partition_point(|s| *s <= x).saturating_sub(1))
    }

    /// The first row whose x is stop `stop`.
    pub fn row_of_stop(&self, stop: usize) -> Option<usize> {
        let x = *self.stops.get(stop)?;
        self.row_x.iter().position(|v| *v == x)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Date32Array, Float64Array};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    #[test]
    fn rows_and_stops_find_each_other() {
        let schema = Schema::new(vec![Field::new("d", DataType::Date32, true), Field::new("v", DataType::Float64, true)]);
        let b = RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(Date32Array::from(vec![Some(3), Some(1), None, Some(2)])), Arc::new(Float64Array::from(vec![3.0, 1.0, 9.0, 2.0]))],
        )
        .unwrap();
        let c = ChartCache::build((0, 0, String::new()), &[b], &ChartSpec::default());
        assert_eq!(c.stops, vec![86_400.0, 172_800.0, 259_200.0]);
        assert_eq!(c.stop_of_row(0), Some(2));
        assert_eq!(c.stop_of_row(2), None, "NULL x");
        assert_eq!(c.row_of_stop(0), Some(1));
        assert_eq!(c.row_of_stop(9), None);
        let empty = ChartCache::build((0, 0, String::new()), &[], &ChartSpec::default());
        assert!(empty.chart.is_err() && empty.stops.is_empty() && empty.stop_of_row(0).is_none());
    }
}
