DROP TABLE `bans`;
