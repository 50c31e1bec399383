ALTER TABLE users CHANGE name full_name VARCHAR(100);
