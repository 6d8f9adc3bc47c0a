-- LiteLLM's per-model budgets and soft budget on a key, and budget_id (a reusable row of budgets)
-- on keys, users and teams: that budget's limits apply to whatever links it.
ALTER TABLE virtual_keys ADD COLUMN model_max_budget JSONB NOT NULL DEFAULT '{}';
ALTER TABLE virtual_keys ADD COLUMN soft_budget DOUBLE PRECISION;
ALTER TABLE virtual_keys ADD COLUMN budget_id TEXT REFERENCES budgets (budget_id);
ALTER TABLE users ADD COLUMN budget_id TEXT REFERENCES budgets (budget_id);
ALTER TABLE teams ADD COLUMN budget_id TEXT REFERENCES budgets (budget_id);
