ALTER TABLE webhooks ADD COLUMN state text;
UPDATE webhooks SET state = 'active' WHERE state IS NULL;
ALTER TABLE webhooks ALTER COLUMN state SET NOT NULL;
