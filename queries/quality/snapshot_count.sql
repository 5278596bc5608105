-- name: Snapshots are expired
-- description: tables with more than max_snapshots snapshots, from the $snapshots metadata tables (operators expire snapshots older than 30 days; daily appends leave about 30)
-- engine: any
-- param: max_snapshots int = 45
-- check: warn_above=0
-- tags: quality, health
WITH per_table AS (
SELECT 'market_data.us_stocks_price' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM market_data."us_stocks_price$snapshots"
UNION ALL
SELECT 'market_data.kr_stocks_price' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM market_data."kr_stocks_price$snapshots"
UNION ALL
SELECT 'portfolio.tb_nav' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM portfolio."tb_nav$snapshots"
UNION ALL
SELECT 'portfolio.tb_rebalance' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM portfolio."tb_rebalance$snapshots"
UNION ALL
SELECT 'analytics.tb_metrics' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM analytics."tb_metrics$snapshots"
UNION ALL
SELECT 'analytics.tb_signals' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM analytics."tb_signals$snapshots"
UNION ALL
SELECT 'reference.tb_macro_data' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM reference."tb_macro_data$snapshots"
UNION ALL
SELECT 'reference.tb_meta' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM reference."tb_meta$snapshots"
UNION ALL
SELECT 'reference.tb_calendar' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM reference."tb_calendar$snapshots"
UNION ALL
SELECT 'reference.tb_exchange_rates' AS table_name, COUNT(*) AS snapshots, MIN(committed_at) AS oldest, MAX(committed_at) AS newest FROM reference."tb_exchange_rates$snapshots"
)
SELECT table_name, snapshots, oldest, newest
FROM per_table
WHERE snapshots > :max_snapshots
ORDER BY table_name
