DROP TABLE v_audit_logs;
