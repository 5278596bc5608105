//! The one run pipeline, for the CLI and the workbench alike: bind the parameters, estimate,
//! gate against the budget (`gate`, a pure decision), execute with progress, send the rows to
//! sinks (`sink`), and write the ledger entry (`ledger`). Engines are opened lazily, one per
//! profile (`engines`), and closed (stopped on their servers) or detached on the way out.

pub mod cached;
pub mod engines;
pub mod gate;
pub mod ledger;
pub mod sink;

use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::config::Budget;
use crate::engine::{Engine, ProgressFn, QueryStream};
use crate::error::Result;
use crate::estimate::Estimate;
use crate::library::{Bound, ParamDecl, bind};
pub use engines::Engines;
pub use gate::{Allowance, Gate, gate};
pub use sink::Sink;

/// Bytes and what they cost (an estimate's, or a run's actual): Athena's bill, or, for a
/// direct read of the lake's files, the price of its GET requests (and transfer).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Priced {
    pub bytes: u64,
    pub cost_usd: f64,
    /// The GET requests a direct read made (a run's actual); `None`: billed per byte.
    pub get_requests: Option<u64>,
}

impl Priced {
    /// `bytes` priced with Athena's billing at `price_per_tb_usd`.
    pub fn bill(bytes: u64, price_per_tb_usd: f64) -> Priced {
        Priced { bytes, cost_usd: crate::estimate::bill::cost_usd(bytes, price_per_tb_usd), get_requests: None }
    }

    /// What a run that read `bytes` with `get_requests` costs under `budget`: the same rule
    /// as its estimate, the direct read's price when it made GETs itself, else Athena's bill.
    pub fn actual(bytes: u64, get_requests: Option<u64>, budget: &Budget) -> Priced {
        match get_requests {
            Some(gets) => {
                let direct = crate::estimate::bill::DirectRead::price(bytes, gets, budget);
                Priced { bytes, cost_usd: direct.cost_usd, get_requests: Some(gets) }
            }
            None => Priced::bill(bytes, budget.price_per_tb_usd),
        }
    }

    /// The priced part of an estimate (none for engines not billed per byte).
    pub fn of(estimate: &Estimate) -> Option<Priced> {
        estimate.postgres.is_none().then_some(Priced { bytes: estimate.total_bytes, cost_usd: estimate.cost_usd, get_requests: None })
    }
}

/// A statement ready to be decided on: bound for its engine, estimated, gated.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub bound: Bound,
    /// The estimate, or why there is none.
    pub estimate: std::result::Result<Estimate, String>,
    pub gate: Gate,
}

/// Binds `sql` for `engine`, estimates it and decides. Err: the parameters do not bind.
pub async fn prepare(
    engine: &dyn Engine,
    sql: &str,
    decls: &[ParamDecl],
    given: &[(String, String)],
    budget: &Budget,
) -> Result<Prepared> {
    let bound = bind(sql, decls, given, engine.placeholder_style())?;
    let estimate = engine.estimate(&bound.sql, &bound.values, budget, false).await.map_err(|e| e.to_string());
    let gate = gate(&estimate, engine.caps(), budget);
    Ok(Prepared { bound, estimate, gate })
}

/// What a run returned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drained {
    /// Every row of the result (sinks may keep fewer).
    pub rows: u64,
    /// The bytes the engine read, when it reports them.
    pub scanned: Option<u64>,
    /// The GET requests it sent, when they price the run (a direct read).
    pub get_requests: Option<u64>,
    pub elapsed: Duration,
}

impl Drained {
    /// What the run cost, when its engine said what it read.
    pub fn priced(&self, budget: &Budget) -> Option<Priced> {
        self.scanned.map(|b| Priced::actual(b, self.get_requests, budget))
    }
}

/// Starts a bound statement; the stream's schema builds the sinks, `drain` fills them.
pub async fn start(engine: &dyn Engine, bound: &Bound, progress: ProgressFn) -> Result<QueryStream> {
    engine.execute_with_progress(&bound.sql, &bound.values, progress).await
}

/// Sends every batch of `stream` to `sink`. Dropping the future stops the query.
pub async fn drain(mut stream: QueryStream, sink: &mut dyn Sink, started: Instant) -> Result<Drained> {
    let mut rows = 0u64;
    while let Some(batch) = stream.batches.next().await {
        let batch = batch?;
        rows += batch.num_rows() as u64;
        sink.push(&batch)?;
    }
    drop(stream.batches);
    let usage = (stream.usage)();
    Ok(Drained { rows, scanned: usage.map(|u| u.bytes), get_requests: usage.and_then(|u| u.get_requests), elapsed: started.elapsed() })
}

/// How long `close` may take on the way out before fathom exits anyway.
pub const CLOSE_DEADLINE: Duration = Duration::from_secs(5);

/// A test-only fault: `FATHOM_TEST_PANIC=<place>` makes `injected_panic(place)` panic, so
/// the tests can show what a panic there leaves behind (`query`: a query's task; `draw`:
/// drawing, once a tab holds the text `FATHOM_PANIC_NOW`). Debug builds only.
pub fn injected_panic(place: &str) {
    if panic_injected(place) {
        panic!("injected panic in {place} (FATHOM_TEST_PANIC)");
    }
}

/// True when the test-only fault is set for `place` (never in a release build).
pub fn panic_injected(place: &str) -> bool {
    cfg!(debug_assertions) && std::env::var("FATHOM_TEST_PANIC").is_ok_and(|p| p == place)
}
