ALTER TABLE v_orders ADD COLUMN version integer NOT NULL DEFAULT 0;
