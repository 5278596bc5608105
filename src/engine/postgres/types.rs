//! PostgreSQL result columns as Arrow: which Arrow type each PostgreSQL type becomes, and the
//! builders that turn binary-format values into Arrow arrays (NULL preserved, numerics exact).

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder, Float64Builder,
    Int16Builder, Int32Builder, Int64Builder, StringBuilder, Time64MicrosecondBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use sqlx::postgres::types::PgInterval;
use sqlx::postgres::{PgValueFormat, PgValueRef};
use sqlx::{Decode, Postgres, ValueRef};

use super::numeric::{Numeric, decode_numeric};

/// How a column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    /// numeric(p, s) with p <= 38: Decimal128(38, s).
    Decimal(i8),
    /// numeric without a usable typmod: its exact decimal text.
    NumericText,
    Text,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Interval,
    Json,
    Jsonb,
    Uuid,
    Bytea,
    /// Anything else (arrays, inet, money, ...): the server casts it to text for us when it can;
    /// otherwise its bytes as UTF-8 text.
    Other,
}

impl Kind {
    /// The kind of a column of type `oid` (`typmod` for numeric).
    pub fn of(oid: u32, numeric_typmod: Option<i32>) -> Kind {
        match oid {
            16 => Kind::Bool,
            21 => Kind::Int2,
            23 => Kind::Int4,
            20 => Kind::Int8,
            700 => Kind::Float4,
            701 => Kind::Float8,
            1700 => match numeric_typmod {
                Some(m) if m >= 4 => {
                    let (p, s) = (((m - 4) >> 16) & 0xffff, (m - 4) & 0xffff);
                    if p <= 38 && s <= p { Kind::Decimal(s as i8) } else { Kind::NumericText }
                }
                _ => Kind::NumericText,
            },
            25 | 1043 | 1042 | 19 | 705 => Kind::Text,
            1082 => Kind::Date,
            1083 => Kind::Time,
            1114 => Kind::Timestamp,
            1184 => Kind::TimestampTz,
            1186 => Kind::Interval,
            114 => Kind::Json,
            3802 => Kind::Jsonb,
            2950 => Kind::Uuid,
            17 => Kind::Bytea,
            _ => Kind::Other,
        }
    }

    pub fn arrow(self) -> DataType {
        match self {
            Kind::Bool => DataType::Boolean,
            Kind::Int2 => DataType::Int16,
            Kind::Int4 => DataType::Int32,
            Kind::Int8 => DataType::Int64,
            Kind::Float4 => DataType::Float32,
            Kind::Float8 => DataType::Float64,
            Kind::Decimal(s) => DataType::Decimal128(38, s),
            Kind::Date => DataType::Date32,
            Kind::Time => DataType::Time64(TimeUnit::Microsecond),
            Kind::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            Kind::TimestampTz => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Kind::Bytea => DataType::Binary,
            Kind::NumericText | Kind::Text | Kind::Interval | Kind::Json | Kind::Jsonb | Kind::Uuid | Kind::Other => {
                DataType::Utf8
            }
        }
    }
}

/// A value that cannot be read as its column's type.
#[derive(Debug, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct DecodeError {
    pub column: String,
    pub message: String,
}

type Boxed = Box<dyn std::error::Error + Send + Sync>;

fn get<'r, T: Decode<'r, Postgres>>(v: PgValueRef<'r>) -> Result<T, Boxed> {
    T::decode(v)
}

