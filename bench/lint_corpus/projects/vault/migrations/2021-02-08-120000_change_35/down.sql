DROP TABLE v_refunds;
