/**
 * Schema version 4: audit. Head signatures on the events they sign, the events table append-only
 * (a trigger refuses UPDATE, and DELETE unless the transaction set `wfe.purge` = 'on': wfe's purge,
 * the one privileged path), and a tombstone per purged stream (last version and hash, who, why, when).
 */
export const auditMigration = (s: string): string => `
ALTER TABLE ${s}.events ADD COLUMN signature text;
CREATE TABLE ${s}.tombstones (
  stream_id    text    COLLATE "C" NOT NULL,
  last_version integer NOT NULL,
  last_hash    text    NOT NULL,
  actor        text,
  reason       text,
  purged_at    bigint  NOT NULL,
  PRIMARY KEY (stream_id, last_version)
);
CREATE FUNCTION ${s}.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('wfe.purge', true) = 'on' THEN RETURN OLD; END IF;
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'wfe: events are append-only (DELETE refused: purge through wfe)'; END IF;
  RAISE EXCEPTION 'wfe: events are append-only (UPDATE refused)';
END
$fn$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${s}.events
  FOR EACH ROW EXECUTE FUNCTION ${s}.events_append_only();
`;
