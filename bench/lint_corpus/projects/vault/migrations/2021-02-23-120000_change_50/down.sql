DROP VIEW v_suppliers_summary;
