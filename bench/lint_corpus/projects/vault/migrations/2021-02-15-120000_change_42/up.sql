CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS v_products_archive_set_updated_at ON v_products_archive;
CREATE TRIGGER v_products_archive_set_updated_at BEFORE UPDATE ON v_products_archive FOR EACH ROW EXECUTE FUNCTION set_updated_at();
