ALTER TABLE id_order_items ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
