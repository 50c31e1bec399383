DROP TRIGGER warehouses_set_updated_at ON warehouses;
