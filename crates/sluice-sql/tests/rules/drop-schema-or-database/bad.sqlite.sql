DROP SCHEMA reporting;
