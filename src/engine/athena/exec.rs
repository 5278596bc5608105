//! One Athena query's life: StartQueryExecution (with a ClientRequestToken, parameters as
//! ExecutionParameters), GetQueryExecution polled with backoff, StopQueryExecution when the
//! caller gives up (dropping the future stops the query on the server).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_athena::types::{
    QueryExecution, QueryExecutionContext, QueryExecutionState, ResultConfiguration, ResultReuseByAgeConfiguration,
    ResultReuseConfiguration,
};

use super::client::sdk_error;
use crate::config::AthenaProfile;
use crate::engine::{Progress, ProgressFn};
use crate::error::{FathomError, Result};
use crate::library::ParamValue;

/// How GetQueryExecution is polled: start at `initial`, grow by `factor`, never above `max`.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    pub initial: Duration,
    pub max: Duration,
    pub factor: f64,
}

impl Default for Poll {
    fn default() -> Self {
        Poll { initial: Duration::from_millis(100), max: Duration::from_secs(5), factor: 1.6 }
    }
}

impl Poll {
    /// The wait after `delay`.
    pub fn next(&self, delay: Duration) -> Duration {
        delay.mul_f64(self.factor).min(self.max)
    }
}

/// A parameter value as Athena's ExecutionParameters want it: a SQL literal, strings quoted
/// with embedded quotes doubled. Athena binds these server-side (EXECUTE ... USING); they are
/// never put into the query text.
pub fn literal(v: &ParamValue) -> Result<String> {
    Ok(match v {
        ParamValue::Text(s) => format!("'{}'", s.replace('\'', "''")),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) if f.is_finite() => {
            let s = f.to_string();
            if s.contains('.') { s } else { format!("{s}.0") }
        }
        ParamValue::Float(f) => {
            return Err(FathomError::Param(format!("parameter value {f} is not a finite number; Athena cannot bind it")));
        }
        ParamValue::Date(d) => format!("DATE '{}'", d.format("%Y-%m-%d")),
        ParamValue::Bool(b) => b.to_string(),
    })
}

/// The queries an engine has started and not yet seen finish, and the stops on their way to
/// the server. Each engine has one, so closing an engine stops exactly what it started.
pub struct Inflight {
    client: aws_sdk_athena::Client,
    ids: Mutex<Vec<String>>,
    stops: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// Set when the process lets go of its queries without stopping them (a hangup).
    detached: AtomicBool,
}

impl Inflight {
    pub fn new(client: &aws_sdk_athena::Client) -> Self {
        Inflight { client: client.clone(), ids: Mutex::default(), stops: Mutex::default(), detached: AtomicBool::new(false) }
    }

    fn add(&self, id: &str) {
        lock(&self.ids).push(id.to_string());
    }

    fn remove(&self, id: &str) {
        lock(&self.ids).retain(|i| i != id);
    }

    /// The queries still running, now let go of: dropping them no longer stops them, and
    /// `close` no longer knows them.
    pub fn detach(&self) -> Vec<String> {
        self.detached.store(true, Ordering::SeqCst);
        std::mem::take(&mut *lock(&self.ids))
    }

    /// Stops every query still running and waits for every stop sent so far, at most
    /// `deadline`; returns how many queries were running.
    pub async fn close(&self, deadline: Duration) -> usize {
        let ids = std::mem::take(&mut *lock(&self.ids));
        let n = ids.len();
        for id in ids {
            self.stop(id);
        }
        let stops: Vec<_> = std::mem::take(&mut *lock(&self.stops));
        let _ = tokio::time::timeout(deadline, futures::future::join_all(stops)).await;
        n
    }

    fn stop(&self, id: String) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
        let client = self.client.clone();
        let task = handle.spawn(async move {
            let _ = client.stop_query_execution().query_execution_id(id).send().await;
        });
        let mut stops = lock(&self.stops);
        stops.retain(|t| !t.is_finished());
        stops.push(task);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stops the query on the server if dropped before it finished (unless detached).
struct StopOnDrop {
    inflight: Arc<Inflight>,
    id: String,
    armed: bool,
}

impl StopOnDrop {
    fn new(inflight: &Arc<Inflight>, id: &str) -> Self {
        inflight.add(id);
        StopOnDrop { inflight: inflight.clone(), id: id.to_string(), armed: true }
    }

