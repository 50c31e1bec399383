DROP TABLE v_tax_rates;
