ALTER TABLE v_webhooks DROP COLUMN note;
