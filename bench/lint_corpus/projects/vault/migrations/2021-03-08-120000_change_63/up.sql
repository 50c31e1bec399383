ALTER TABLE v_cart_items ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
