-- Deploy flipr:change_41 to pg

BEGIN;

INSERT INTO f_payments (id) VALUES (6427) ON CONFLICT DO NOTHING;
ALTER TABLE f_invoices ALTER COLUMN email TYPE varchar(510);

COMMIT;
