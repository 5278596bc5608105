//! Typed query parameters. SQL names them `:name`; binding turns each into the engine's
//! placeholder (`$1` or `?`) and a typed value. Values never enter the SQL text.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use datafusion::sql::sqlparser::tokenizer::Token;

use crate::error::{FathomError, Result};
use crate::sqltext::{splice, tokenize};

#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    Text,
    Int,
    Float,
    Date,
    Bool,
    /// A comma-separated list; `IN (:ids)` expands to one placeholder per element.
    List(Box<ParamType>),
    Choice(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Text(String),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl ParamValue {
    /// The value and its type, for messages: `'abc' (text)`.
    pub fn describe(&self) -> String {
        match self {
            ParamValue::Text(s) => format!("'{s}' (text)"),
            ParamValue::Int(i) => format!("{i} (int)"),
            ParamValue::Float(f) => format!("{f} (float)"),
            ParamValue::Date(d) => format!("{d} (date)"),
            ParamValue::Bool(b) => format!("{b} (bool)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    pub name: String,
    pub ty: ParamType,
    pub default: Option<String>,
}

/// How an engine spells a positional placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceholderStyle {
    /// `$1, $2, ...` (DataFusion, PostgreSQL).
    Dollar,
    /// `?` (Athena); one value per occurrence.
    Question,
}

/// SQL with placeholders and the values, in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub sql: String,
    pub values: Vec<ParamValue>,
}

impl ParamType {
    pub fn parse(s: &str) -> Option<ParamType> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        if let Some(inner) = lower.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            let inner = ParamType::parse(inner)?;
            return matches!(inner, ParamType::Text | ParamType::Int | ParamType::Float | ParamType::Date)
                .then(|| ParamType::List(Box::new(inner)));
        }
        if let Some(inner) = s.strip_prefix("choice(").and_then(|r| r.strip_suffix(')')) {
            let choices: Vec<String> =
                inner.split('|').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
            return (!choices.is_empty()).then_some(ParamType::Choice(choices));
        }
        Some(match lower.as_str() {
            "text" | "string" | "varchar" => ParamType::Text,
            "int" | "integer" | "bigint" => ParamType::Int,
            "float" | "double" => ParamType::Float,
            "date" => ParamType::Date,
            "bool" | "boolean" => ParamType::Bool,
            _ => return None,
        })
    }

    /// Parses a raw value; the error says what was expected.
    pub fn parse_value(&self, raw: &str) -> std::result::Result<Vec<ParamValue>, String> {
        let raw = raw.trim();
        let one = |v| Ok(vec![v]);
        match self {
            ParamType::Text => one(ParamValue::Text(raw.to_string())),
            ParamType::Int => raw
                .parse()
                .map(|v| vec![ParamValue::Int(v)])
                .map_err(|_| format!("'{raw}' is not an integer")),
            ParamType::Float => raw
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| vec![ParamValue::Float(v)])
                .ok_or_else(|| format!("'{raw}' is not a number")),
            ParamType::Date => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|d| vec![ParamValue::Date(d)])
                .map_err(|_| format!("'{raw}' is not a date (expected YYYY-MM-DD)")),
            ParamType::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" | "t" | "yes" | "1" => one(ParamValue::Bool(true)),
                "false" | "f" | "no" | "0" => one(ParamValue::Bool(false)),
                _ => Err(format!("'{raw}' is not a boolean (true or false)")),
            },
            ParamType::Choice(choices) => {
                if choices.iter().any(|c| c == raw) {
                    one(ParamValue::Text(raw.to_string()))
                } else {
                    Err(format!("'{raw}' is not one of {}", choices.join(", ")))
                }
            }
            ParamType::List(inner) => {
                let mut out = Vec::new();
                for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    out.extend(inner.parse_value(item)?);
                }
                if out.is_empty() {
                    return Err("the list is empty (expected comma-separated values)".into());
                }
                Ok(out)
            }
        }
    }

    /// The type of an undeclared parameter, guessed from its text.
    pub(crate) fn infer(raw: &str) -> ParamType {
        let raw = raw.trim();
        if raw.parse::<i64>().is_ok_and(|i| i.to_string() == raw) {
            ParamType::Int
        } else if raw.parse::<f64>().is_ok() && !raw.starts_with('0') {
            ParamType::Float
        } else if NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_ok() {
            ParamType::Date
        } else {
            ParamType::Text
        }
    }
}

/// A `:name` placeholder in SQL text.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    pub name: String,
    /// Alone inside `IN ( … )`: an undeclared value there is a comma-separated list.
    pub in_list: bool,
}

/// The `:name` placeholders of `sql`, outside strings and comments.
pub fn placeholders(sql: &str) -> Result<Vec<Placeholder>> {
    let toks = tokenize(sql)?;
    let sig: Vec<usize> = (0..toks.len()).filter(|&i| !crate::sqltext::is_trivia(&toks[i].token)).collect();
    let mut out = Vec::new();
    for (k, pair) in sig.windows(2).enumerate() {
        let (a, b) = (&toks[pair[0]], &toks[pair[1]]);
        if let (Token::Colon, Token::Word(w)) = (&a.token, &b.token)
            && w.quote_style.is_none() && a.end == b.start {
                let before = |n: usize| k.checked_sub(n).map(|j| &toks[sig[j]].token);
                let after = sig.get(k + 2).map(|&j| &toks[j].token);
                let in_list = matches!(before(1), Some(Token::LParen))
                    && before(2).is_some_and(|t| crate::sqltext::is_keyword(t, "in"))
                    && matches!(after, Some(Token::RParen));
                out.push(Placeholder { start: a.start, end: b.end, name: w.value.clone(), in_list });
            }
    }
    Ok(out)
}

