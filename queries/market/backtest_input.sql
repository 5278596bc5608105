-- name: Backtest input
-- description: adj_close for a list of US meta_ids since a date, ordered by date then meta_id
-- engine: any
-- param: meta_ids list<int> = 1,2,3,4,5
-- param: start_date date = 2024-01-01
-- chart: line x=trade_date y=adj_close series=meta_id
-- tags: market, backtest
SELECT trade_date, meta_id, adj_close
FROM market_data.us_stocks_price
WHERE meta_id IN (:meta_ids)
  AND trade_date >= :start_date
ORDER BY trade_date, meta_id