    /// The query reached a final state: nothing to stop.
    fn disarm(&mut self) {
        if self.armed {
            self.armed = false;
            self.inflight.remove(&self.id);
        }
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if !self.armed || self.inflight.detached.load(Ordering::SeqCst) {
            return;
        }
        self.inflight.remove(&self.id);
        self.inflight.stop(std::mem::take(&mut self.id));
    }
}

/// Starts `sql` and waits for it to finish, reporting QUEUED/RUNNING and statistics.
pub async fn run(
    inflight: &Arc<Inflight>,
    profile: &AthenaProfile,
    output_location: Option<&str>,
    sql: &str,
    params: &[ParamValue],
    poll: Poll,
    progress: &ProgressFn,
) -> Result<QueryExecution> {
    let client = &inflight.client;
    let token = uuid::Uuid::new_v4().to_string();
    let values = params.iter().map(literal).collect::<Result<Vec<_>>>()?;
    let reuse = profile.result_reuse_minutes.map(|m| {
        ResultReuseConfiguration::builder()
            .result_reuse_by_age_configuration(
                ResultReuseByAgeConfiguration::builder().enabled(true).max_age_in_minutes(m).build(),
            )
            .build()
    });
    let started = Instant::now();
    let out = client
        .start_query_execution()
        .query_string(sql)
        .client_request_token(&token)
        .work_group(&profile.workgroup)
        .query_execution_context(
            QueryExecutionContext::builder().catalog(&profile.catalog).database(&profile.database).build(),
        )
        .set_execution_parameters((!values.is_empty()).then_some(values))
        .set_result_configuration(
            output_location.map(|o| ResultConfiguration::builder().output_location(o).build()),
        )
        .set_result_reuse_configuration(reuse)
        .send()
        .await
        .map_err(|e| sdk_error("starting the Athena query", e))?;
    let id = out
        .query_execution_id()
        .ok_or_else(|| FathomError::Query("Athena started the query but returned no QueryExecutionId".into()))?
        .to_string();
    wait(inflight, &id, started, poll, progress).await
}

/// Polls query `id` (started by this process or an earlier one) until it finishes; dropping
/// the future stops it on the server unless the engine has been detached.
pub async fn wait(
    inflight: &Arc<Inflight>,
    id: &str,
    started: Instant,
    poll: Poll,
    progress: &ProgressFn,
) -> Result<QueryExecution> {
    let client = &inflight.client;
    let mut guard = StopOnDrop::new(inflight, id);
    let id = id.to_string();
    let mut delay = poll.initial;
    loop {
        let out = client
            .get_query_execution()
            .query_execution_id(&id)
            .send()
            .await
            .map_err(|e| sdk_error(&format!("checking Athena query {id}"), e))?;
        let qe = out
            .query_execution
            .ok_or_else(|| FathomError::Query(format!("Athena returned no status for query {id}")))?;
        let status = qe.status();
        let state = status.and_then(|s| s.state()).cloned().unwrap_or(QueryExecutionState::Queued);
        let stats = qe.statistics();
        progress(Progress {
            state: state.as_str().to_string(),
            query_id: Some(id.clone()),
            scanned_bytes: stats.and_then(|s| s.data_scanned_in_bytes()).map(|b| b.max(0) as u64),
            elapsed: started.elapsed(),
        });
        // A finished query needs no stop.
        if matches!(state, QueryExecutionState::Succeeded | QueryExecutionState::Failed | QueryExecutionState::Cancelled) {
            guard.disarm();
        }
        match state {
            QueryExecutionState::Succeeded => return Ok(qe),
            QueryExecutionState::Failed => {
                let reason = status.and_then(|s| s.state_change_reason()).unwrap_or("no reason given");
                return Err(FathomError::Query(format!("Athena query {id} FAILED: {reason}")));
            }
            QueryExecutionState::Cancelled => {
                let reason = status.and_then(|s| s.state_change_reason()).map(|r| format!(": {r}")).unwrap_or_default();
                return Err(FathomError::Query(format!("Athena query {id} was CANCELLED{reason}")));
            }
            _ => {}
        }
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn literals_quote_strings_and_double_embedded_quotes() {
        assert_eq!(literal(&ParamValue::Text("O'Brien".into())).unwrap(), "'O''Brien'");
        assert_eq!(literal(&ParamValue::Text("x'); DROP TABLE t; --".into())).unwrap(), "'x''); DROP TABLE t; --'");
        assert_eq!(literal(&ParamValue::Int(-7)).unwrap(), "-7");
        assert_eq!(literal(&ParamValue::Float(2.0)).unwrap(), "2.0");
        assert_eq!(literal(&ParamValue::Float(0.25)).unwrap(), "0.25");
        assert!(literal(&ParamValue::Float(f64::NAN)).is_err());
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(literal(&ParamValue::Date(d)).unwrap(), "DATE '2024-03-01'");
        assert_eq!(literal(&ParamValue::Bool(true)).unwrap(), "true");
    }

    #[test]
    fn polling_backs_off_to_the_cap() {
        let p = Poll::default();
        let mut d = p.initial;
        let mut waits = vec![d];
        for _ in 0..12 {
            d = p.next(d);
            waits.push(d);
        }
        assert_eq!(waits[0], Duration::from_millis(100));
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*waits.last().unwrap(), Duration::from_secs(5));
    }
}
