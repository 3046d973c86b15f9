/**
 * Schema version 2: what hosts coordinate through: leases with fencing tokens, the work queue,
 * published events and waits, and the instance index.
 */
export const coordinationMigration = (s: string): string => `
CREATE TABLE ${s}.leases (
  key        text   PRIMARY KEY,
  owner      text,
  token      bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE ${s}.queue (
  instance_id text   PRIMARY KEY,
  due_at      bigint NOT NULL,
  owner       text,
  lease_until bigint,
  pending_due bigint
);
CREATE INDEX queue_unclaimed_due ON ${s}.queue (due_at, instance_id) WHERE owner IS NULL;
CREATE INDEX queue_claim_expiry ON ${s}.queue (lease_until) WHERE owner IS NOT NULL;
CREATE TABLE ${s}.external_events (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text   NOT NULL UNIQUE,
  name         text   NOT NULL,
  key          text   NOT NULL,
  data         json   NOT NULL,
  effective_at bigint NOT NULL,
  published_at bigint NOT NULL
);
CREATE INDEX external_events_lookup ON ${s}.external_events (name, key, effective_at, seq);
CREATE TABLE ${s}.subscriptions (
  instance_id   text    NOT NULL,
  pointer_id    integer NOT NULL,
  name          text    NOT NULL,
  key           text    NOT NULL,
  as_of         bigint  NOT NULL,
  seq           bigint  GENERATED ALWAYS AS IDENTITY,
  claim_token   text    UNIQUE,
  claim_worker  text,
  claim_expires bigint,
  PRIMARY KEY (instance_id, pointer_id)
);
CREATE INDEX subscriptions_lookup ON ${s}.subscriptions (name, key, seq);
CREATE TABLE ${s}.instances (
  instance_id        text    PRIMARY KEY,
  definition_id      text    NOT NULL,
  definition_version integer NOT NULL,
  reference          text,
  status             text    NOT NULL,
  created_at         bigint  NOT NULL,
  completed_at       bigint,
  version            integer NOT NULL
);
CREATE INDEX instances_status_age ON ${s}.instances (status, (coalesce(completed_at, created_at)));
CREATE INDEX instances_created ON ${s}.instances (created_at, instance_id);
CREATE INDEX instances_definition ON ${s}.instances (definition_id);
CREATE INDEX instances_reference ON ${s}.instances (reference) WHERE reference IS NOT NULL;
`;
