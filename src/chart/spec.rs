//! What to chart: the `-- chart:` line of a saved query's header
//! (`line x=trade_date y=adj_close,close series=ticker`) and the same choices from the
//! command line, where a flag overrides the header's value. A line may stack panes that
//! share the x axis: `line y=adj_close; bar y=volume`.

use super::error::ChartError;

/// How the values are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Line,
    /// Open/high/low/close bars, from columns named open, high, low, close (any case).
    Candle,
    /// One vertical bar per x (e.g. volume).
    Bar,
    /// A histogram of one numeric column.
    Hist,
}

impl ChartKind {
    pub fn parse(word: &str) -> Option<ChartKind> {
        match word.to_ascii_lowercase().as_str() {
            "line" => Some(ChartKind::Line),
            "candle" | "candles" | "ohlc" => Some(ChartKind::Candle),
            "bar" | "bars" => Some(ChartKind::Bar),
            "hist" | "histogram" => Some(ChartKind::Hist),
            _ => None,
        }
    }
}

/// Which columns make the chart. Empty fields mean "choose from the result": the first
/// date/timestamp column for x, every numeric column for y, no series key (wide data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartSpec {
    /// None: candles when the result has open/high/low/close columns, else lines.
    pub kind: Option<ChartKind>,
    pub x: Option<String>,
    pub y: Vec<String>,
    /// Long data: one series per distinct value of this column (e.g. `ticker`, `port_id`).
    pub series: Option<String>,
    /// Panes stacked below this one, sharing its x axis (`line y=adj_close; bar y=volume`).
    pub below: Vec<ChartSpec>,
}

const EXPECTED: &str = "expected a kind (line, candle, bar, hist) then key=value pairs (x=COL y=COL[,COL] series=COL)";

impl ChartSpec {
    /// Parses a header chart line: panes separated by `;`, each an optional kind and
    /// key=value pairs. Panes below the first share its x column unless they name one.
    pub fn parse(text: &str) -> Result<ChartSpec, ChartError> {
        let mut panes = text.split(';').map(|pane| Self::parse_pane(text, pane));
        let mut top = panes.next().unwrap_or_else(|| Ok(ChartSpec::default()))?;
        for pane in panes {
            let mut pane = pane?;
            if pane.x.is_none() {
                pane.x = top.x.clone();
            }
            top.below.push(pane);
        }
        Ok(top)
    }

    fn parse_pane(text: &str, pane: &str) -> Result<ChartSpec, ChartError> {
        let bad = |message: String| ChartError::Spec { spec: text.to_string(), message };
        let mut spec = ChartSpec::default();
        for (i, word) in pane.split_whitespace().enumerate() {
            let Some((key, value)) = word.split_once('=') else {
                match ChartKind::parse(word) {
                    Some(kind) if i == 0 => {
                        spec.kind = Some(kind);
                        continue;
                    }
                    _ => return Err(bad(format!("'{word}': {EXPECTED}"))),
                }
            };
            let value = value.trim();
            if value.is_empty() {
                return Err(bad(format!("'{key}=' has no column")));
            }
            match key {
                "x" => spec.x = Some(value.to_string()),
                "y" => spec.y = split_columns(value),
                "series" => spec.series = Some(value.to_string()),
                other => return Err(bad(format!("unknown key '{other}': expected x, y or series"))),
            }
        }
        Ok(spec)
    }

    /// The header's spec with each given flag replacing its part.
    pub fn with_overrides(mut self, x: Option<&str>, y: Option<&str>, series: Option<&str>) -> ChartSpec {
        if let Some(x) = x {
            self.x = Some(x.to_string());
        }
        if let Some(y) = y {
            self.y = split_columns(y);
        }
        if let Some(s) = series {
            self.series = Some(s.to_string());
        }
        self
    }

    /// The same spec drawn as `kind` (a `--kind` flag): one pane, the header's columns.
    pub fn with_kind(self, kind: ChartKind) -> ChartSpec {
        ChartSpec { kind: Some(kind), below: Vec::new(), ..self }
    }
}

fn split_columns(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_lines_of_the_saved_queries() {
        let s = ChartSpec::parse("line x=trade_date y=adj_close series=ticker").unwrap();
        assert_eq!(s.x.as_deref(), Some("trade_date"));
        assert_eq!(s.y, vec!["adj_close"]);
        assert_eq!(s.series.as_deref(), Some("ticker"));
        let s = ChartSpec::parse("y=close, x=d").unwrap();
        assert_eq!((s.y, s.x.as_deref()), (vec!["close".to_string()], Some("d")));
        let s = ChartSpec::parse("x=d y=a,b").unwrap();
        assert_eq!(s.y, vec!["a", "b"]);
        assert_eq!(ChartSpec::parse("").unwrap(), ChartSpec::default());
    }

    #[test]
    fn rejects_unknown_keys_and_words() {
        let e = ChartSpec::parse("line colour=red").unwrap_err().to_string();
        assert!(e.contains("unknown key 'colour'"), "{e}");
        let e = ChartSpec::parse("pie x=d").unwrap_err().to_string();
        assert!(e.contains("'pie'") && e.contains("line, candle, bar, hist"), "{e}");
        let e = ChartSpec::parse("line candle").unwrap_err().to_string();
        assert!(e.contains("'candle'"), "{e}");
        let e = ChartSpec::parse("line y=").unwrap_err().to_string();
        assert!(e.contains("no column"), "{e}");
    }

    #[test]
    fn kinds_and_stacked_panes_share_x() {
        let s = ChartSpec::parse("line x=trade_date y=adj_close; bar y=volume").unwrap();
        assert_eq!((s.kind, s.y.clone()), (Some(ChartKind::Line), vec!["adj_close".to_string()]));
        assert_eq!(s.below.len(), 1);
        assert_eq!(s.below[0].kind, Some(ChartKind::Bar));
        assert_eq!(s.below[0].x.as_deref(), Some("trade_date"), "the lower pane shares x");
        assert_eq!(ChartSpec::parse("candle").unwrap().kind, Some(ChartKind::Candle));
        assert_eq!(ChartSpec::parse("x=d").unwrap().kind, None);
        let one = s.with_kind(ChartKind::Hist);
        assert!(one.below.is_empty() && one.kind == Some(ChartKind::Hist));
    }

    #[test]
    fn flags_override_the_header() {
        let s = ChartSpec::parse("line x=trade_date y=adj_close").unwrap().with_overrides(None, Some("close,volume"), Some("ticker"));
        assert_eq!(s.x.as_deref(), Some("trade_date"));
        assert_eq!(s.y, vec!["close", "volume"]);
        assert_eq!(s.series.as_deref(), Some("ticker"));
    }
}
