-- name: Macro series
-- description: one FRED series from the macro table
-- engine: any
-- param: series text = DGS10
-- param: start_date date = 2024-01-01
-- chart: line x=base_date y=value
-- tags: reference, macro
SELECT base_date, value
FROM reference.tb_macro_data
WHERE fred_series_id = :series
  AND base_date >= :start_date
ORDER BY base_date
