ALTER TABLE id_payments RENAME TO id_payments_archive;
