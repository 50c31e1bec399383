DROP TABLE id_customers;
