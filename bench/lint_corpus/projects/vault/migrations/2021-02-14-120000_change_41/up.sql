ALTER TABLE v_refunds ADD COLUMN state text;
UPDATE v_refunds SET state = 'active' WHERE state IS NULL;
ALTER TABLE v_refunds ALTER COLUMN state SET NOT NULL;
