-- Virtual keys. Only the SHA-256 of a key is stored; key_name keeps its first and last characters for display.
CREATE TABLE virtual_keys (
  token_hash            TEXT PRIMARY KEY,
  key_name              TEXT NOT NULL,
  key_alias             TEXT UNIQUE,
  models                TEXT[] NOT NULL DEFAULT '{}',
  user_id               TEXT,
  team_id               TEXT,
  expires               TIMESTAMPTZ,
  blocked               BOOLEAN NOT NULL DEFAULT false,
  max_budget            DOUBLE PRECISION,
  budget_duration       TEXT,
  rpm_limit             INTEGER,
  tpm_limit             INTEGER,
  max_parallel_requests INTEGER,
  model_rpm_limit       JSONB NOT NULL DEFAULT '{}',
  model_tpm_limit       JSONB NOT NULL DEFAULT '{}',
  metadata              JSONB NOT NULL DEFAULT '{}',
  tags                  TEXT[] NOT NULL DEFAULT '{}',
  spend                 DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX virtual_keys_user ON virtual_keys (user_id);
CREATE INDEX virtual_keys_team ON virtual_keys (team_id);
