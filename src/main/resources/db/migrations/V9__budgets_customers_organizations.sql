-- Reusable budgets (LiteLLM's BudgetTable), customers (the `user` of a request: LiteLLM's end users)
-- and organizations above teams. Only max_budget and budget_duration are enforced; the other limit
-- columns are kept so the rows have LiteLLM's shape.
CREATE TABLE budgets (
  budget_id             TEXT PRIMARY KEY,
  max_budget            DOUBLE PRECISION,
  soft_budget           DOUBLE PRECISION,
  max_parallel_requests INTEGER,
  tpm_limit             INTEGER,
  rpm_limit             INTEGER,
  model_max_budget      JSONB,
  budget_duration       TEXT,
  budget_reset_at       TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_by            TEXT,
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_by            TEXT
);

-- A budget in use by a customer or an organization cannot be deleted (no action on delete).
CREATE TABLE end_users (
  user_id              TEXT PRIMARY KEY,
  alias                TEXT,
  spend                DOUBLE PRECISION NOT NULL DEFAULT 0,
  allowed_model_region TEXT,
  default_model        TEXT,
  budget_id            TEXT REFERENCES budgets (budget_id),
  blocked              BOOLEAN NOT NULL DEFAULT false,
  metadata             JSONB NOT NULL DEFAULT '{}',
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE organizations (
  organization_id    TEXT PRIMARY KEY,
  organization_alias TEXT,
  budget_id          TEXT REFERENCES budgets (budget_id),
  metadata           JSONB NOT NULL DEFAULT '{}',
  models             TEXT[] NOT NULL DEFAULT '{}',
  spend              DOUBLE PRECISION NOT NULL DEFAULT 0,
  model_spend        JSONB NOT NULL DEFAULT '{}',
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_by         TEXT,
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_by         TEXT
);

CREATE TABLE organization_members (
  user_id         TEXT NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
  user_role       TEXT,
  spend           DOUBLE PRECISION NOT NULL DEFAULT 0,
  budget_id       TEXT REFERENCES budgets (budget_id),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, organization_id)
);

-- A team may belong to an organization; deleting the organization frees its teams.
ALTER TABLE teams ADD COLUMN organization_id TEXT REFERENCES organizations (organization_id) ON DELETE SET NULL;
CREATE INDEX teams_organization ON teams (organization_id);
