DROP TABLE id_refunds;
