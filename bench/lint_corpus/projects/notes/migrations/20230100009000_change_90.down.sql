DROP TABLE sync_log_18;
