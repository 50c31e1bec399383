DROP VIEW v_addresses_summary;
