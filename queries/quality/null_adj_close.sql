-- name: No NULL adj_close in the last 7 days
-- description: price rows of the 7 days up to as_of whose adj_close is NULL
-- engine: any
-- param: as_of date = 2024-12-31
-- check: fail_above=0
-- tags: quality, nulls
SELECT 'market_data.us_stocks_price' AS table_name, meta_id, trade_date
FROM market_data.us_stocks_price
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '7' DAY AND trade_date <= CAST(:as_of AS DATE)
  AND adj_close IS NULL
UNION ALL
SELECT 'market_data.kr_stocks_price' AS table_name, meta_id, trade_date
FROM market_data.kr_stocks_price
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '7' DAY AND trade_date <= CAST(:as_of AS DATE)
  AND adj_close IS NULL
ORDER BY table_name, meta_id, trade_date
