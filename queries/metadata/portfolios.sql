-- name: Portfolios with their strategy
-- description: every portfolio, its strategy and how many instruments its universe holds
-- engine: postgres
-- tags: metadata, portfolio
SELECT p.port_id, p.port_name, s.strategy, s.strategy_name, count(u.meta_id) AS members
FROM tb_portfolio p
JOIN tb_strategy s USING (strategy_id)
LEFT JOIN tb_universe u USING (port_id)
GROUP BY p.port_id, p.port_name, s.strategy, s.strategy_name
ORDER BY p.port_id
