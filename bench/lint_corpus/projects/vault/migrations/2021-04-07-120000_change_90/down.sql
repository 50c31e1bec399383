DROP TABLE v_sessions;
