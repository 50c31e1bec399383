-- Not a Galera cluster: MyISAM and GET_LOCK are another rule's business, not this one's.
CREATE TABLE audit (at DATETIME, what TEXT) ENGINE=MyISAM;
DO GET_LOCK('batch', 10);
