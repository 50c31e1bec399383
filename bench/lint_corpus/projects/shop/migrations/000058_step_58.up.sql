BEGIN;

ALTER TABLE shipments ADD COLUMN api_key_link_id bigint;
ALTER TABLE shipments ADD CONSTRAINT shipments_api_key_link_id_fkey FOREIGN KEY (api_key_link_id) REFERENCES api_keys (id) NOT VALID;

COMMIT;
