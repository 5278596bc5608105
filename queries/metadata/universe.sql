-- name: A portfolio's universe
-- description: the instruments of one portfolio, with ticker, name and sector
-- engine: postgres
-- param: port_id int = 1
-- tags: metadata, portfolio
SELECT u.port_id, m.meta_id, m.ticker, m.name, m.sector
FROM tb_universe u
JOIN tb_meta m USING (meta_id)
WHERE u.port_id = :port_id
ORDER BY m.meta_id
