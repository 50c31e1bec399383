DROP TABLE id_audit_logs;
DROP TABLE id_api_keys;
