//! Arrow results to chart series: the x column (the first date/timestamp column, or the one
//! named), and the series, either one per numeric column (wide data) or one per value of a
//! key column (long data, e.g. `ticker` or `port_id`). NULL points are skipped.

use std::borrow::Cow;
use std::collections::HashMap;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Date32Type, Date64Type, Float64Type, Int64Type, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use super::error::ChartError;
use super::spec::ChartSpec;

/// At most this many series are drawn; the legend says how many more there were.
pub const MAX_SERIES: usize = 12;

/// What the x values are: dates and timestamps are seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XKind {
    Date,
    Timestamp,
    Number,
}

/// One line: points sorted by x.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSet {
    pub x_name: String,
    pub x_kind: XKind,
    pub series: Vec<Series>,
    /// Series beyond `MAX_SERIES`, not drawn.
    pub dropped: usize,
}

/// Picks the columns of `spec` (or the defaults) from `batches` and builds the series.
pub fn extract(batches: &[RecordBatch], spec: &ChartSpec) -> Result<SeriesSet, ChartError> {
    let Some(first) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Err(ChartError::NoRows);
    };
    let schema = first.schema();
    let columns = column_list(&schema);
    let find = |name: &str| find_column(&schema, name);
    let (x, kind) = pick_x(&schema, spec)?;
    let x_field = schema.field(x);
    let key = spec.series.as_deref().map(find).transpose()?;
    let ys = y_columns(&schema, spec, x, key, &find, &columns)?;

    let mut series: Vec<Series> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for batch in batches.iter().filter(|b| b.num_rows() > 0) {
        let xs = x_values(batch.column(x), kind)?;
        let keys = key.map(|k| key_values(batch.column(k))).transpose()?;
        for &y in &ys {
            let values = floats(batch.column(y))?;
            let values = values.as_primitive::<Float64Type>();
            let y_name = schema.field(y).name();
            for row in 0..batch.num_rows() {
                let (Some(xv), false) = (xs[row], values.is_null(row)) else { continue };
                let yv = values.value(row);
                if !xv.is_finite() || !yv.is_finite() {
                    continue;
                }
                let joined;
                let name: &str = match &keys {
                    Some(k) if ys.len() > 1 => {
                        joined = format!("{} {y_name}", k[row]);
                        &joined
                    }
                    Some(k) => &k[row],
                    None => y_name,
                };
                let at = match by_name.get(name) {
                    Some(&at) => at,
                    None => {
                        by_name.insert(name.to_string(), series.len());
                        series.push(Series { name: name.to_string(), xs: Vec::new(), ys: Vec::new() });
                        series.len() - 1
                    }
                };
                series[at].xs.push(xv);
                series[at].ys.push(yv);
            }
        }
    }
    if series.is_empty() {
        let what = ys.iter().map(|&i| schema.field(i).name().as_str()).collect::<Vec<_>>().join(", ");
        return Err(ChartError::AllNull { what: format!("{what} (or the x column {})", x_field.name()) });
    }
    for s in &mut series {
        sort_by_x(s);
    }
    let dropped = series.len().saturating_sub(MAX_SERIES);
    series.truncate(MAX_SERIES);
    Ok(SeriesSet { x_name: x_field.name().clone(), x_kind: kind, series, dropped })
}

/// The result's column names, for messages.
pub fn column_list(schema: &SchemaRef) -> String {
    schema.fields().iter().map(|f| f.name().as_str()).collect::<Vec<_>>().join(", ")
}

/// The column called `name` (exactly, else ignoring case).
pub fn find_column(schema: &SchemaRef, name: &str) -> Result<usize, ChartError> {
    schema
        .index_of(name)
        .ok()
        .or_else(|| schema.fields().iter().position(|f| f.name().eq_ignore_ascii_case(name)))
        .ok_or_else(|| ChartError::UnknownColumn { name: name.to_string(), columns: column_list(schema) })
}

