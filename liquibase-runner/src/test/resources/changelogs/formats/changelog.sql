--liquibase formatted sql

--changeset formats:sql-1
CREATE TABLE sql_made (code varchar(12) PRIMARY KEY);

--changeset formats:sql-2 context:postgresql
CREATE INDEX sql_made_lower ON sql_made (lower(code));

--changeset formats:sql-2 context:mysql
CREATE INDEX sql_made_lower ON sql_made ((lower(code)));
