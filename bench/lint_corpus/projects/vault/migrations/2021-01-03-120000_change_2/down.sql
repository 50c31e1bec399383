DROP TABLE v_order_items;