/// The x column: the one `spec` names, else the first date or timestamp column.
pub fn pick_x(schema: &SchemaRef, spec: &ChartSpec) -> Result<(usize, XKind), ChartError> {
    let x = match &spec.x {
        Some(name) => find_column(schema, name)?,
        None => schema
            .fields()
            .iter()
            .position(|f| x_kind(f.data_type()).is_some_and(|k| k != XKind::Number))
            .ok_or_else(|| ChartError::NoDateColumn { columns: column_list(schema) })?,
    };
    let f = schema.field(x);
    let kind = x_kind(f.data_type()).ok_or_else(|| ChartError::BadXColumn { name: f.name().clone(), kind: f.data_type().to_string() })?;
    Ok((x, kind))
}

/// A numeric column as f64 values (NULLs stay NULL).
pub fn floats(col: &ArrayRef) -> Result<ArrayRef, ChartError> {
    cast(col, &DataType::Float64).map_err(|e| ChartError::Draw(e.to_string()))
}

fn x_kind(dt: &DataType) -> Option<XKind> {
    match dt {
        DataType::Date32 | DataType::Date64 => Some(XKind::Date),
        DataType::Timestamp(_, _) => Some(XKind::Timestamp),
        d if d.is_numeric() => Some(XKind::Number),
        _ => None,
    }
}

fn y_columns(
    schema: &SchemaRef,
    spec: &ChartSpec,
    x: usize,
    key: Option<usize>,
    find: &dyn Fn(&str) -> Result<usize, ChartError>,
    columns: &str,
) -> Result<Vec<usize>, ChartError> {
    if !spec.y.is_empty() {
        return spec
            .y
            .iter()
            .map(|name| {
                let i = find(name)?;
                let f = schema.field(i);
                if f.data_type().is_numeric() {
                    Ok(i)
                } else {
                    Err(ChartError::NotNumeric { name: f.name().clone(), kind: f.data_type().to_string() })
                }
            })
            .collect();
    }
    let ys: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| i != x && Some(i) != key && schema.field(i).data_type().is_numeric() && !is_key_like(schema, i))
        .collect();
    if ys.is_empty() {
        return Err(ChartError::NoNumericColumn { columns: columns.to_string() });
    }
    Ok(ys)
}

/// Integer columns named `id` or `*_id` are keys, not values: never a default series.
pub fn is_key_like(schema: &SchemaRef, i: usize) -> bool {
    let f = schema.field(i);
    let name = f.name().to_ascii_lowercase();
    f.data_type().is_integer() && (name == "id" || name.ends_with("_id"))
}

/// Seconds since the epoch for dates and timestamps; the number itself otherwise.
pub fn x_values(col: &ArrayRef, kind: XKind) -> Result<Vec<Option<f64>>, ChartError> {
    let err = |e: arrow::error::ArrowError| ChartError::Draw(e.to_string());
    Ok(match (col.data_type(), kind) {
        (DataType::Date32, _) => col.as_primitive::<Date32Type>().iter().map(|d| d.map(|d| f64::from(d) * 86_400.0)).collect(),
        (DataType::Date64, _) => col.as_primitive::<Date64Type>().iter().map(|d| d.map(|d| (d / 1000) as f64)).collect(),
        (DataType::Timestamp(unit, _), _) => {
            let per_second = match unit {
                TimeUnit::Second => 1.0,
                TimeUnit::Millisecond => 1e3,
                TimeUnit::Microsecond => 1e6,
                TimeUnit::Nanosecond => 1e9,
            };
            let raw = cast(col, &DataType::Int64).map_err(err)?;
            raw.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| v as f64 / per_second)).collect()
        }
        _ => {
            let v = cast(col, &DataType::Float64).map_err(err)?;
            v.as_primitive::<Float64Type>().iter().collect()
        }
    })
}

/// Each row's key as text: borrowed from string columns, formatted for other types.
fn key_values(col: &ArrayRef) -> Result<Vec<Cow<'_, str>>, ChartError> {
    if let Some(strings) = col.as_string_opt::<i32>() {
        return Ok(strings.iter().map(|v| Cow::Borrowed(v.unwrap_or("NULL"))).collect());
    }
    let fmt = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default().with_null("NULL"))
        .map_err(|e| ChartError::Draw(e.to_string()))?;
    Ok((0..col.len()).map(|i| Cow::Owned(fmt.value(i).to_string())).collect())
}

