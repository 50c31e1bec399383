DROP TABLE id_payments;
DROP TABLE id_addresses;
