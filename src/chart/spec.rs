//! What to chart: the `-- chart:` line of a saved query's header
//! (`line x=trade_date y=adj_close,close series=ticker`) and the same choices from the
//! command line, where a flag overrides the header's value.

use super::error::ChartError;

/// Which columns make the chart. Empty fields mean "choose from the result": the first
/// date/timestamp column for x, every numeric column for y, no series key (wide data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartSpec {
    pub x: Option<String>,
    pub y: Vec<String>,
    /// Long data: one series per distinct value of this column (e.g. `ticker`, `port_id`).
    pub series: Option<String>,
}

impl ChartSpec {
    /// Parses a header chart line. Only `line` charts exist; the kind may be left out.
    pub fn parse(text: &str) -> Result<ChartSpec, ChartError> {
        let bad = |message: String| ChartError::Spec { spec: text.to_string(), message };
        let mut spec = ChartSpec::default();
        for (i, word) in text.split_whitespace().enumerate() {
            let Some((key, value)) = word.split_once('=') else {
                if i == 0 && word == "line" {
                    continue;
                }
                return Err(bad(format!("'{word}': expected `line` then key=value pairs (x=COL y=COL[,COL] series=COL)")));
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
        let e = ChartSpec::parse("bar x=d").unwrap_err().to_string();
        assert!(e.contains("'bar'"), "{e}");
        let e = ChartSpec::parse("line y=").unwrap_err().to_string();
        assert!(e.contains("no column"), "{e}");
    }

    #[test]
    fn flags_override_the_header() {
        let s = ChartSpec::parse("line x=trade_date y=adj_close").unwrap().with_overrides(None, Some("close,volume"), Some("ticker"));
        assert_eq!(s.x.as_deref(), Some("trade_date"));
        assert_eq!(s.y, vec!["close", "volume"]);
        assert_eq!(s.series.as_deref(), Some("ticker"));
    }
}
