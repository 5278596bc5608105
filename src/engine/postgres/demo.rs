//! `fathom demo --postgres URL`: the PostgreSQL metadata tables of lake-spec (tb_meta,
//! tb_strategy, tb_portfolio, tb_universe, tb_metrics), with their keys, filled from the demo
//! generator's rows (the same ids and names as the demo lake). One transaction drops, creates
//! and fills them, so running it twice leaves the same state. Values are bound (UNNEST of
//! arrays), never pasted into SQL.

use arrow::array::{Array, Date32Array, Float64Array, Int32Array, StringArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use sqlx::postgres::{PgArguments, PgPool};
use sqlx::query::Query;
use sqlx::{Executor, Postgres};

/// Child tables first, so the drop respects the foreign keys.
const DROP: &str = "DROP TABLE IF EXISTS tb_metrics, tb_universe, tb_portfolio, tb_strategy, tb_meta";

/// Table definitions, parents first.
pub const DDL: &[(&str, &str)] = &[
    (
        "tb_meta",
        "CREATE TABLE tb_meta (meta_id integer PRIMARY KEY, ticker text, name text, sector text, iso_code text)",
    ),
    ("tb_strategy", "CREATE TABLE tb_strategy (strategy_id integer PRIMARY KEY, strategy text, strategy_name text)"),
    (
        "tb_portfolio",
        "CREATE TABLE tb_portfolio (port_id integer PRIMARY KEY, port_name text, \
         strategy_id integer REFERENCES tb_strategy (strategy_id))",
    ),
    (
        "tb_universe",
        "CREATE TABLE tb_universe (port_id integer NOT NULL REFERENCES tb_portfolio (port_id), \
         meta_id integer NOT NULL REFERENCES tb_meta (meta_id), PRIMARY KEY (port_id, meta_id))",
    ),
    (
        "tb_metrics",
        "CREATE TABLE tb_metrics (port_id integer NOT NULL REFERENCES tb_portfolio (port_id), \
         calculation_date date NOT NULL, sharpe double precision, mdd double precision, \
         ann_ret double precision, ann_vol double precision)",
    ),
];

/// Rows per INSERT statement.
const CHUNK: usize = 5_000;

fn date32(d: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1).and_then(|e| e.checked_add_signed(chrono::Duration::days(d as i64)))
}

fn bind_column<'q>(
    q: Query<'q, Postgres, PgArguments>,
    col: &dyn Array,
    from: usize,
    len: usize,
) -> Result<Query<'q, Postgres, PgArguments>, String> {
    let col = col.slice(from, len);
    let any = col.as_any();
    Ok(match col.data_type() {
        DataType::Int32 => {
            let a = any.downcast_ref::<Int32Array>().ok_or("not an Int32Array")?;
            q.bind(a.iter().collect::<Vec<Option<i32>>>())
        }
        DataType::Utf8 => {
            let a = any.downcast_ref::<StringArray>().ok_or("not a StringArray")?;
            q.bind(a.iter().map(|s| s.map(str::to_string)).collect::<Vec<Option<String>>>())
        }
        DataType::Float64 => {
            let a = any.downcast_ref::<Float64Array>().ok_or("not a Float64Array")?;
            q.bind(a.iter().collect::<Vec<Option<f64>>>())
        }
        DataType::Date32 => {
            let a = any.downcast_ref::<Date32Array>().ok_or("not a Date32Array")?;
            q.bind(a.iter().map(|d| d.and_then(date32)).collect::<Vec<Option<NaiveDate>>>())
        }
        other => return Err(format!("no PostgreSQL array type for {other}")),
    })
}

fn pg_array_type(t: &DataType) -> &'static str {
    match t {
        DataType::Int32 => "int4[]",
        DataType::Float64 => "float8[]",
        DataType::Date32 => "date[]",
        _ => "text[]",
    }
}

/// Creates and fills the five tables in one transaction; returns (table, rows) loaded.
pub async fn load(pool: &PgPool, tables: &[(&'static str, RecordBatch)]) -> Result<Vec<(String, usize)>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    tx.execute(DROP).await?;
    let mut loaded = Vec::new();
    for (name, ddl) in DDL {
        tx.execute(*ddl).await?;
        let Some((_, batch)) = tables.iter().find(|(n, _)| n == name) else {
            return Err(sqlx::Error::Protocol(format!("the demo generator has no rows for {name}")));
        };
        let schema = batch.schema();
        let cols: Vec<String> = schema.fields().iter().map(|f| format!("\"{}\"", f.name().replace('"', "\"\""))).collect();
        let unnest: Vec<String> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| format!("${}::{}", i + 1, pg_array_type(f.data_type())))
            .collect();
        let sql = format!("INSERT INTO {name} ({}) SELECT * FROM UNNEST({})", cols.join(", "), unnest.join(", "));
        let mut from = 0;
        while from < batch.num_rows() {
            let len = CHUNK.min(batch.num_rows() - from);
            let mut q = sqlx::query(&sql);
            for col in batch.columns() {
                q = bind_column(q, col.as_ref(), from, len).map_err(sqlx::Error::Protocol)?;
            }
            q.execute(&mut *tx).await?;
            from += len;
        }
        loaded.push((name.to_string(), batch.num_rows()));
    }
    tx.commit().await?;
    Ok(loaded)
}
