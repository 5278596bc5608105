//! Why a chart cannot be drawn: each message says what is wrong and what to do next, and is
//! short enough to show inside the pane instead of the chart.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ChartError {
    #[error("chart spec '{spec}': {message}")]
    Spec { spec: String, message: String },

    #[error("the result has no rows to chart")]
    NoRows,

    #[error("no date or timestamp column for the x axis; name one with --x COL (columns: {columns})")]
    NoDateColumn { columns: String },

    #[error("no column '{name}' in the result (columns: {columns})")]
    UnknownColumn { name: String, columns: String },

    #[error("column '{name}' is {kind}, not a number, date or timestamp; pick another with --x")]
    BadXColumn { name: String, kind: String },

    #[error("column '{name}' is {kind}, not a number; pick numeric columns with --y")]
    NotNumeric { name: String, kind: String },

    #[error("no numeric column to plot (columns: {columns}); the chart needs at least one number column")]
    NoNumericColumn { columns: String },

    #[error("candles need open, high, low and close columns; '{missing}' is missing (columns: {columns}); name four with y=OPEN,HIGH,LOW,CLOSE")]
    NoOhlc { missing: String, columns: String },

    #[error("nothing to plot: {what} has only NULLs")]
    AllNull { what: String },

    #[error("nothing to plot in the visible date range; zoom out or reset the view")]
    EmptyWindow,

    #[error("the {view} view needs positive values, but {series} goes down to {min}; use the raw view")]
    NeedsPositive { view: &'static str, series: String, min: String },

    #[error("cannot rebase {series} to 100: its first visible value is {first}; use the raw view")]
    RebaseFromZero { series: String, first: String },

    #[error("pane too small for a chart ({width}x{height}); it needs at least {min_width}x{min_height}")]
    TooSmall { width: u16, height: u16, min_width: u16, min_height: u16 },

    #[error("drawing failed: {0}")]
    Draw(String),
}
