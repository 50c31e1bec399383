BEGIN;

ALTER TABLE order_items ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE payments ADD COLUMN currency char(3);

COMMIT;
