-- name: Pruned scan (cheap)
-- description: the designers' good example: one month partition, two columns
-- engine: any
-- param: meta_id int = 123
-- param: month_start date = 2024-11-01
-- param: month_end date = 2024-12-01
-- tags: cost, example
SELECT trade_date, adj_close FROM market_data.us_stocks_price
WHERE trade_date >= :month_start AND trade_date < :month_end AND meta_id = :meta_id
