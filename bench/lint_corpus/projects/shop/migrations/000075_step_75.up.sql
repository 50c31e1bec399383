ALTER TABLE tags DROP COLUMN external_ref;
