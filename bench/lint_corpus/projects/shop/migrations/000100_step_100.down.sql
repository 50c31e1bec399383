ALTER TABLE stock_levels DROP COLUMN archived_at;
