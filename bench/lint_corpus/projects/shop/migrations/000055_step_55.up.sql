BEGIN;

ALTER TABLE shipments VALIDATE CONSTRAINT shipments_id_not_null;

COMMIT;
