ALTER TABLE settings ALTER COLUMN priority TYPE smallint;
