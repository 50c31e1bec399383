DROP VIEW totals;
