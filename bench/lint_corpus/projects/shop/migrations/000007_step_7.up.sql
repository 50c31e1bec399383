GRANT SELECT ON categories TO reporting;
