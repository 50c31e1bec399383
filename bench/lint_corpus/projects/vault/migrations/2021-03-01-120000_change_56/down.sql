DROP TABLE v_price_lists;
