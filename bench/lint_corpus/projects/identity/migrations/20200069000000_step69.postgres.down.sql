DROP TABLE id_notifications;
