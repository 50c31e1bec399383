ALTER TABLE webhooks ADD COLUMN state text;
ALTER TABLE teams ALTER COLUMN slug TYPE varchar(120);
