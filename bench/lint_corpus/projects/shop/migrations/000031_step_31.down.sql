ALTER TABLE warehouses RENAME COLUMN new_currency TO currency;
