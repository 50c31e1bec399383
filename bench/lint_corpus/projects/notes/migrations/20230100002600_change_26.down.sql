DROP TABLE notebooks_11;
