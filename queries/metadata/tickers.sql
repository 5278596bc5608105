-- name: Tickers
-- description: tickers, names and sectors from the PostgreSQL metadata (tb_meta); sector '%' for all
-- engine: postgres
-- param: sector text = %
-- tags: metadata
SELECT meta_id, ticker, name, sector, iso_code
FROM tb_meta
WHERE sector LIKE :sector
ORDER BY meta_id
