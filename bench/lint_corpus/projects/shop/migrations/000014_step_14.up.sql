BEGIN;

ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_not_null_v CHECK (order_id IS NOT NULL) NOT VALID;
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_order_id_not_null_v;
COMMENT ON TABLE payments IS 'owned by the payments service';

COMMIT;
