ALTER TABLE v_webhooks ADD COLUMN note text;
