//! Athena's result types (ResultSetMetadata.ColumnInfo) as Arrow, and text values (CSV fields
//! or GetQueryResults' VarCharValue) turned into typed batches: bigint and decimal exact,
//! dates, timestamps, booleans, and NULL kept apart from ''.

use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder, Float64Builder,
    Int8Builder, Int16Builder, Int32Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::{NaiveDate, NaiveDateTime};

use crate::error::{FathomError, Result};

/// One result column as Athena describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// Athena's type name: `bigint`, `decimal`, `varchar`, `timestamp`, `array(...)`, ...
    pub type_name: String,
    pub precision: i32,
    pub scale: i32,
    pub nullable: bool,
}

impl Column {
    pub fn from_sdk(c: &aws_sdk_athena::types::ColumnInfo) -> Column {
        Column {
            name: c.name().to_string(),
            type_name: c.r#type().to_string(),
            precision: c.precision(),
            scale: c.scale(),
            nullable: !matches!(c.nullable(), Some(aws_sdk_athena::types::ColumnNullable::NotNull)),
        }
    }

    /// The Arrow type values of this column become. Types without an exact Arrow counterpart
    /// (arrays, maps, rows, json, time zones, intervals) stay text, as Athena prints them.
    pub fn arrow_type(&self) -> DataType {
        let t = self.type_name.to_ascii_lowercase();
        let base = t.split('(').next().unwrap_or("").trim();
        match base {
            "boolean" => DataType::Boolean,
            "tinyint" => DataType::Int8,
            "smallint" => DataType::Int16,
            "integer" | "int" => DataType::Int32,
            "bigint" => DataType::Int64,
            "double" => DataType::Float64,
            "float" | "real" => DataType::Float32,
            "decimal" => {
                let (p, s) = self.decimal_precision_scale(&t);
                DataType::Decimal128(p, s)
            }
            "date" => DataType::Date32,
            "timestamp" if !t.contains("zone") => DataType::Timestamp(TimeUnit::Microsecond, None),
            _ => DataType::Utf8,
        }
    }

    /// Precision and scale from ColumnInfo, else from `decimal(p,s)` in the type name.
    fn decimal_precision_scale(&self, t: &str) -> (u8, i8) {
        if self.precision > 0 {
            return (self.precision.clamp(1, 38) as u8, self.scale.clamp(0, 38) as i8);
        }
        let inner = t.split_once('(').and_then(|(_, r)| r.strip_suffix(')'));
        if let Some((p, s)) = inner.and_then(|i| i.split_once(','))
            && let (Ok(p), Ok(s)) = (p.trim().parse::<u8>(), s.trim().parse::<i8>())
        {
            return (p.clamp(1, 38), s.clamp(0, 38));
        }
        (38, 9)
    }
}

/// The Arrow schema of a result.
pub fn schema(columns: &[Column]) -> SchemaRef {
    Arc::new(Schema::new(
        columns.iter().map(|c| Field::new(&c.name, c.arrow_type(), c.nullable)).collect::<Vec<_>>(),
    ))
}

