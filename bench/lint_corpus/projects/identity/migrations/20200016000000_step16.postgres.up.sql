CREATE INDEX idx_id_shipments_created_at ON id_shipments (created_at);
