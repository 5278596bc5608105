//! The SQL keywords completion offers everywhere (upper case, as the editor highlights them).

/// Keywords common to Trino/Athena, DataFusion and PostgreSQL.
pub const KEYWORDS: &[&str] = &[
    "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "JOIN", "LEFT JOIN", "RIGHT JOIN",
    "INNER JOIN", "FULL OUTER JOIN", "CROSS JOIN", "ON", "USING", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE",
    "ILIKE", "BETWEEN", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END", "DISTINCT", "ALL", "UNION", "UNION ALL",
    "INTERSECT", "EXCEPT", "WITH", "OVER", "PARTITION BY", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "CURRENT ROW",
    "UNBOUNDED", "ASC", "DESC", "NULLS FIRST", "NULLS LAST", "CAST", "TRUE", "FALSE", "INTERVAL", "DATE", "TIMESTAMP",
    "VALUES", "FILTER", "WINDOW", "QUALIFY", "LATERAL", "UNNEST", "EXPLAIN", "DESCRIBE", "SHOW", "FOR TIMESTAMP AS OF",
    "FOR VERSION AS OF",
];
