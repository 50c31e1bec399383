INSERT OR IGNORE INTO note_tags (id, title) VALUES (10, 'welcome');
