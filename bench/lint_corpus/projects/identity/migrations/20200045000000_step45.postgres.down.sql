DROP TABLE id_stock_levels;
