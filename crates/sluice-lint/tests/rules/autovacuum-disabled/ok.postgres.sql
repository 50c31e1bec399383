ALTER TABLE t SET (fillfactor = 90);
