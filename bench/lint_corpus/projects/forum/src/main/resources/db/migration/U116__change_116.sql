DROP TABLE `reports_2`;
