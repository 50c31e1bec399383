DROP TABLE v_addresses;
