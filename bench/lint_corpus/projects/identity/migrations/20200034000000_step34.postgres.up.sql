ALTER TABLE id_products DROP COLUMN external_ref;
ALTER TABLE id_carts ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE id_invoices ADD COLUMN retries integer NOT NULL DEFAULT 0;
