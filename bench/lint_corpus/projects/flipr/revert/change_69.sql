-- Revert flipr:change_69 from pg

BEGIN;

DROP TABLE f_sessions;
DROP TABLE f_plans;
ALTER TABLE f_carts DROP CONSTRAINT f_carts_updated_at_check;

COMMIT;
