-- name: Few small files per partition
-- description: tables with partitions holding more than max_small_files files under small_file_bytes (daily appends not yet compacted), from the $files metadata tables. Rows are per table (Athena's partition column is a row type that differs by table); list the partitions with SELECT partition, COUNT(*) FROM ns."table$files" GROUP BY partition.
-- engine: any
-- param: small_file_bytes int = 33554432
-- param: max_small_files int = 8
-- check: warn_above=0
-- tags: quality, health
WITH per_table AS (
SELECT 'market_data.us_stocks_price' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM market_data."us_stocks_price$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'market_data.kr_stocks_price' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM market_data."kr_stocks_price$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'portfolio.tb_nav' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM portfolio."tb_nav$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'portfolio.tb_rebalance' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM portfolio."tb_rebalance$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'analytics.tb_metrics' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM analytics."tb_metrics$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'analytics.tb_signals' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM analytics."tb_signals$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'reference.tb_macro_data' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM reference."tb_macro_data$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'reference.tb_meta' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM reference."tb_meta$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'reference.tb_calendar' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM reference."tb_calendar$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
UNION ALL
SELECT 'reference.tb_exchange_rates' AS table_name, COUNT(*) AS partitions_over, MAX(small_files) AS worst_small_files
FROM (SELECT partition, COUNT(*) AS small_files FROM reference."tb_exchange_rates$files"
      WHERE file_size_in_bytes < :small_file_bytes GROUP BY partition HAVING COUNT(*) > :max_small_files) p
)
SELECT table_name, partitions_over, worst_small_files
FROM per_table
WHERE partitions_over > 0
ORDER BY table_name
