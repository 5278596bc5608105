//! Iceberg planning shared by every Iceberg path (local engine, estimate, Athena's estimate):
//! lazy, isolated table loading, snapshot resolution for time travel, file planning, and the
//! native DataFusion scan that maps Parquet columns to the table by Iceberg field id.

pub mod catalog;
pub mod field_ids;
pub mod fileio_read;
pub mod metadata_tables;
pub mod plan;
pub mod provider;
pub mod read_bytes;
pub mod session;
pub mod tables;
pub mod timetravel;

pub use tables::LakeTables;