fn sort_by_x(s: &mut Series) {
    if s.xs.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut idx: Vec<usize> = (0..s.xs.len()).collect();
    idx.sort_by(|&a, &b| s.xs[a].total_cmp(&s.xs[b]));
    s.xs = idx.iter().map(|&i| s.xs[i]).collect();
    s.ys = idx.iter().map(|&i| s.ys[i]).collect();
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Date32Array, Float64Array, Int32Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    fn long_batch() -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("trade_date", DataType::Date32, false),
            Field::new("ticker", DataType::Utf8, true),
            Field::new("adj_close", DataType::Float64, true),
            Field::new("volume", DataType::Int32, true),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Date32Array::from(vec![19_725, 19_725, 19_724, 19_724])),
                Arc::new(StringArray::from(vec!["AAPL", "MSFT", "AAPL", "MSFT"])),
                Arc::new(Float64Array::from(vec![Some(2.0), Some(20.0), Some(1.0), None])),
                Arc::new(Int32Array::from(vec![5, 6, 7, 8])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn long_data_makes_one_series_per_key_sorted_by_date() {
        let spec = ChartSpec::parse("line y=adj_close series=ticker").unwrap();
        let set = extract(&[long_batch()], &spec).unwrap();
        assert_eq!(set.x_name, "trade_date");
        assert_eq!(set.x_kind, XKind::Date);
        let names: Vec<&str> = set.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["AAPL", "MSFT"]);
        assert_eq!(set.series[0].ys, vec![1.0, 2.0], "sorted by date");
        assert_eq!(set.series[0].xs, vec![19_724.0 * 86_400.0, 19_725.0 * 86_400.0]);
        assert_eq!(set.series[1].ys, vec![20.0], "the NULL point is skipped");
    }

    #[test]
    fn wide_data_makes_one_series_per_numeric_column() {
        let set = extract(&[long_batch()], &ChartSpec::default()).unwrap();
        let names: Vec<&str> = set.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["adj_close", "volume"]);
    }

    #[test]
    fn id_columns_are_not_default_series() {
        let b = long_batch();
        let ids = Arc::new(Int32Array::from(vec![1, 1, 2, 2]));
        let schema = Schema::new(vec![Field::new("meta_id", DataType::Int32, false)]);
        let with_id = RecordBatch::try_new(Arc::new(schema), vec![ids]).unwrap();
        let mut cols = with_id.columns().to_vec();
        cols.extend(b.columns().iter().cloned());
        let mut fields: Vec<Field> = with_id.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
        fields.extend(b.schema().fields().iter().map(|f| f.as_ref().clone()));
        let joined = RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap();
        let set = extract(std::slice::from_ref(&joined), &ChartSpec::default()).unwrap();
        let names: Vec<&str> = set.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["adj_close", "volume"], "meta_id is a key");
        let set = extract(&[joined], &ChartSpec::parse("y=meta_id").unwrap()).unwrap();
        assert_eq!(set.series[0].name, "meta_id", "named, it is drawn");
    }

    #[test]
    fn bad_columns_are_named() {
        let b = long_batch();
        let e = extract(std::slice::from_ref(&b), &ChartSpec::parse("y=ticker").unwrap()).unwrap_err().to_string();
        assert!(e.contains("'ticker' is Utf8, not a number"), "{e}");
        let e = extract(std::slice::from_ref(&b), &ChartSpec::parse("y=nope").unwrap()).unwrap_err().to_string();
        assert!(e.contains("no column 'nope'") && e.contains("trade_date, ticker"), "{e}");
        let e = extract(&[b.project(&[1, 2]).unwrap()], &ChartSpec::default()).unwrap_err().to_string();
        assert!(e.contains("no date or timestamp column"), "{e}");
        let e = extract(&[b.project(&[0, 1]).unwrap()], &ChartSpec::default()).unwrap_err().to_string();
        assert!(e.contains("no numeric column"), "{e}");
        assert_eq!(extract(&[], &ChartSpec::default()).unwrap_err(), ChartError::NoRows);
    }
}
