ALTER TABLE categories DROP COLUMN public_id;
ALTER TABLE tax_rates DROP COLUMN email;
