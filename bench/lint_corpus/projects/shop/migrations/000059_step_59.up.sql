BEGIN;

ALTER TABLE shipments VALIDATE CONSTRAINT shipments_api_key_link_id_fkey;

COMMIT;
