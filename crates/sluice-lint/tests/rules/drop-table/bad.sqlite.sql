DROP TABLE legacy_orders;
