-- Revert flipr:change_12 from pg

BEGIN;

DROP TYPE order_state;
ALTER TABLE f_customers DROP COLUMN public_id;
DROP TABLE f_payments;

COMMIT;
