//! fathom: a terminal workbench for an Iceberg + PostgreSQL investment data lake.
#![forbid(unsafe_code)]

pub mod cache; // the snapshot-keyed result cache: key, store, LRU
pub mod catalog; // leaf types shared by engines, estimate and UI: tables, columns, details
pub mod complete; // schema-aware completion: the word at the cursor, tables in scope, ranked candidates (pure)
pub mod chart; // query results as text charts: series, LTTB, views, plotters into a ratatui buffer
pub mod commands; // headless commands (run, demo, config), shared with the TUI
pub mod config; // profiles, XDG paths, budgets; errors name the file and key
pub mod engine; // the Engine trait and the local DataFusion-over-Iceberg engine
pub mod error; // the crate's error type: what happened and what to do next
pub mod estimate; // scan-cost estimate: SQL -> scans -> Iceberg files -> bytes -> Athena bill
pub mod export; // result writers: table, CSV, JSON lines, Parquet, Arrow IPC
pub mod history; // the run ledger: every run, its estimate, its actual bytes and cost
pub mod iceberg; // Iceberg planning shared by every path: lazy table loading, snapshots, the native scan by field id
pub mod lake; // the local Iceberg warehouse: catalog, table definitions, demo generator
pub mod library; // saved queries: header, typed parameters and their binding
pub mod quality; // data-quality checks: load, run, classify, report
pub mod run; // the one run pipeline: bind, estimate, gate, execute, sinks, ledger; engines open and close
pub mod sqltext; // SQL tokens with byte offsets, shared by rewrites
pub mod textwidth; // display width by grapheme cluster, for the grid and table output
pub mod tomlpos; // lines of keys in TOML texts, for errors that name them
pub mod tui; // the workbench: state/update, runtime, keymap, themes, views
