DROP TABLE v_stock_levels;
