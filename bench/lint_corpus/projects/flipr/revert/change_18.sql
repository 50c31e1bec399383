-- Revert flipr:change_18 from pg

BEGIN;

ALTER TABLE f_customers ADD COLUMN status varchar(32);

COMMIT;
