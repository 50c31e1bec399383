INSERT OR IGNORE INTO sync_log (id, title) VALUES (44, 'welcome');
