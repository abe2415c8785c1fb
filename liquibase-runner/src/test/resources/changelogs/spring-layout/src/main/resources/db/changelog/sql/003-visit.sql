--liquibase formatted sql

--changeset petclinic:3
CREATE TABLE visit (
  id bigserial PRIMARY KEY,
  pet_id bigint NOT NULL REFERENCES pet (id),
  visit_date date NOT NULL DEFAULT CURRENT_DATE,
  description text
);
--rollback DROP TABLE visit;

--changeset petclinic:3b
CREATE INDEX visit_pet ON visit (pet_id);
