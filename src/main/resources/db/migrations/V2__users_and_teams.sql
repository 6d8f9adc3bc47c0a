-- Users and teams. A key's effective models are what its own list, its team's and its user's all allow.
CREATE TABLE users (
  user_id               TEXT PRIMARY KEY,
  user_alias            TEXT,
  user_email            TEXT,
  user_role             TEXT,
  models                TEXT[] NOT NULL DEFAULT '{}',
  max_budget            DOUBLE PRECISION,
  budget_duration       TEXT,
  rpm_limit             INTEGER,
  tpm_limit             INTEGER,
  max_parallel_requests INTEGER,
  metadata              JSONB NOT NULL DEFAULT '{}',
  spend                 DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE teams (
  team_id               TEXT PRIMARY KEY,
  team_alias            TEXT,
  models                TEXT[] NOT NULL DEFAULT '{}',
  members_with_roles    JSONB NOT NULL DEFAULT '[]',
  blocked               BOOLEAN NOT NULL DEFAULT false,
  max_budget            DOUBLE PRECISION,
  budget_duration       TEXT,
  rpm_limit             INTEGER,
  tpm_limit             INTEGER,
  max_parallel_requests INTEGER,
  metadata              JSONB NOT NULL DEFAULT '{}',
  spend                 DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
