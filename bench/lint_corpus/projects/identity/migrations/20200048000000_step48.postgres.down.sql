ALTER TABLE id_stock_levels ALTER COLUMN priority TYPE smallint;
DROP TABLE id_price_lists;
