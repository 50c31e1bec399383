ALTER TABLE id_payments_archive RENAME TO id_payments;
