REVOKE SELECT ON v_tax_rates FROM reporting;
