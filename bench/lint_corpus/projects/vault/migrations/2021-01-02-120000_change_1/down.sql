DROP TABLE v_orders;
