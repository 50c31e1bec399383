-- Revert flipr:change_35 from pg

BEGIN;

CREATE TABLE f_orders (id bigint PRIMARY KEY);

COMMIT;
