//! A lake table's detail for the catalog pane, read from its Iceberg metadata alone (no data
//! file is opened): the current schema's columns, the default partition spec written the way
//! Athena's DDL writes it (`month(trade_date)`, `bucket(16, ticker)`), and its snapshots.

use iceberg::spec::{TableMetadata, Transform};

use crate::engine::{ColumnDetail, TableDetail};

/// The detail of a table from its metadata.
pub fn detail(md: &TableMetadata) -> TableDetail {
    let schema = md.current_schema();
    let columns = schema
        .as_struct()
        .fields()
        .iter()
        .map(|f| ColumnDetail { name: f.name.clone(), data_type: f.field_type.to_string(), nullable: !f.required })
        .collect();
    let spec = md.default_partition_spec();
    let partition_spec = spec
        .fields()
        .iter()
        .map(|p| {
            let source = schema.field_by_id(p.source_id).map(|f| f.name.clone()).unwrap_or_else(|| format!("field {}", p.source_id));
            partition_field(&p.transform, &source)
        })
        .collect();
    let current = md.current_snapshot();
    let summary = |key: &str| current.and_then(|s| s.summary().additional_properties.get(key)).and_then(|v| v.parse().ok());
    TableDetail {
        columns,
        partition_spec: Some(partition_spec),
        snapshots: Some(md.snapshots().len()),
        current_snapshot: md.current_snapshot_id(),
        data_files: summary("total-data-files"),
        records: summary("total-records"),
        bytes: summary("total-files-size"),
    }
}

/// One partition field as Athena's DDL writes it.
pub fn partition_field(transform: &Transform, source: &str) -> String {
    match transform {
        Transform::Identity => source.to_string(),
        Transform::Bucket(n) => format!("bucket({n}, {source})"),
        Transform::Truncate(w) => format!("truncate({w}, {source})"),
        other => format!("{other}({source})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_fields_read_like_athena_ddl() {
        assert_eq!(partition_field(&Transform::Day, "price_date"), "day(price_date)");
        assert_eq!(partition_field(&Transform::Bucket(16), "ticker"), "bucket(16, ticker)");
        assert_eq!(partition_field(&Transform::Truncate(4), "isin"), "truncate(4, isin)");
        assert_eq!(partition_field(&Transform::Identity, "market"), "market");
        assert_eq!(partition_field(&Transform::Month, "trade_date"), "month(trade_date)");
    }
}
