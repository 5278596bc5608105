//! Saved queries: the comment header (name, engine, typed parameters, chart, tags) and the
//! binding of parameter values to placeholders, never pasted into SQL text (except the
//! drill-down text of checks, which inlines values fathom chose itself).

pub mod format;
pub mod header;
pub mod inline;
pub mod params;

pub use header::{CheckSpec, Header, parse_header};
pub use inline::inline;
pub use params::{Bound, ParamDecl, ParamType, ParamValue, PlaceholderStyle, bind};
