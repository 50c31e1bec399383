-- Revert flipr:change_25 from pg

BEGIN;

DROP TABLE f_cart_items;

COMMIT;
