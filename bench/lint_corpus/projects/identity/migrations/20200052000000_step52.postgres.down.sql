ALTER TABLE id_refunds DROP COLUMN version;
