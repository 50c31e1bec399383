DROP TABLE id_shipments;
