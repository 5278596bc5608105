//! The local Iceberg warehouse: the SQL catalog on SQLite, the lake's table definitions,
//! the synthetic demo generator, its known faults, and the writer that loads it as Iceberg appends.

pub mod catalog;
pub mod demo;
pub mod faults;
pub mod inspect;
pub mod generate;
pub mod tables;
pub mod writer;
