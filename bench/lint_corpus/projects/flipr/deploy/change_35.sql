-- Deploy flipr:change_35 to pg

BEGIN;

DROP TABLE f_orders;

COMMIT;
