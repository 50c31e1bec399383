-- Deploy flipr:change_28 to pg

BEGIN;

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS f_shipments_set_updated_at ON f_shipments;
CREATE TRIGGER f_shipments_set_updated_at BEFORE UPDATE ON f_shipments FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMIT;
