DROP TABLE v_subscriptions;
