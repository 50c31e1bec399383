BEGIN;

COMMENT ON TABLE warehouses IS 'owned by the warehouses service';

COMMIT;
