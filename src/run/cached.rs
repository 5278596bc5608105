//! The result cache in the run pipeline: a run's key (engines whose results follow their
//! tables' snapshots only), and a sink that tees the rows into the cache as they pass.

use arrow::record_batch::RecordBatch;

use crate::cache::{Key, Policy, key, store::Writer};
use crate::config::Profile;
use crate::engine::Caps;
use crate::error::Result;

use super::{Prepared, Sink};

/// What a profile reads, for the key: two profiles on the same catalog share entries, and a
/// profile pointed elsewhere never sees another catalog's results.
pub fn identity(profile: &Profile) -> String {
    match profile {
        Profile::Local(l) => match l.aws() {
            Some(aws) => format!(
                "local|glue|{}|{}|{}",
                aws.region.as_deref().unwrap_or(""),
                aws.glue_catalog_id.as_deref().unwrap_or(""),
                aws.endpoint_url.as_deref().unwrap_or("")
            ),
            None => format!("local|{}|{}", l.catalog, l.warehouse),
        },
        Profile::Athena(a) => format!(
            "athena|{}|{}|{}|{}",
            a.region.as_deref().unwrap_or(""),
            a.catalog,
            a.glue_catalog_id.as_deref().unwrap_or(""),
            a.endpoint_url.as_deref().unwrap_or("")
        ),
        Profile::Postgres(_) => "postgres".into(),
    }
}

/// The cache key of a prepared run, or why it is not cached.
pub fn cache_key(caps: Caps, profile: &Profile, prepared: &Prepared, policy: Policy) -> std::result::Result<Key, String> {
    if !caps.snapshots {
        return Err("this engine's results do not follow table snapshots".into());
    }
    let estimate = prepared.estimate.as_ref().map_err(String::as_str);
    key(&identity(profile), &prepared.bound.sql, &prepared.bound.values, estimate, policy)
}

/// A sink that also writes every batch to the cache (given up quietly if the cache fails).
pub struct Tee<S> {
    pub inner: S,
    pub cache: Option<Writer>,
}

impl<S: Sink> Sink for Tee<S> {
    fn push(&mut self, batch: &RecordBatch) -> Result<()> {
        if let Some(w) = &mut self.cache {
            w.push(batch);
        }
        self.inner.push(batch)
    }
}
