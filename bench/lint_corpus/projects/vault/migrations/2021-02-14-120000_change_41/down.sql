ALTER TABLE v_refunds DROP COLUMN state;
