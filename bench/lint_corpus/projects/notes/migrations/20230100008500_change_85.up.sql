INSERT OR IGNORE INTO attachments (id, title) VALUES (39, 'welcome');
