CREATE TABLE c (id bigint PRIMARY KEY, p bigint, FOREIGN KEY (p) REFERENCES parents (id));
CREATE INDEX c_p_idx ON c (p);
