//! The PostgreSQL saved questions (`queries/metadata/`, lake-spec question 10) run by the real
//! binary against the demo metadata, checked against the tables queried directly.

mod common;

use std::collections::BTreeMap;

use common::pg::{admin, pg_home, pg_url};
use serde_json::{Map, Value};

fn json_rows(home: &common::Home, args: &[&str]) -> Vec<Map<String, Value>> {
    let out = home.cmd().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_questions_answer_from_postgres() {
    let Some(url) = pg_url() else { return };
    // its own database, so the demo test in tests/postgres.rs cannot race with this one
    let pool = admin(&url).await;
    let db_url = {
        let _ = sqlx::raw_sql("DROP DATABASE IF EXISTS fathom_test_queries WITH (FORCE)").execute(&pool).await;
        sqlx::raw_sql("CREATE DATABASE fathom_test_queries").execute(&pool).await.unwrap();
        let base = url.rsplit_once('/').unwrap().0;
        format!("{base}/fathom_test_queries")
    };
    let home = pg_home("queries", &db_url, "");
    let out = home.cmd().args(["demo", "--postgres", &db_url, "--scale", "small", "--as-of", common::AS_OF]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = admin(&db_url).await;

    let run = |q: &str, params: &[&str]| {
        let mut args = vec!["run", "--profile", "pg", "--format", "json", q];
        args.extend_from_slice(params);
        json_rows(&home, &args)
    };

    let all = run("queries/metadata/tickers.sql", &[]);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tb_meta").fetch_one(&db).await.unwrap();
    assert_eq!(all.len() as i64, n);
    let sector = all[0]["sector"].as_str().unwrap().to_string();
    let some = run("queries/metadata/tickers.sql", &["-p", &format!("sector={sector}")]);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tb_meta WHERE sector = $1").bind(&sector).fetch_one(&db).await.unwrap();
    assert_eq!(some.len() as i64, n);
    assert!(some.iter().all(|r| r["sector"] == sector.as_str()));

    let ports = run("queries/metadata/portfolios.sql", &[]);
    let members: BTreeMap<i64, i64> = sqlx::query_as::<_, (i32, i64)>("SELECT port_id, count(*) FROM tb_universe GROUP BY port_id")
        .fetch_all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|(p, n)| (p as i64, n))
        .collect();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tb_portfolio").fetch_one(&db).await.unwrap();
    assert_eq!(ports.len() as i64, n);
    for p in &ports {
        let id = p["port_id"].as_i64().unwrap();
        assert_eq!(p["members"].as_i64().unwrap(), members.get(&id).copied().unwrap_or(0), "port {id}");
        assert!(!p["strategy_name"].as_str().unwrap().is_empty());
    }

    let port = ports.last().unwrap()["port_id"].as_i64().unwrap().to_string();
    let uni = run("queries/metadata/universe.sql", &["-p", &format!("port_id={port}")]);
    assert_eq!(uni.len() as i64, members[&port.parse::<i64>().unwrap()]);
    let ids: Vec<i64> = uni.iter().map(|r| r["meta_id"].as_i64().unwrap()).collect();
    let want: Vec<i32> = sqlx::query_scalar("SELECT meta_id FROM tb_universe WHERE port_id = $1 ORDER BY meta_id")
        .bind(port.parse::<i32>().unwrap())
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(ids, want.into_iter().map(i64::from).collect::<Vec<_>>());

    // a postgres question on the local profile is refused with a way forward
    let err = home.fails(&["run", "queries/metadata/portfolios.sql"]);
    assert!(err.contains("postgres") && err.contains("--profile"), "{err}");
    db.close().await;
}
