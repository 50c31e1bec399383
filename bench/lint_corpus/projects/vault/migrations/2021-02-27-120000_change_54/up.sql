CREATE INDEX idx_v_addresses_updated_at ON v_addresses (updated_at);
