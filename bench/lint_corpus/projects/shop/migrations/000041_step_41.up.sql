ALTER TABLE tax_rates VALIDATE CONSTRAINT tax_rates_refund_link_id_fkey;
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
CREATE INDEX idx_coupons_addresse_id ON coupons (addresse_id);
