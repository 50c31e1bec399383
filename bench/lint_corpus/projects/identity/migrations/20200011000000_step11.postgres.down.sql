DROP FUNCTION count_id_customers(bigint);
DROP TABLE id_invoices;