enum Builder {
    Bool(BooleanBuilder),
    I8(Int8Builder),
    I16(Int16Builder),
    I32(Int32Builder),
    I64(Int64Builder),
    F32(Float32Builder),
    F64(Float64Builder),
    Decimal(Decimal128Builder, u8, i8),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl Builder {
    fn new(dt: &DataType, capacity: usize) -> Builder {
        match dt {
            DataType::Boolean => Builder::Bool(BooleanBuilder::with_capacity(capacity)),
            DataType::Int8 => Builder::I8(Int8Builder::with_capacity(capacity)),
            DataType::Int16 => Builder::I16(Int16Builder::with_capacity(capacity)),
            DataType::Int32 => Builder::I32(Int32Builder::with_capacity(capacity)),
            DataType::Int64 => Builder::I64(Int64Builder::with_capacity(capacity)),
            DataType::Float32 => Builder::F32(Float32Builder::with_capacity(capacity)),
            DataType::Float64 => Builder::F64(Float64Builder::with_capacity(capacity)),
            DataType::Decimal128(p, s) => Builder::Decimal(
                Decimal128Builder::with_capacity(capacity).with_precision_and_scale(*p, *s).expect("valid decimal"),
                *p,
                *s,
            ),
            DataType::Date32 => Builder::Date(Date32Builder::with_capacity(capacity)),
            DataType::Timestamp(_, _) => Builder::Timestamp(TimestampMicrosecondBuilder::with_capacity(capacity)),
            _ => Builder::Text(StringBuilder::with_capacity(capacity, capacity * 16)),
        }
    }

    fn push(&mut self, v: Option<&str>) -> std::result::Result<(), String> {
        fn num<T: std::str::FromStr>(v: &str, what: &str) -> std::result::Result<T, String> {
            v.trim().parse::<T>().map_err(|_| format!("'{v}' is not a valid {what}"))
        }
        let Some(v) = v else {
            match self {
                Builder::Bool(b) => b.append_null(),
                Builder::I8(b) => b.append_null(),
                Builder::I16(b) => b.append_null(),
                Builder::I32(b) => b.append_null(),
                Builder::I64(b) => b.append_null(),
                Builder::F32(b) => b.append_null(),
                Builder::F64(b) => b.append_null(),
                Builder::Decimal(b, _, _) => b.append_null(),
                Builder::Date(b) => b.append_null(),
                Builder::Timestamp(b) => b.append_null(),
                Builder::Text(b) => b.append_null(),
            }
            return Ok(());
        };
        match self {
            Builder::Bool(b) => b.append_value(match v {
                "true" => true,
                "false" => false,
                _ => return Err(format!("'{v}' is not a boolean")),
            }),
            Builder::I8(b) => b.append_value(num(v, "tinyint")?),
            Builder::I16(b) => b.append_value(num(v, "smallint")?),
            Builder::I32(b) => b.append_value(num(v, "integer")?),
            Builder::I64(b) => b.append_value(num(v, "bigint")?),
            Builder::F32(b) => b.append_value(float(v)? as f32),
            Builder::F64(b) => b.append_value(float(v)?),
            Builder::Decimal(b, p, s) => b.append_value(
                arrow::compute::kernels::cast_utils::parse_decimal::<arrow::datatypes::Decimal128Type>(v, *p, *s)
                    .map_err(|_| format!("'{v}' is not a valid decimal({p},{s})"))?,
            ),
            Builder::Date(b) => {
                let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| format!("'{v}' is not a date (YYYY-MM-DD)"))?;
                b.append_value(arrow::datatypes::Date32Type::from_naive_date(d))
            }
            Builder::Timestamp(b) => {
                let t = NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S%.f")
                    .map_err(|_| format!("'{v}' is not a timestamp (YYYY-MM-DD HH:MM:SS.fff)"))?;
                b.append_value(t.and_utc().timestamp_micros())
            }
            Builder::Text(b) => b.append_value(v),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        let b: &mut dyn ArrayBuilder = match self {
            Builder::Bool(b) => b,
            Builder::I8(b) => b,
            Builder::I16(b) => b,
            Builder::I32(b) => b,
            Builder::I64(b) => b,
            Builder::F32(b) => b,
            Builder::F64(b) => b,
            Builder::Decimal(b, _, _) => b,
            Builder::Date(b) => b,
            Builder::Timestamp(b) => b,
            Builder::Text(b) => b,
        };
        b.finish()
    }
}

/// Athena prints `NaN`, `Infinity` and `-Infinity` for the special doubles.
fn float(v: &str) -> std::result::Result<f64, String> {
    match v {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        _ => v.trim().parse::<f64>().map_err(|_| format!("'{v}' is not a valid double")),
    }
}

/// Rows of text values in, typed batches of `batch_rows` out.
pub struct BatchBuilder {
    schema: SchemaRef,
    builders: Vec<Builder>,
    batch_rows: usize,
    /// Rows taken so far (for error messages: "row 1234").
    row: usize,
    /// Rows in the builders, not yet returned in a batch.
    pending: usize,
}

impl BatchBuilder {
    pub fn new(schema: SchemaRef, batch_rows: usize) -> Self {
        let builders = schema.fields().iter().map(|f| Builder::new(f.data_type(), batch_rows)).collect();
        BatchBuilder { schema, builders, batch_rows, row: 0, pending: 0 }
    }

    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Adds one row; a full batch is returned.
    pub fn push<'a>(&mut self, values: impl ExactSizeIterator<Item = Option<&'a str>>) -> Result<Option<RecordBatch>> {
        self.row += 1;
        if values.len() != self.builders.len() {
            return Err(FathomError::Query(format!(
                "result row {} has {} values but the result has {} columns",
                self.row,
                values.len(),
                self.builders.len()
            )));
        }
        for (i, v) in values.enumerate() {
            self.builders[i].push(v).map_err(|e| {
                FathomError::Query(format!(
                    "result row {}, column {}: {e}",
                    self.row,
                    self.schema.field(i).name()
                ))
            })?;
        }
        self.pending += 1;
        if self.pending >= self.batch_rows {
            return self.flush().map(Some);
        }
        Ok(None)
    }

