DROP TABLE sessions;
DROP TYPE order_state;
ALTER TABLE shipments DROP CONSTRAINT shipments_id_not_null_v;