/// Binds `given` (`--param k=v`) and declared defaults to the `:name` placeholders of `sql`.
pub fn bind(
    sql: &str,
    decls: &[ParamDecl],
    given: &[(String, String)],
    style: PlaceholderStyle,
) -> Result<Bound> {
    let found = placeholders(sql)?;
    let used: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
    for (name, _) in given {
        if !used.contains(&name.as_str()) && !decls.iter().any(|d| &d.name == name) {
            let mut known: Vec<&str> = used.clone();
            known.extend(decls.iter().map(|d| d.name.as_str()));
            known.sort();
            known.dedup();
            let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
            return Err(FathomError::Param(format!(
                "unknown parameter '{name}': this query's parameters are: {known}"
            )));
        }
    }
    let mut values_by_name: BTreeMap<&str, Vec<ParamValue>> = BTreeMap::new();
    for name in &used {
        if values_by_name.contains_key(name) {
            continue;
        }
        let decl = decls.iter().find(|d| d.name == *name);
        let raw = given
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| decl.and_then(|d| d.default.clone()))
            .ok_or_else(|| {
                FathomError::Param(format!("parameter :{name} has no value; pass --param {name}=VALUE"))
            })?;
        let in_list = found.iter().filter(|p| p.name == *name).all(|p| p.in_list);
        let ty = match decl {
            Some(d) => d.ty.clone(),
            None if in_list => {
                let first = raw.split(',').map(str::trim).find(|s| !s.is_empty()).unwrap_or("");
                ParamType::List(Box::new(ParamType::infer(first)))
            }
            None => ParamType::infer(&raw),
        };
        let vals = ty
            .parse_value(&raw)
            .map_err(|e| FathomError::Param(format!("parameter {name}: {e}")))?;
        values_by_name.insert(name, vals);
    }
    let mut values = Vec::new();
    let mut edits = Vec::new();
    for Placeholder { start, end, name, .. } in &found {
        let vals = &values_by_name[name.as_str()];
        let first = values.len() + 1;
        values.extend(vals.iter().cloned());
        // One placeholder per occurrence: engines type each use on its own.
        let text = (first..first + vals.len())
            .map(|n| match style {
                PlaceholderStyle::Dollar => format!("${n}"),
                PlaceholderStyle::Question => "?".to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        edits.push((*start, *end, text));
    }
    Ok(Bound { sql: splice(sql, &edits), values })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(name: &str, ty: &str, default: Option<&str>) -> ParamDecl {
        ParamDecl { name: name.into(), ty: ParamType::parse(ty).unwrap(), default: default.map(Into::into) }
    }

    #[test]
    fn binds_names_to_numbered_placeholders_and_leaves_strings_alone() {
        let sql = "SELECT ':ticker', x::int FROM t WHERE a = :ticker AND d >= :since -- :ticker\n AND b = :ticker";
        let b = bind(sql, &[decl("since", "date", Some("2024-01-01"))], &[("ticker".into(), "O'Reilly".into())], PlaceholderStyle::Dollar).unwrap();
        assert_eq!(b.sql, "SELECT ':ticker', x::int FROM t WHERE a = $1 AND d >= $2 -- :ticker\n AND b = $3");
        let t = ParamValue::Text("O'Reilly".into());
        assert_eq!(b.values, vec![t.clone(), ParamValue::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()), t]);
    }

    #[test]
    fn lists_expand_and_question_style_repeats_values() {
        let b = bind("SELECT * FROM t WHERE id IN (:ids) OR id = :one OR id = :one", &[decl("ids", "list<int>", None)],
            &[("ids".into(), "1, 2,3".into()), ("one".into(), "7".into())], PlaceholderStyle::Question).unwrap();
        assert_eq!(b.sql, "SELECT * FROM t WHERE id IN (?, ?, ?) OR id = ? OR id = ?");
        assert_eq!(b.values.len(), 5);
        assert_eq!(b.values[3], ParamValue::Int(7));
    }

    #[test]
    fn undeclared_values_inside_in_lists_are_lists() {
        let b = bind("SELECT 1 WHERE t IN ( :t ) AND x = :x", &[], &[("t".into(), "AAPL, O'Neil,X".into()), ("x".into(), "a,b".into())], PlaceholderStyle::Dollar).unwrap();
        assert_eq!(b.sql, "SELECT 1 WHERE t IN ( $1, $2, $3 ) AND x = $4");
        assert_eq!(b.values[1], ParamValue::Text("O'Neil".into()));
        assert_eq!(b.values[3], ParamValue::Text("a,b".into()));
    }

    #[test]
    fn bad_input_is_named() {
        let e = bind("SELECT :a", &[], &[("b".into(), "1".into()), ("a".into(), "1".into())], PlaceholderStyle::Dollar).unwrap_err().to_string();
        assert!(e.contains("unknown parameter 'b'") && e.contains("a"), "{e}");
        let e = bind("SELECT :a", &[], &[], PlaceholderStyle::Dollar).unwrap_err().to_string();
        assert!(e.contains("--param a=VALUE"), "{e}");
        let e = bind("SELECT :d", &[decl("d", "date", None)], &[("d".into(), "yesterday".into())], PlaceholderStyle::Dollar).unwrap_err().to_string();
        assert!(e.contains("parameter d: 'yesterday' is not a date"), "{e}");
        let e = bind("SELECT :m", &[decl("m", "choice(US|KR)", None)], &[("m".into(), "JP".into())], PlaceholderStyle::Dollar).unwrap_err().to_string();
        assert!(e.contains("not one of US, KR"), "{e}");
    }
}
