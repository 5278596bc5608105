//! Saved queries: the comment header (name, engine, typed parameters, chart, tags) and the
//! binding of parameter values to placeholders, never pasted into SQL text.

pub mod header;
pub mod params;

pub use header::{Header, parse_header};
pub use params::{Bound, ParamDecl, ParamType, ParamValue, PlaceholderStyle, bind};
