ALTER TABLE shipments DROP COLUMN api_key_link_id;
