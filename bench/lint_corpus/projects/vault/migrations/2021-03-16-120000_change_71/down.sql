DROP INDEX idx_v_webhooks_locale;
