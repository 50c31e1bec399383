ALTER VIEW totals RENAME TO order_totals;
