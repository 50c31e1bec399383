ALTER TABLE memberships DROP COLUMN is_archived;
ALTER TABLE tax_rates DROP CONSTRAINT tax_rates_created_at_not_null_v;
