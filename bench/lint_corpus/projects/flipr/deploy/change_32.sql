-- Deploy flipr:change_32 to pg

BEGIN;

ALTER TABLE f_payments VALIDATE CONSTRAINT f_payments_f_order_link_id_fkey;

COMMIT;
