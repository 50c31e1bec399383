DROP INDEX CONCURRENTLY IF EXISTS refunds_shipment_id_cidx;
