//! A saved query with its parameter values written in as SQL literals: the drill-down text
//! a person can paste into any console. Only for values fathom itself chose (a check's
//! `as_of`, header defaults); values a user types are bound by [`super::bind`], never inlined.

use crate::error::{FathomError, Result};
use crate::library::params::{ParamDecl, ParamType, ParamValue, placeholders};
use crate::sqltext::splice;

/// A value as an SQL literal that Athena (Trino) and DataFusion both read.
pub fn literal(v: &ParamValue) -> String {
    match v {
        ParamValue::Text(s) => format!("'{}'", s.replace('\'', "''")),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Float(f) => format!("{f:?}"),
        ParamValue::Date(d) => format!("DATE '{d}'"),
        ParamValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
    }
}

/// `sql` with every `:name` replaced by the literal of its value (from `given`, else the
/// declared default); a list becomes comma-separated literals.
pub fn inline(sql: &str, decls: &[ParamDecl], given: &[(String, String)]) -> Result<String> {
    let mut edits = Vec::new();
    for p in placeholders(sql)? {
        let decl = decls.iter().find(|d| d.name == p.name);
        let raw = given
            .iter()
            .rev()
            .find(|(k, _)| *k == p.name)
            .map(|(_, v)| v.clone())
            .or_else(|| decl.and_then(|d| d.default.clone()))
            .ok_or_else(|| FathomError::Param(format!("parameter :{} has no value to inline", p.name)))?;
        let ty = decl.map(|d| d.ty.clone()).unwrap_or_else(|| ParamType::infer(&raw));
        let values = ty.parse_value(&raw).map_err(|e| FathomError::Param(format!("parameter {}: {e}", p.name)))?;
        let text = values.iter().map(literal).collect::<Vec<_>>().join(", ");
        edits.push((p.start, p.end, text));
    }
    Ok(splice(sql, &edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_literals_and_strings_and_comments_stay() {
        let decls = vec![
            ParamDecl { name: "as_of".into(), ty: ParamType::Date, default: None },
            ParamDecl { name: "lag".into(), ty: ParamType::Int, default: Some("2".into()) },
            ParamDecl { name: "tol".into(), ty: ParamType::Float, default: Some("0.000001".into()) },
            ParamDecl { name: "ids".into(), ty: ParamType::parse("list<int>").unwrap(), default: Some("1,2".into()) },
        ];
        let sql = "SELECT ':as_of' WHERE d <= CAST(:as_of AS DATE) AND n > :lag AND x > :tol AND id IN (:ids) AND t = :who -- :lag";
        let got = inline(sql, &decls, &[("as_of".into(), "2024-12-31".into()), ("who".into(), "O'Neil".into())]).unwrap();
        assert_eq!(
            got,
            "SELECT ':as_of' WHERE d <= CAST(DATE '2024-12-31' AS DATE) AND n > 2 AND x > 1e-6 AND id IN (1, 2) AND t = 'O''Neil' -- :lag"
        );
        let err = inline("SELECT :missing", &[], &[]).unwrap_err().to_string();
        assert!(err.contains(":missing"), "{err}");
    }
}
