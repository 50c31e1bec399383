ALTER TABLE tags ADD COLUMN external_ref varchar(64);
