//! The ten Iceberg tables of the lake (lake-spec.md): names, columns, partition specs and
//! table properties. This is the one definition the demo generator, the writer, the tests
//! and the estimate share.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use iceberg::spec::{
    NestedField, PrimitiveType, Schema, Transform, Type, UnboundPartitionSpec,
};

/// A column: name, Iceberg primitive type, required (`*` in lake-spec) or optional.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    pub required: bool,
}

/// The Iceberg types the lake uses, with their Arrow counterparts noted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Arrow Int32
    Int,
    /// Arrow Int64
    Long,
    /// Arrow Float64
    Double,
    /// Arrow Date32
    Date,
    /// Arrow Timestamp(Microsecond, None)
    Timestamp,
    /// Arrow Utf8
    Text,
    /// Arrow Boolean
    Boolean,
}

impl ColType {
    fn iceberg(self) -> PrimitiveType {
        match self {
            ColType::Int => PrimitiveType::Int,
            ColType::Long => PrimitiveType::Long,
            ColType::Double => PrimitiveType::Double,
            ColType::Date => PrimitiveType::Date,
            ColType::Timestamp => PrimitiveType::Timestamp,
            ColType::Text => PrimitiveType::String,
            ColType::Boolean => PrimitiveType::Boolean,
        }
    }
}

/// A partition field: `transform(source) AS name`.
#[derive(Debug, Clone, Copy)]
pub struct PartitionField {
    pub source: &'static str,
    pub transform: PartitionTransform,
    pub name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionTransform {
    Month,
    Year,
}

/// One table of the lake.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    pub namespace: &'static str,
    pub name: &'static str,
    pub columns: &'static [Column],
    pub partition: Option<PartitionField>,
    /// The column that orders the history (appends are cut along it); None for reference data.
    pub time_column: Option<&'static str>,
}

const fn col(name: &'static str, ty: ColType, required: bool) -> Column {
    Column { name, ty, required }
}

const fn month(source: &'static str, name: &'static str) -> Option<PartitionField> {
    Some(PartitionField { source, transform: PartitionTransform::Month, name })
}

const fn year(source: &'static str, name: &'static str) -> Option<PartitionField> {
    Some(PartitionField { source, transform: PartitionTransform::Year, name })
}

use ColType::*;

const PRICE_COLUMNS: &[Column] = &[
    col("meta_id", Int, true),
    col("trade_date", Date, true),
    col("close", Double, false),
    col("adj_close", Double, false),
    col("gross_return", Double, false),
    col("volume", Long, false),
    col("updated_at", Timestamp, false),
];

pub const US_STOCKS_PRICE: TableDef = TableDef {
    namespace: "market_data",
    name: "us_stocks_price",
    columns: PRICE_COLUMNS,
    partition: month("trade_date", "trade_month"),
    time_column: Some("trade_date"),
};

pub const KR_STOCKS_PRICE: TableDef = TableDef {
    namespace: "market_data",
    name: "kr_stocks_price",
    columns: PRICE_COLUMNS,
    partition: month("trade_date", "trade_month"),
    time_column: Some("trade_date"),
};

pub const TB_NAV: TableDef = TableDef {
    namespace: "portfolio",
    name: "tb_nav",
    columns: &[
        col("trade_date", Date, true),
        col("port_id", Int, true),
        col("value", Double, true),
        col("cash", Double, false),
        col("total_value", Double, false),
        col("updated_at", Timestamp, false),
    ],
    partition: month("trade_date", "trade_month"),
    time_column: Some("trade_date"),
};

pub const TB_REBALANCE: TableDef = TableDef {
    namespace: "portfolio",
    name: "tb_rebalance",
    columns: &[
        col("rebal_date", Date, true),
        col("port_id", Int, true),
        col("meta_id", Int, true),
        col("weight", Double, true),
    ],
    partition: year("rebal_date", "rebal_year"),
    time_column: Some("rebal_date"),
};

pub const TB_METRICS: TableDef = TableDef {
    namespace: "analytics",
    name: "tb_metrics",
    columns: &[
        col("port_id", Int, true),
        col("calculation_date", Date, true),
        col("sharpe", Double, false),
        col("mdd", Double, false),
        col("ann_ret", Double, false),
        col("ann_vol", Double, false),
    ],
    partition: None,
    time_column: Some("calculation_date"),
};

pub const TB_SIGNALS: TableDef = TableDef {
    namespace: "analytics",
    name: "tb_signals",
    columns: &[
        col("signal_date", Date, true),
        col("meta_id", Int, true),
        col("signal", Text, false),
        col("score", Double, false),
    ],
    partition: month("signal_date", "signal_month"),
    time_column: Some("signal_date"),
};

