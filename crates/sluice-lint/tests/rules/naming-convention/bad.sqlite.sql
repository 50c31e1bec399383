CREATE TABLE "Orders" ("Id" int);
