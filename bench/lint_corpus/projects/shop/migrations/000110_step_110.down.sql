ALTER TABLE addresses ALTER COLUMN external_ref TYPE varchar(64);
