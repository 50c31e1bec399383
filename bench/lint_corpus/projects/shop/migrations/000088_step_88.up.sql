BEGIN;

ALTER TABLE tax_rates ADD CONSTRAINT tax_rates_created_at_not_null_v CHECK (created_at IS NOT NULL) NOT VALID;
ALTER TABLE tax_rates VALIDATE CONSTRAINT tax_rates_created_at_not_null_v;
ALTER TABLE memberships ADD COLUMN is_archived boolean NOT NULL DEFAULT true;

COMMIT;
