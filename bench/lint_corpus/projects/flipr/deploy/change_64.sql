-- Deploy flipr:change_64 to pg

BEGIN;

DELETE FROM f_carts WHERE created_at < now() - interval '2 years';

COMMIT;
