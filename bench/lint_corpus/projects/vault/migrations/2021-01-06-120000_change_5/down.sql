DROP TABLE v_customers;