fn text(v: PgValueRef<'_>) -> Result<String, Boxed> {
    let bytes = v.as_bytes()?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// One column's builder.
pub enum Builder {
    Bool(BooleanBuilder),
    Int2(Int16Builder),
    Int4(Int32Builder),
    Int8(Int64Builder),
    Float4(Float32Builder),
    Float8(Float64Builder),
    Decimal(Decimal128Builder, i8),
    Utf8(StringBuilder, Kind),
    Date(Date32Builder),
    Time(Time64MicrosecondBuilder),
    Timestamp(TimestampMicrosecondBuilder),
    TimestampTz(TimestampMicrosecondBuilder),
    Binary(BinaryBuilder),
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl Builder {
    pub fn new(kind: Kind, capacity: usize) -> Builder {
        match kind {
            Kind::Bool => Builder::Bool(BooleanBuilder::with_capacity(capacity)),
            Kind::Int2 => Builder::Int2(Int16Builder::with_capacity(capacity)),
            Kind::Int4 => Builder::Int4(Int32Builder::with_capacity(capacity)),
            Kind::Int8 => Builder::Int8(Int64Builder::with_capacity(capacity)),
            Kind::Float4 => Builder::Float4(Float32Builder::with_capacity(capacity)),
            Kind::Float8 => Builder::Float8(Float64Builder::with_capacity(capacity)),
            Kind::Decimal(s) => Builder::Decimal(Decimal128Builder::with_capacity(capacity), s),
            Kind::Date => Builder::Date(Date32Builder::with_capacity(capacity)),
            Kind::Time => Builder::Time(Time64MicrosecondBuilder::with_capacity(capacity)),
            Kind::Timestamp => Builder::Timestamp(TimestampMicrosecondBuilder::with_capacity(capacity)),
            Kind::TimestampTz => Builder::TimestampTz(TimestampMicrosecondBuilder::with_capacity(capacity).with_timezone("UTC")),
            Kind::Bytea => Builder::Binary(BinaryBuilder::with_capacity(capacity, capacity * 16)),
            k => Builder::Utf8(StringBuilder::with_capacity(capacity, capacity * 16), k),
        }
    }

    /// Appends one value (NULL when the value is NULL).
    pub fn push(&mut self, v: PgValueRef<'_>) -> Result<(), Boxed> {
        if v.is_null() {
            self.push_null();
            return Ok(());
        }
        match self {
            Builder::Bool(b) => b.append_value(get::<bool>(v)?),
            Builder::Int2(b) => b.append_value(get::<i16>(v)?),
            Builder::Int4(b) => b.append_value(get::<i32>(v)?),
            Builder::Int8(b) => b.append_value(get::<i64>(v)?),
            Builder::Float4(b) => b.append_value(get::<f32>(v)?),
            Builder::Float8(b) => b.append_value(get::<f64>(v)?),
            Builder::Decimal(b, scale) => match decode_numeric(v.as_bytes()?)? {
                Numeric::Finite(n) => match n.to_i128(*scale) {
                    Some(x) => b.append_value(x),
                    None => return Err(format!("numeric {} does not fit Decimal128(38, {scale})", n.text()).into()),
                },
                // not NULL: a value Decimal128 cannot hold is an error that says how to see it
                other => {
                    return Err(format!("numeric {} has no Decimal128 form; select the column ::text to see it", other.text()).into());
                }
            },
            Builder::Date(b) => b.append_value((get::<NaiveDate>(v)? - epoch()).num_days() as i32),
            Builder::Time(b) => {
                let t: NaiveTime = get(v)?;
                b.append_value(t.num_seconds_from_midnight() as i64 * 1_000_000 + (t.nanosecond() / 1_000) as i64)
            }
            Builder::Timestamp(b) => b.append_value(get::<NaiveDateTime>(v)?.and_utc().timestamp_micros()),
            Builder::TimestampTz(b) => b.append_value(get::<DateTime<Utc>>(v)?.timestamp_micros()),
            Builder::Binary(b) => b.append_value(v.as_bytes()?),
            Builder::Utf8(b, kind) => {
                let s = match kind {
                    Kind::NumericText => decode_numeric(v.as_bytes()?)?.text(),
                    Kind::Interval => interval_text(&get::<PgInterval>(v)?),
                    Kind::Uuid => get::<uuid::Uuid>(v)?.to_string(),
                    Kind::Jsonb if v.format() == PgValueFormat::Binary => {
                        // binary jsonb: a version byte (1), then the JSON text
                        let bytes = v.as_bytes()?;
                        String::from_utf8_lossy(bytes.get(1..).unwrap_or_default()).into_owned()
                    }
                    _ => text(v)?,
                };
                b.append_value(s)
            }
        }
        Ok(())
    }

    fn push_null(&mut self) {
        match self {
            Builder::Bool(b) => b.append_null(),
            Builder::Int2(b) => b.append_null(),
            Builder::Int4(b) => b.append_null(),
            Builder::Int8(b) => b.append_null(),
            Builder::Float4(b) => b.append_null(),
            Builder::Float8(b) => b.append_null(),
            Builder::Decimal(b, _) => b.append_null(),
            Builder::Utf8(b, _) => b.append_null(),
            Builder::Date(b) => b.append_null(),
            Builder::Time(b) => b.append_null(),
            Builder::Timestamp(b) | Builder::TimestampTz(b) => b.append_null(),
            Builder::Binary(b) => b.append_null(),
        }
    }

    pub fn finish(&mut self) -> Result<ArrayRef, arrow::error::ArrowError> {
        Ok(match self {
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Int2(b) => Arc::new(b.finish()),
            Builder::Int4(b) => Arc::new(b.finish()),
            Builder::Int8(b) => Arc::new(b.finish()),
            Builder::Float4(b) => Arc::new(b.finish()),
            Builder::Float8(b) => Arc::new(b.finish()),
            Builder::Decimal(b, s) => Arc::new(b.finish().with_precision_and_scale(38, *s)?),
            Builder::Utf8(b, _) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Time(b) => Arc::new(b.finish()),
            Builder::Timestamp(b) => Arc::new(b.finish()),
            Builder::TimestampTz(b) => Arc::new(b.finish().with_timezone("UTC")),
            Builder::Binary(b) => Arc::new(b.finish()),
        })
    }
}

/// PostgreSQL's own interval text (`IntervalStyle = postgres`): `1 year 2 mons 3 days 04:05:06.5`.
pub fn interval_text(i: &PgInterval) -> String {
    let mut parts = Vec::new();
    let (years, mons) = (i.months / 12, i.months % 12);
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if years != 0 {
        parts.push(unit(years as i64, "year", "years"));
    }
    if mons != 0 {
        parts.push(unit(mons as i64, "mon", "mons"));
    }
    if i.days != 0 {
        parts.push(unit(i.days as i64, "day", "days"));
    }
    if i.microseconds != 0 || parts.is_empty() {
        let sign = if i.microseconds < 0 { "-" } else { "" };
        let us = i.microseconds.unsigned_abs();
        let (h, m, s, frac) = (us / 3_600_000_000, us / 60_000_000 % 60, us / 1_000_000 % 60, us % 1_000_000);
        let mut t = format!("{sign}{h:02}:{m:02}:{s:02}");
        if frac != 0 {
            let f = format!("{frac:06}");
            t.push('.');
            t.push_str(f.trim_end_matches('0'));
        }
        parts.push(t);
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_typmods_pick_decimal_or_text() {
        let typmod = |p: i32, s: i32| (p << 16 | s) + 4;
        assert_eq!(Kind::of(1700, Some(typmod(38, 9))), Kind::Decimal(9));
        assert_eq!(Kind::of(1700, Some(typmod(10, 0))), Kind::Decimal(0));
        assert_eq!(Kind::of(1700, Some(typmod(50, 2))), Kind::NumericText);
        assert_eq!(Kind::of(1700, Some(-1)), Kind::NumericText);
        assert_eq!(Kind::of(1700, None), Kind::NumericText);
    }

    #[test]
    fn intervals_read_like_postgres_prints_them() {
        let i = |months, days, microseconds| interval_text(&PgInterval { months, days, microseconds });
        assert_eq!(i(14, 3, 4 * 3_600_000_000 + 5 * 60_000_000 + 6_500_000), "1 year 2 mons 3 days 04:05:06.5");
        assert_eq!(i(0, 1, 0), "1 day");
        assert_eq!(i(0, 0, 0), "00:00:00");
        assert_eq!(i(0, 0, -90_000_000), "-00:01:30");
    }
}
