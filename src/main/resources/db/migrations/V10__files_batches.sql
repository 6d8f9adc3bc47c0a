-- Files and batches created through the gateway at an OpenAI or Azure deployment: whose they are
-- (key_hash: the SHA-256 of the virtual key, never the key, or 'master'), which model group and
-- deployment keep them (later calls go there), and the provider's last answer for the object. A row
-- is seen only by the key that created it and by the master key. For a batch, spend_recorded says
-- the poller has written its spend row (or found it ended without output): it is not polled again.
CREATE TABLE files_batches (
  kind           TEXT NOT NULL,
  id             TEXT NOT NULL,
  key_hash       TEXT NOT NULL,
  model          TEXT NOT NULL,
  deployment_id  TEXT NOT NULL,
  object         JSONB NOT NULL,
  status         TEXT,
  created_at     TIMESTAMPTZ NOT NULL,
  -- When the provider's object was last read: the poller checks the least recently read batches first.
  checked_at     TIMESTAMPTZ NOT NULL,
  spend_recorded BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (kind, id)
);
CREATE INDEX files_batches_owner ON files_batches (kind, key_hash, created_at DESC);
CREATE INDEX files_batches_unsettled ON files_batches (checked_at) WHERE kind = 'batch' AND NOT spend_recorded;
