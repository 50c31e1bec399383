GRANT SELECT ON v_tax_rates TO reporting;
