-- name: Last 30 days of one instrument
-- description: the last 30 calendar days of one US instrument's prices and returns
-- engine: any
-- param: meta_id int = 1
-- chart: line x=trade_date y=adj_close
-- tags: market, prices
SELECT trade_date, close, adj_close, gross_return, volume
FROM market_data.us_stocks_price
WHERE meta_id = :meta_id
  AND trade_date >= CURRENT_DATE - INTERVAL '30' DAY
ORDER BY trade_date
