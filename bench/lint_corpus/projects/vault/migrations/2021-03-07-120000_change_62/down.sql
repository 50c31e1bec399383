DROP TABLE v_webhooks;
