-- name: Price keys are unique
-- description: (meta_id, trade_date) keys that occur more than once in a price table, over the 31 days up to as_of
-- engine: any
-- param: as_of date = 2024-12-31
-- check: fail_above=0
-- tags: quality, duplicates
SELECT 'market_data.us_stocks_price' AS table_name, meta_id, trade_date, COUNT(*) AS copies
FROM market_data.us_stocks_price
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
GROUP BY meta_id, trade_date
HAVING COUNT(*) > 1
UNION ALL
SELECT 'market_data.kr_stocks_price' AS table_name, meta_id, trade_date, COUNT(*) AS copies
FROM market_data.kr_stocks_price
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
GROUP BY meta_id, trade_date
HAVING COUNT(*) > 1
ORDER BY table_name, trade_date, meta_id
