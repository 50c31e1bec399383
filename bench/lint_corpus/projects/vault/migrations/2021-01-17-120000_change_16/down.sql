ALTER TABLE v_orders DROP COLUMN version;