pub const TB_MACRO_DATA: TableDef = TableDef {
    namespace: "reference",
    name: "tb_macro_data",
    columns: &[
        col("macro_id", Int, true),
        col("base_date", Date, true),
        col("value", Double, false),
        col("fred_series_id", Text, false),
        col("updated_at", Timestamp, false),
    ],
    partition: month("base_date", "base_month"),
    time_column: Some("base_date"),
};

pub const TB_META: TableDef = TableDef {
    namespace: "reference",
    name: "tb_meta",
    columns: &[
        col("meta_id", Int, true),
        col("ticker", Text, false),
        col("name", Text, false),
        col("sector", Text, false),
        col("iso_code", Text, false),
    ],
    partition: None,
    time_column: None,
};

pub const TB_CALENDAR: TableDef = TableDef {
    namespace: "reference",
    name: "tb_calendar",
    columns: &[
        col("trade_date", Date, true),
        col("market", Text, false),
        col("is_open", Boolean, false),
    ],
    partition: year("trade_date", "trade_year"),
    time_column: Some("trade_date"),
};

pub const TB_EXCHANGE_RATES: TableDef = TableDef {
    namespace: "reference",
    name: "tb_exchange_rates",
    columns: &[
        col("base_date", Date, true),
        col("pair", Text, false),
        col("rate", Double, false),
    ],
    partition: month("base_date", "base_month"),
    time_column: Some("base_date"),
};

/// All ten tables, in a fixed order.
pub const ALL: [&TableDef; 10] = [
    &US_STOCKS_PRICE,
    &KR_STOCKS_PRICE,
    &TB_NAV,
    &TB_REBALANCE,
    &TB_METRICS,
    &TB_SIGNALS,
    &TB_MACRO_DATA,
    &TB_META,
    &TB_CALENDAR,
    &TB_EXCHANGE_RATES,
];

impl TableDef {
    /// `namespace.name`, as queries spell it.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// Field ids are 1-based column positions.
    fn field_id(&self, column: &str) -> Option<i32> {
        self.columns
            .iter()
            .position(|c| c.name == column)
            .map(|i| i as i32 + 1)
    }

    /// The Iceberg schema (schema id 0, field ids 1..=n in column order).
    pub fn iceberg_schema(&self) -> iceberg::Result<Schema> {
        let fields = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let ty = Type::Primitive(c.ty.iceberg());
                let id = i as i32 + 1;
                let f = if c.required {
                    NestedField::required(id, c.name, ty)
                } else {
                    NestedField::optional(id, c.name, ty)
                };
                Arc::new(f)
            })
            .collect::<Vec<_>>();
        Schema::builder().with_schema_id(0).with_fields(fields).build()
    }

    /// The Arrow schema of the table, carrying the Parquet field ids Iceberg needs.
    pub fn arrow_schema(&self) -> iceberg::Result<SchemaRef> {
        let schema = self.iceberg_schema()?;
        Ok(Arc::new(iceberg::arrow::schema_to_arrow_schema(&schema)?))
    }

    /// The unbound partition spec (None for unpartitioned tables).
    pub fn partition_spec(&self) -> iceberg::Result<Option<UnboundPartitionSpec>> {
        let Some(p) = self.partition else {
            return Ok(None);
        };
        let source = self.field_id(p.source).ok_or_else(|| {
            iceberg::Error::new(
                iceberg::ErrorKind::DataInvalid,
                format!("partition source {} is not a column of {}", p.source, self.name),
            )
        })?;
        let transform = match p.transform {
            PartitionTransform::Month => Transform::Month,
            PartitionTransform::Year => Transform::Year,
        };
        Ok(Some(
            UnboundPartitionSpec::builder()
                .with_spec_id(0)
                .add_partition_field(source, p.name, transform)?
                .build(),
        ))
    }

    /// Table properties of the lake: Parquet, zstd, 128 MB row groups, gzip metadata.
    pub fn properties(&self) -> HashMap<String, String> {
        [
            ("write.format.default", "parquet"),
            ("write.parquet.compression-codec", "zstd"),
            ("write.parquet.row-group-size-bytes", "134217728"),
            ("write.metadata.compression-codec", "gzip"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}

/// Finds a table by `namespace.name`.
pub fn by_name(qualified: &str) -> Option<&'static TableDef> {
    ALL.iter().copied().find(|t| t.qualified() == qualified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_valid_schema_and_spec() {
        for t in ALL {
            let schema = t.iceberg_schema().expect("schema");
            assert_eq!(schema.as_struct().fields().len(), t.columns.len());
            let arrow = t.arrow_schema().expect("arrow schema");
            assert_eq!(arrow.fields().len(), t.columns.len());
            if let Some(spec) = t.partition_spec().expect("spec") {
                assert_eq!(spec.fields().len(), 1);
            }
        }
        assert_eq!(ALL.len(), 10);
        assert!(by_name("market_data.us_stocks_price").is_some());
    }
}
