DROP TRIGGER addresses_set_updated_at ON addresses;