    /// The rows not yet returned, if any.
    pub fn finish(&mut self) -> Result<Option<RecordBatch>> {
        if self.pending == 0 {
            return Ok(None);
        }
        self.flush().map(Some)
    }

    fn flush(&mut self) -> Result<RecordBatch> {
        self.pending = 0;
        let cols: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        RecordBatch::try_new(self.schema.clone(), cols).map_err(|e| FathomError::Query(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{Date32Type, Decimal128Type, Int64Type, TimestampMicrosecondType};

    fn col(name: &str, t: &str, p: i32, s: i32) -> Column {
        Column { name: name.into(), type_name: t.into(), precision: p, scale: s, nullable: true }
    }

    #[test]
    fn types_map_to_exact_arrow_types() {
        assert_eq!(col("a", "bigint", 19, 0).arrow_type(), DataType::Int64);
        assert_eq!(col("a", "decimal", 38, 9).arrow_type(), DataType::Decimal128(38, 9));
        assert_eq!(col("a", "decimal(18,4)", 0, 0).arrow_type(), DataType::Decimal128(18, 4));
        assert_eq!(col("a", "date", 0, 0).arrow_type(), DataType::Date32);
        assert_eq!(col("a", "timestamp", 3, 0).arrow_type(), DataType::Timestamp(TimeUnit::Microsecond, None));
        assert_eq!(col("a", "timestamp with time zone", 3, 0).arrow_type(), DataType::Utf8);
        assert_eq!(col("a", "array(varchar)", 0, 0).arrow_type(), DataType::Utf8);
        assert_eq!(col("a", "varchar", 2147483647, 0).arrow_type(), DataType::Utf8);
    }

    #[test]
    fn values_are_parsed_exactly_and_null_stays_apart_from_empty() {
        let cols = vec![
            col("n", "bigint", 19, 0),
            col("d", "decimal", 38, 9),
            col("day", "date", 0, 0),
            col("ts", "timestamp", 3, 0),
            col("s", "varchar", 0, 0),
            col("b", "boolean", 0, 0),
            col("x", "double", 0, 0),
        ];
        let mut bb = BatchBuilder::new(schema(&cols), 10);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![
                Some("9223372036854775807"),
                Some("12345678901234567890.123456789"),
                Some("2024-02-29"),
                Some("2024-01-02 03:04:05.678"),
                Some(""),
                Some("true"),
                Some("NaN"),
            ],
            vec![None, None, None, None, None, None, Some("-Infinity")],
        ];
        for r in &rows {
            assert!(bb.push(r.iter().copied()).unwrap().is_none());
        }
        let b = bb.finish().unwrap().unwrap();
        assert_eq!(b.num_rows(), 2);
        assert_eq!(b.column(0).as_primitive::<Int64Type>().value(0), i64::MAX);
        assert_eq!(b.column(1).as_primitive::<Decimal128Type>().value(0), 12345678901234567890123456789i128);
        let day = b.column(2).as_primitive::<Date32Type>().value(0);
        assert_eq!(Date32Type::to_naive_date_opt(day).unwrap(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        let ts = b.column(3).as_primitive::<TimestampMicrosecondType>().value(0);
        assert_eq!(ts % 1_000_000, 678_000);
        let s = b.column(4).as_string::<i32>();
        assert!(!s.is_null(0) && s.value(0).is_empty());
        assert!(s.is_null(1));
        for c in 0..6 {
            assert!(b.column(c).is_null(1), "column {c} row 2 is NULL");
        }
        assert!(b.column(6).as_primitive::<arrow::datatypes::Float64Type>().value(0).is_nan());
    }

    #[test]
    fn a_bad_value_names_its_row_and_column() {
        let mut bb = BatchBuilder::new(schema(&[col("n", "bigint", 0, 0)]), 10);
        bb.push([Some("1")].into_iter()).unwrap();
        let e = bb.push([Some("1.5")].into_iter()).unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("column n") && e.contains("'1.5'"), "{e}");
    }

    #[test]
    fn full_batches_come_out_as_they_fill() {
        let mut bb = BatchBuilder::new(schema(&[col("n", "integer", 0, 0)]), 3);
        let mut got = 0;
        for i in 0..7 {
            let v = i.to_string();
            if let Some(b) = bb.push([Some(v.as_str())].into_iter()).unwrap() {
                got += b.num_rows();
            }
        }
        assert_eq!(got, 6);
        assert_eq!(bb.finish().unwrap().unwrap().num_rows(), 1);
        assert!(bb.finish().unwrap().is_none());
    }
}
