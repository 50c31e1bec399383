DROP TABLE v_shipments;
