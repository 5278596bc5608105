-- name: No extreme daily returns
-- description: daily returns (adj_close over the previous row's) beyond ±max_abs_return in the 31 days up to as_of, between positive prices (non-positive prices are their own check). The lake has no flag column yet, so every such row is reported.
-- engine: any
-- param: as_of date = 2024-12-31
-- param: max_abs_return float = 0.5
-- check: fail_above=0
-- tags: quality, sanity
WITH prices AS (
  SELECT 'market_data.us_stocks_price' AS table_name, meta_id, trade_date, adj_close
  FROM market_data.us_stocks_price
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '45' DAY AND trade_date <= CAST(:as_of AS DATE)
  UNION ALL
  SELECT 'market_data.kr_stocks_price' AS table_name, meta_id, trade_date, adj_close
  FROM market_data.kr_stocks_price
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '45' DAY AND trade_date <= CAST(:as_of AS DATE)
), returns AS (
  SELECT table_name, meta_id, trade_date, adj_close,
         LAG(adj_close) OVER (PARTITION BY table_name, meta_id ORDER BY trade_date) AS prev_adj_close
  FROM prices
)
SELECT table_name, meta_id, trade_date, prev_adj_close, adj_close, adj_close / prev_adj_close - 1 AS daily_return
FROM returns
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY
  AND prev_adj_close > 0 AND adj_close > 0
  AND ABS(adj_close / prev_adj_close - 1) > :max_abs_return
ORDER BY table_name, trade_date, meta_id
