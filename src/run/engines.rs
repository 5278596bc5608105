//! The open engines of a process, one per profile, each opened on first use without a lock
//! shared across profiles (a slow or unreachable host delays only its own profile). A failed
//! open is kept and reported, not retried on every use, until the user asks (`reset`).
//! `close_all` stops what every engine started; `detach_all` lets it run on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::config::{Budget, Config, Profile};
use crate::engine::local::LocalEngine;
use crate::engine::postgres::PostgresEngine;
use crate::engine::{Detached, Engine};
use crate::error::Result;

type Slot = Arc<OnceCell<std::result::Result<Arc<dyn Engine>, String>>>;

/// Engines by profile name.
pub struct Engines {
    config: Arc<Config>,
    slots: Mutex<HashMap<String, Slot>>,
}

impl Engines {
    pub fn new(config: Arc<Config>) -> Self {
        Engines { config, slots: Mutex::new(HashMap::new()) }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The result cache of this configuration.
    pub fn cache(&self) -> crate::cache::Store {
        crate::cache::Store::new(self.config.paths.cache_dir(), self.config.cache.max_mb)
    }

    fn slot(&self, profile: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(profile.to_string()).or_default().clone()
    }

    /// The engine of `profile`, opened now if it is not yet (read-only).
    pub async fn get(&self, profile: &str) -> std::result::Result<Arc<dyn Engine>, String> {
        let slot = self.slot(profile);
        slot.get_or_init(|| async {
            open(&self.config, Some(profile), false)
                .await
                .map(Arc::from)
                .map_err(|e| format!("profile '{profile}' did not open: {e}"))
        })
        .await
        .clone()
    }

    /// Forgets a failed (or any) open of `profile`, so the next use opens it again.
    pub fn reset(&self, profile: &str) {
        self.slots.lock().unwrap_or_else(|e| e.into_inner()).remove(profile);
    }

    /// The budget of a profile (an Athena profile may set its own price per TB).
    pub fn budget(&self, profile: &str) -> Budget {
        match self.config.profile(Some(profile)) {
            Ok((_, p)) => p.budget(&self.config.budget),
            Err(_) => self.config.budget.clone(),
        }
    }

    fn opened(&self) -> Vec<(String, Arc<dyn Engine>)> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.iter().filter_map(|(name, slot)| slot.get().and_then(|r| r.as_ref().ok()).map(|e| (name.clone(), e.clone()))).collect()
    }

    /// Stops, on every server, what the engines started and is still running; waits for the
    /// stops at most `deadline` in all. Returns how many queries were stopped.
    pub async fn close_all(&self, deadline: Duration) -> usize {
        let engines = self.opened();
        let closing = engines.iter().map(|(_, e)| e.close(deadline));
        let stopped = tokio::time::timeout(deadline, futures::future::join_all(closing)).await;
        stopped.map(|n| n.into_iter().sum()).unwrap_or(0)
    }

    /// Lets the queries that can outlive this process run on, by profile; the others stop
    /// with their streams.
    pub async fn detach_all(&self) -> Vec<(String, Detached)> {
        let mut out = Vec::new();
        for (name, engine) in self.opened() {
            out.extend(engine.detach().await.into_iter().map(|d| (name.clone(), d)));
        }
        out
    }
}

/// Opens the engine of a profile; `allow_write` is `fathom run --write`. The demo lake is
/// built by the caller (`commands::ensure_demo`), not here.
pub async fn open(config: &Config, profile: Option<&str>, allow_write: bool) -> Result<Box<dyn Engine>> {
    let (name, p) = config.profile(profile)?;
    Ok(match p {
        Profile::Local(local) if local.is_glue() => Box::new(crate::engine::lake_direct::DirectEngine::connect(name, local).await?),
        Profile::Local(local) => Box::new(LocalEngine::open(local).await?),
        Profile::Postgres(pg) => Box::new(PostgresEngine::connect(name, pg, allow_write).await?),
        Profile::Athena(a) => Box::new(
            crate::engine::athena::AthenaEngine::connect(name, a, allow_write).await?.with_direct_twin(config.direct_twin(name)),
        ),
    })
}
