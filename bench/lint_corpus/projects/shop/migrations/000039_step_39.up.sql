BEGIN;

ALTER TABLE order_items ADD COLUMN public_id_2 uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE invoices ADD COLUMN retries integer NOT NULL DEFAULT 0;

COMMIT;
