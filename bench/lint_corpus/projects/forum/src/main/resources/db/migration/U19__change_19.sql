DROP TABLE `uploads`;
DROP TABLE `notifications`;
