-- transaction: false
PRAGMA foreign_keys = OFF;
