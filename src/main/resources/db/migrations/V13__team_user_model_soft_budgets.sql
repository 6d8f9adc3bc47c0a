-- LiteLLM's model_max_budget on users and teams, and soft_budget on teams (LiteLLM's user table
-- has no soft_budget): enforced for the keys of that user or team, as on keys.
ALTER TABLE users ADD COLUMN model_max_budget JSONB NOT NULL DEFAULT '{}';
ALTER TABLE teams ADD COLUMN model_max_budget JSONB NOT NULL DEFAULT '{}';
ALTER TABLE teams ADD COLUMN soft_budget DOUBLE PRECISION;
