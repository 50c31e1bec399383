ALTER TABLE webhooks ALTER COLUMN priority TYPE smallint;
