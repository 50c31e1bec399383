DROP TABLE suppliers;
DROP TABLE stock_levels;
