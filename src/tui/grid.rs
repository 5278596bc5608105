//! A loaded result and the grid's view of it: one Arrow batch, display widths computed once
//! from a sample, an optional sort order, and the cursor. Formatting is per visible cell, so
//! the cost of a frame does not depend on the row count.

use std::time::Duration;

use arrow::array::{Array, ArrayRef};
use arrow::compute::SortOptions;
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::textwidth::width;
use crate::tui::cellfmt;

/// Widest a column gets; longer values are cut with an ellipsis.
pub const MAX_COL_WIDTH: usize = 40;
/// Rows sampled for column widths.
const WIDTH_SAMPLE: usize = 1000;

pub use crate::run::Priced;

/// What a finished query hands the grid (built off the UI thread).
#[derive(Debug, Clone)]
pub struct QueryOutput {
    pub batch: RecordBatch,
    pub truncated: bool,
    pub elapsed: Duration,
    pub widths: Vec<usize>,
    /// The bytes the engine read, priced (engines that report them).
    pub actual: Option<Priced>,
    /// The estimate the run was checked against before it started.
    pub estimate: Option<Priced>,
    /// Every row the result had (more than `batch` holds when it was cut at the row cap).
    pub total: u64,
    /// Significant digits a float cell shows (`[grid] float_digits`).
    pub digits: usize,
    /// Per column, the fraction digits its decimal points are aligned to (0: not a float).
    pub fracs: Vec<usize>,
}

impl QueryOutput {
    pub fn new(batch: RecordBatch, truncated: bool, elapsed: Duration) -> QueryOutput {
        let digits = cellfmt::DEFAULT_DIGITS;
        let (widths, fracs) = layout(&batch, digits);
        let total = batch.num_rows() as u64;
        QueryOutput { batch, truncated, elapsed, widths, actual: None, estimate: None, total, digits, fracs }
    }

    /// With floats shown in `digits` significant digits (widths measured again).
    pub fn with_float_digits(mut self, digits: usize) -> QueryOutput {
        if digits != self.digits {
            (self.widths, self.fracs) = layout(&self.batch, digits);
            self.digits = digits;
        }
        self
    }

    /// With the count of every row the result had (the grid keeps at most the row cap).
    pub fn with_total(mut self, total: u64) -> QueryOutput {
        self.total = total;
        self
    }

    /// With the actual and estimated bytes and cost, for the result header.
    pub fn with_costs(mut self, actual: Option<Priced>, estimate: Option<Priced>) -> QueryOutput {
        self.actual = actual;
        self.estimate = estimate;
        self
    }
}

/// Display width of each column: the header and a sample of values, capped.
pub fn column_widths(batch: &RecordBatch) -> Vec<usize> {
    layout(batch, cellfmt::DEFAULT_DIGITS).0
}

/// Each column's display width (the header and a sample of values, capped) and, for float
/// columns, the fraction digits their points align to.
fn layout(batch: &RecordBatch, digits: usize) -> (Vec<usize>, Vec<usize>) {
    let n = batch.num_rows();
    let sample: Vec<usize> = if n <= WIDTH_SAMPLE { (0..n).collect() } else { (0..WIDTH_SAMPLE / 2).chain(n - WIDTH_SAMPLE / 2..n).collect() };
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, col)| {
            let (texts, frac): (Vec<String>, usize) = if cellfmt::is_float(f.data_type()) {
                let texts: Vec<String> = sample.iter().filter_map(|&r| cellfmt::float_cell(col.as_ref(), r, digits)).collect();
                let frac = cellfmt::widest_fraction(texts.iter().map(String::as_str));
                (texts.iter().map(|t| cellfmt::align(t, frac)).collect(), frac)
            } else {
                let fmt = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default()).ok();
                (sample.iter().filter(|&&r| !col.is_null(r)).map(|&r| fmt.as_ref().map(|f| f.value(r).to_string()).unwrap_or_default()).collect(), 0)
            };
            let nulls = sample.iter().any(|&r| col.is_null(r));
            let widest = texts.iter().map(|t| width(t)).max().unwrap_or(0).max(if nulls { 4 } else { 0 });
            (widest.max(width(f.name()) + 2).clamp(3, MAX_COL_WIDTH), frac)
        })
        .unzip()
}

