-- Deploy flipr:change_34 to pg

BEGIN;

ALTER TABLE f_orders VALIDATE CONSTRAINT f_orders_f_addresse_link_id_fkey;
ALTER TABLE f_categories ALTER COLUMN position TYPE bigint;

COMMIT;
