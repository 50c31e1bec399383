-- Deploy flipr:change_43 to pg

BEGIN;

INSERT INTO f_warehouses (id) VALUES (4846) ON CONFLICT DO NOTHING;
DROP FUNCTION IF EXISTS count_f_invoices(bigint);
CREATE FUNCTION count_f_invoices(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM f_invoices WHERE id > owner $$;

COMMIT;
