DROP TRIGGER v_suppliers_set_updated_at ON v_suppliers;
