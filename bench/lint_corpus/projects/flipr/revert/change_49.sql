-- Revert flipr:change_49 from pg

BEGIN;

DROP TABLE f_price_lists;

COMMIT;
