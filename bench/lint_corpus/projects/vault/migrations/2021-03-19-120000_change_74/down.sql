DROP TABLE v_notifications;
