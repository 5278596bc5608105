-- name: Full scan (expensive on purpose)
-- description: the designers' bad example: every partition, every column of the US price table
-- engine: any
-- param: meta_id int = 123
-- tags: cost, example
SELECT * FROM market_data.us_stocks_price WHERE meta_id = :meta_id