/// One cell as the grid shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Value(String),
}

#[derive(Debug, Clone)]
pub struct ResultSet {
    pub query_id: u64,
    pub out: QueryOutput,
    /// Row order when sorted: positions into the batch.
    pub order: Option<Vec<u32>>,
    /// (column, descending) of the current sort.
    pub sort: Option<(usize, bool)>,
    pub row: usize,
    pub col: usize,
    pub top: usize,
    pub left: usize,
}

impl ResultSet {
    pub fn new(query_id: u64, out: QueryOutput) -> ResultSet {
        ResultSet { query_id, out, order: None, sort: None, row: 0, col: 0, top: 0, left: 0 }
    }

    pub fn rows(&self) -> usize {
        self.out.batch.num_rows()
    }

    pub fn cols(&self) -> usize {
        self.out.batch.num_columns()
    }

    /// The batch row shown at grid row `r`.
    pub fn source_row(&self, r: usize) -> usize {
        self.order.as_ref().and_then(|o| o.get(r)).map(|&i| i as usize).unwrap_or(r)
    }

    /// Formatters for the given columns (make once per frame, use for the visible rows).
    pub fn formatters(&self, cols: &[usize]) -> Vec<(ArrayRef, Option<ArrayFormatter<'_>>)> {
        cols.iter()
            .map(|&c| {
                let col = self.out.batch.column(c).clone();
                let fmt = ArrayFormatter::try_new(self.out.batch.column(c).as_ref(), &FormatOptions::default()).ok();
                (col, fmt)
            })
            .collect()
    }

    /// The cell at grid row `r`, column `c`.
    pub fn cell(&self, r: usize, c: usize) -> Cell {
        let col = self.out.batch.column(c);
        let row = self.source_row(r);
        if row >= col.len() || col.is_null(row) {
            return Cell::Null;
        }
        match ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default()) {
            Ok(f) => Cell::Value(f.value(row).to_string()),
            Err(_) => Cell::Value("?".into()),
        }
    }

    /// The cell at grid row `r`, column `c` as the grid writes it: floats cut to the
    /// result's significant digits and aligned on their points; the rest as [`Self::cell`].
    pub fn display(&self, r: usize, c: usize) -> Cell {
        let col = self.out.batch.column(c);
        let row = self.source_row(r);
        if row < col.len() && cellfmt::is_float(col.data_type()) {
            return match cellfmt::float_cell(col.as_ref(), row, self.out.digits) {
                Some(t) => Cell::Value(cellfmt::align(&t, self.out.fracs.get(c).copied().unwrap_or(0))),
                None => Cell::Null,
            };
        }
        self.cell(r, c)
    }

    /// The row `r` as tab-separated text (NULL as empty), for copying.
    pub fn row_text(&self, r: usize) -> String {
        (0..self.cols())
            .map(|c| match self.cell(r, c) {
                Cell::Null => String::new(),
                Cell::Value(v) => v,
            })
            .collect::<Vec<_>>()
            .join("\t")
    }

    /// Moves the cursor, keeping it visible in a window of `height` rows.
    pub fn move_to(&mut self, row: isize, col: isize, height: usize) {
        let rows = self.rows();
        self.row = if rows == 0 { 0 } else { row.clamp(0, rows as isize - 1) as usize };
        self.col = if self.cols() == 0 { 0 } else { col.clamp(0, self.cols() as isize - 1) as usize };
        let height = height.max(1);
        if self.row < self.top {
            self.top = self.row;
        } else if self.row >= self.top + height {
            self.top = self.row + 1 - height;
        }
        if self.col < self.left {
            self.left = self.col;
        }
    }

    /// Keeps the cursor column visible in `width` cells (columns are shown from `left`).
    pub fn scroll_to_col(&mut self, width: usize) {
        // As drawn: a row-number gutter, then columns capped at half the width.
        let cap = (width / 2).max(12);
        let gutter = self.rows().max(1).to_string().len() + self.rows().max(1).to_string().len() / 3 + 1;
        let width = width.saturating_sub(gutter.max(4));
        loop {
            let used: usize = (self.left..=self.col).map(|c| self.out.widths.get(c).copied().unwrap_or(3).min(cap) + 3).sum();
            if used <= width || self.left >= self.col {
                break;
            }
            self.left += 1;
        }
    }

    /// The next sort after `sort` on column `col`: ascending, descending, off.
    pub fn next_sort(&self, col: usize) -> Option<(usize, bool)> {
        match self.sort {
            Some((c, false)) if c == col => Some((col, true)),
            Some((c, true)) if c == col => None,
            _ => Some((col, false)),
        }
    }
}

