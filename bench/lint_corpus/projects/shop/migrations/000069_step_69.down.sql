ALTER TABLE stock_levels DROP COLUMN is_archived;
