-- Deploy flipr:change_10 to pg

BEGIN;

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS f_order_items_set_updated_at ON f_order_items;
CREATE TRIGGER f_order_items_set_updated_at BEFORE UPDATE ON f_order_items FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMIT;
