ALTER TABLE id_refunds ADD COLUMN version integer NOT NULL DEFAULT 0;
