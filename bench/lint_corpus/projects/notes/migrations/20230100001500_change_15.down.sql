DROP TABLE sync_log;
