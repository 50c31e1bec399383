CREATE INDEX idx_v_webhooks_locale ON v_webhooks (locale);
