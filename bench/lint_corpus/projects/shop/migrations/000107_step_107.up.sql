CREATE INDEX CONCURRENTLY IF NOT EXISTS refunds_shipment_id_cidx ON refunds (shipment_id);