/// The row order sorting `batch` by `col` (nulls last). CPU work: run it off the UI thread.
pub fn sort_order(batch: &RecordBatch, col: usize, descending: bool) -> Result<Vec<u32>, String> {
    let column = batch.columns().get(col).ok_or("no such column")?;
    let opts = SortOptions { descending, nulls_first: false };
    let idx = arrow::compute::sort_to_indices(column.as_ref(), Some(opts), None).map_err(|e| format!("cannot sort: {e}"))?;
    Ok(idx.values().to_vec())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch() -> RecordBatch {
        let schema = Schema::new(vec![Field::new("id", DataType::Int64, true), Field::new("name", DataType::Utf8, true)]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Int64Array::from(vec![Some(3), None, Some(1)])),
                Arc::new(StringArray::from(vec![Some("삼성전자"), Some(""), None])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn widths_use_display_width_and_null_differs_from_empty() {
        let rs = ResultSet::new(1, QueryOutput::new(batch(), false, Duration::ZERO));
        assert_eq!(rs.out.widths, vec![4, 8]);
        assert_eq!(rs.cell(1, 1), Cell::Value(String::new()));
        assert_eq!(rs.cell(2, 1), Cell::Null);
        assert_eq!(rs.row_text(0), "3\t삼성전자");
    }

    #[test]
    fn widths_measure_grapheme_clusters() {
        let values = [
            "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}",
            "\u{1f1f0}\u{1f1f7}\u{1f1fa}\u{1f1f8}",
            "\u{1112}\u{1161}\u{11ab}\u{1112}\u{1161}\u{11ab}",
            "１２３４",
        ];
        for v in values {
            let schema = Schema::new(vec![Field::new("v", DataType::Utf8, true)]);
            let b = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(StringArray::from(vec![v]))]).unwrap();
            assert_eq!(column_widths(&b), vec![if v.starts_with('１') { 8 } else { 4 }], "{v:?}");
        }
    }

    #[test]
    fn sorting_orders_rows_with_nulls_last_and_cycles() {
        let mut rs = ResultSet::new(1, QueryOutput::new(batch(), false, Duration::ZERO));
        rs.order = Some(sort_order(&rs.out.batch, 0, false).unwrap());
        assert_eq!((rs.cell(0, 0), rs.cell(2, 0)), (Cell::Value("1".into()), Cell::Null));
        rs.sort = Some((0, false));
        assert_eq!(rs.next_sort(0), Some((0, true)));
        rs.sort = Some((0, true));
        assert_eq!(rs.next_sort(0), None);
        assert_eq!(rs.next_sort(1), Some((1, false)));
    }

    #[test]
    fn cursor_moves_are_clamped_and_scroll_the_window() {
        let mut rs = ResultSet::new(1, QueryOutput::new(batch(), false, Duration::ZERO));
        rs.move_to(10, 5, 2);
        assert_eq!((rs.row, rs.col, rs.top), (2, 1, 1));
        rs.move_to(-4, 0, 2);
        assert_eq!((rs.row, rs.top), (0, 0));
    }
}
