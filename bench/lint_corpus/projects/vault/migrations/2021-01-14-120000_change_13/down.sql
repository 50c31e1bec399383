DROP TABLE v_payments;
