BEGIN;

ALTER TABLE tax_rates ADD COLUMN email varchar(255);
ALTER TABLE categories ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();

COMMIT;
