DROP TABLE v_invoices;
