-- Responses API answers the gateway produced by translation (providers without their own
-- /responses), kept so previous_response_id works on any provider. key_hash is the SHA-256 of the
-- virtual key that created the response (never the key), or 'master'; a row is found only with
-- that key, and only until expires_at (general_settings.responses_store_ttl), after which it is purged.
CREATE TABLE stored_responses (
  id           TEXT PRIMARY KEY,
  key_hash     TEXT NOT NULL,
  model        TEXT NOT NULL,
  input_items  JSONB NOT NULL,
  output_items JSONB NOT NULL,
  response     JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  -- Set for an OpenAI or Azure deployment's response: the provider keeps it, the row only says whose
  -- it is and where it lives (items and response stay empty); GET and DELETE go to that deployment.
  deployment_id TEXT
);
CREATE INDEX stored_responses_expires ON stored_responses (expires_at);
