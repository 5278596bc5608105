//! `fathom chart`: run one query and print its chart as text (braille, or ASCII for logs,
//! tickets and TERM=dumb). The chart is the one the TUI's chart pane draws.

use crate::chart::{ChartKind, ChartSpec, ChartView, GlyphMode, ViewMode, chart_text_at};
use crate::config::Config;
use crate::error::{FathomError, Result};

use super::run_cmd::load_query;

#[derive(Debug, Clone)]
pub struct ChartArgs {
    pub query: String,
    pub params: Vec<String>,
    pub profile: Option<String>,
    pub width: u16,
    pub height: u16,
    pub ascii: bool,
    pub x: Option<String>,
    pub y: Option<String>,
    pub series: Option<String>,
    pub view: Option<String>,
    /// line | candle | bar | hist: replaces the header's kind (and its stacked panes).
    pub kind: Option<String>,
    /// A crosshair at this date (YYYY-MM-DD): its readout is printed under the chart.
    pub cursor: Option<String>,
    /// Run it without asking above `confirm_above_usd`, or without an estimate.
    pub yes: bool,
    /// Allow a run above `refuse_above_usd` up to this many dollars.
    pub max_cost: Option<f64>,
}

impl Default for ChartArgs {
    fn default() -> Self {
        ChartArgs {
            query: String::new(),
            params: Vec::new(),
            profile: None,
            width: 100,
            height: 30,
            ascii: false,
            x: None,
            y: None,
            series: None,
            view: None,
            kind: None,
            cursor: None,
            yes: false,
            max_cost: None,
        }
    }
}

/// ASCII when asked for, or when the terminal says it cannot show more (TERM=dumb).
pub fn glyphs(ascii: bool, term: Option<&str>) -> GlyphMode {
    if ascii || term == Some("dumb") { GlyphMode::Ascii } else { GlyphMode::Braille }
}

/// Runs the query and returns the chart text.
pub async fn run(config: &Config, args: &ChartArgs) -> Result<String> {
    let mode = match args.view.as_deref() {
        None => ViewMode::Raw,
        Some(v) => ViewMode::parse(v)
            .ok_or_else(|| FathomError::Other(format!("--view '{v}': expected raw, rebased, log or drawdown")))?,
    };
    let kind = match args.kind.as_deref() {
        None => None,
        Some(k) => Some(ChartKind::parse(k).ok_or_else(|| FathomError::Other(format!("--kind '{k}': expected line, candle, bar or hist")))?),
    };
    let cursor = args.cursor.as_deref().map(parse_cursor).transpose()?;
    let query = load_query(&args.query)?;
    let header_spec = match query.header.chart.as_deref() {
        Some(line) => ChartSpec::parse(line).map_err(|e| FathomError::Other(format!("the query's header: {e}")))?,
        None => ChartSpec::default(),
    };
    let spec = header_spec.with_overrides(args.x.as_deref(), args.y.as_deref(), args.series.as_deref());
    let spec = match kind {
        Some(kind) => spec.with_kind(kind),
        None => spec,
    };
    let allowance = crate::run::Allowance { yes: args.yes, max_cost: args.max_cost };
    let req = super::Request { query: &query, params: &args.params, profile: args.profile.as_deref(), write: false, allowance, no_cache: false };
    let cap = config.row_cap;
    let ran = super::run_query(config, req, |_| crate::engine::no_progress(), |schema| Ok(crate::run::sink::Capped::new(cap, schema.clone()))).await?;
    let truncated = ran.sink.truncated();
    let batches = ran.sink.batches;
    if truncated {
        eprintln!("fathom: charting the first {} rows only (row_cap in the config)", config.row_cap);
    }
    let term = std::env::var("TERM").ok();
    chart_text_at(&batches, &spec, &ChartView::with_mode(mode), glyphs(args.ascii, term.as_deref()), args.width, args.height, cursor)
        .map_err(|e| FathomError::Other(format!("cannot chart this result: {e}")))
}

/// `--cursor`: a date (YYYY-MM-DD), a timestamp (YYYY-MM-DD HH:MM[:SS]) or a number, as
/// the chart's x (seconds since the epoch for dates and timestamps).
pub fn parse_cursor(text: &str) -> Result<f64> {
    let t = text.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() as f64);
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(d.and_utc().timestamp() as f64);
        }
    }
    t.parse::<f64>().map_err(|_| FathomError::Other(format!("--cursor '{text}': expected a date like 2024-03-05 (or a timestamp or number on the x axis)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_when_asked_or_on_a_dumb_terminal() {
        assert_eq!(glyphs(true, Some("xterm-256color")), GlyphMode::Ascii);
        assert_eq!(glyphs(false, Some("dumb")), GlyphMode::Ascii);
        assert_eq!(glyphs(false, Some("xterm")), GlyphMode::Braille);
        assert_eq!(glyphs(false, None), GlyphMode::Braille);
    }

    #[test]
    fn cursor_dates_are_seconds_since_the_epoch() {
        assert_eq!(parse_cursor("1970-01-02").unwrap(), 86_400.0);
        assert_eq!(parse_cursor("1970-01-01 00:01").unwrap(), 60.0);
        assert_eq!(parse_cursor("2.5").unwrap(), 2.5);
        let e = parse_cursor("tuesday").unwrap_err().to_string();
        assert!(e.contains("--cursor 'tuesday'") && e.contains("2024-03-05"), "{e}");
    }
}
