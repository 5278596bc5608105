//! The PostgreSQL catalog: schemas and tables from information_schema, a table's columns
//! with their types, nullability and keys, and the database's own functions from pg_catalog.

use sqlx::postgres::PgPool;

use crate::engine::TableInfo;

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    pub name: String,
    /// As `format_type` prints it: `integer`, `numeric(38,9)`, `text[]`.
    pub data_type: String,
    pub nullable: bool,
    pub primary_key: bool,
    /// `schema.table(column)` this column references, if it is a foreign key.
    pub references: Option<String>,
}

/// Tables and views outside the system schemas.
pub async fn tables(pool: &PgPool) -> Result<Vec<TableInfo>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_schema::text, table_name::text FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg_toast%' \
         ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(schema, name)| TableInfo { schema, name }).collect())
}

/// The functions, aggregates and procedures defined outside the system schemas (the
/// database's own: `portfolio.nav_ratio`, an extension's), by name, that the role may run.
pub async fn own_functions(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
           AND has_function_privilege(p.oid, 'EXECUTE') ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// Columns of `schema.table`, in order.
pub async fn columns(pool: &PgPool, schema: &str, table: &str) -> Result<Vec<ColumnInfo>, sqlx::Error> {
    let rows: Vec<(String, String, bool, bool, Option<String>)> = sqlx::query_as(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p' AND a.attnum = ANY (p.conkey)),
                (SELECT fn.nspname || '.' || fc.relname || '(' || fa.attname || ')'
                   FROM pg_constraint f
                   JOIN pg_class fc ON fc.oid = f.confrelid
                   JOIN pg_namespace fn ON fn.oid = fc.relnamespace
                   JOIN pg_attribute fa ON fa.attrelid = f.confrelid
                        AND fa.attnum = f.confkey[array_position(f.conkey, a.attnum)]
                  WHERE f.conrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY (f.conkey)
                  LIMIT 1)
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attnum",
    )
    .bind(schema)
    .bind(table)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, data_type, nullable, primary_key, references)| ColumnInfo {
            name,
            data_type,
            nullable,
            primary_key,
            references,
        })
        .collect())
}
