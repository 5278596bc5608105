-- name: No zero or negative prices
-- description: price rows of the 31 days up to as_of with close or adj_close at or below zero
-- engine: any
-- param: as_of date = 2024-12-31
-- check: fail_above=0
-- tags: quality, sanity
SELECT 'market_data.us_stocks_price' AS table_name, meta_id, trade_date, close, adj_close
FROM market_data.us_stocks_price
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
  AND (close <= 0 OR adj_close <= 0)
UNION ALL
SELECT 'market_data.kr_stocks_price' AS table_name, meta_id, trade_date, close, adj_close
FROM market_data.kr_stocks_price
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
  AND (close <= 0 OR adj_close <= 0)
ORDER BY table_name, trade_date, meta_id
