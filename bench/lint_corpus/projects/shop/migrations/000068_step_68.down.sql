REVOKE SELECT ON tax_rates FROM reporting;
