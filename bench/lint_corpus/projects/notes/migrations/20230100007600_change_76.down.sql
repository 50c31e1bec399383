DROP TABLE devices_17;
