//! The crate's error type. Every message says what happened and what to do next.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum FathomError {
    #[error("config {path}: {message}")]
    Config { path: PathBuf, message: String },

    #[error("no profile named '{name}'; known profiles: {known}. Define it under [profiles.{name}] in the config (see `fathom config`)")]
    UnknownProfile { name: String, known: String },

    #[error("no lake at {path}: the catalog file is missing. Run `fathom demo` to build the demo lake, or point the profile at an existing catalog")]
    MissingWarehouse { path: PathBuf },

    #[error("cannot open the Iceberg catalog {uri}: {message}")]
    Catalog { uri: String, message: String },

    #[error("table metadata of {table} cannot be read: {message}. The metadata file may be missing or corrupt; rebuild the demo lake with `fathom demo --force` or restore the file")]
    Metadata { table: String, message: String },

    #[error("unknown table {name}{hint}")]
    UnknownTable { name: String, hint: String },

    #[error("SQL syntax error{position}: {message}")]
    Syntax { message: String, position: String },

    #[error("{0}")]
    Param(String),

    #[error("query failed: {0}")]
    Query(String),

    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = FathomError> = std::result::Result<T, E>;

impl FathomError {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        FathomError::Io { what: what.into(), source }
    }
}
