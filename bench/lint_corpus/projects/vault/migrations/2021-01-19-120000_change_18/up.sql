ALTER TABLE v_orders ADD COLUMN slug varchar(120);
