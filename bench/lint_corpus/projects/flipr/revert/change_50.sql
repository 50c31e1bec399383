-- Revert flipr:change_50 from pg

BEGIN;

DROP INDEX CONCURRENTLY IF EXISTS f_categories_position_cidx;

COMMIT;
