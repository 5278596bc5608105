//! `fathom cache stats|clear`: how full the result cache is, and emptying it.

use crate::cache::Store;
use crate::config::Config;
use crate::error::{FathomError, Result};
use crate::estimate::bill::human_bytes;

/// The text to print.
pub fn run(config: &Config, action: &str) -> Result<String> {
    let store = Store::new(config.paths.cache_dir(), config.cache.max_mb);
    match action {
        "stats" => {
            let s = store.stats();
            Ok(format!(
                "{} cached result(s), {} of {} ([cache] max_mb), in {}\n",
                s.entries,
                human_bytes(s.bytes),
                human_bytes(s.max_bytes),
                store.dir().display()
            ))
        }
        "clear" => {
            let n = store.clear().map_err(|e| FathomError::io(format!("clearing {}", store.dir().display()), e))?;
            Ok(format!("removed {n} cached result(s) from {}\n", store.dir().display()))
        }
        other => Err(FathomError::Other(format!("fathom cache {other}: expected stats or clear"))),
    }
}
