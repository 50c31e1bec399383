-- Revert flipr:change_20 from pg

BEGIN;

DROP INDEX CONCURRENTLY IF EXISTS f_categories_state_key;

COMMIT;
