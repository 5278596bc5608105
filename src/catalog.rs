//! Leaf types shared by the engines, the estimate and the UI: what a catalog lists and
//! describes. Imports nothing from the crate.

/// A table the engine can query, for the catalog pane and "did you mean".
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    pub schema: String,
    pub name: String,
}

/// One column of a table, as the engine's catalog types it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDetail {
    pub name: String,
    /// The engine's own type name: Iceberg's (`long`, `date`, `timestamp`) or PostgreSQL's
    /// (`integer`, `numeric(38,9)`).
    pub data_type: String,
    pub nullable: bool,
}

/// What the catalog pane shows of one table. Fields an engine does not have are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableDetail {
    pub columns: Vec<ColumnDetail>,
    /// The default partition spec, one entry per field (`month(trade_date)`,
    /// `bucket(16, ticker)`); empty when unpartitioned, `None` when the engine has none.
    pub partition_spec: Option<Vec<String>>,
    /// Snapshots the table keeps (Iceberg).
    pub snapshots: Option<usize>,
    pub current_snapshot: Option<i64>,
    /// From the current snapshot's summary, when it records them.
    pub data_files: Option<u64>,
    pub records: Option<u64>,
    pub bytes: Option<u64>,
}

/// A query saved on the server (Athena: a named query of the workgroup).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedQuery {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub database: String,
    pub sql: String,
}
