ALTER TABLE webhooks DROP COLUMN state;
