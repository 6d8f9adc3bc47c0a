-- Deployments added at run time (/model/new) with general_settings.store_model_in_db, one row each,
-- as LiteLLM's LiteLLM_ProxyModelTable keeps them. Provider secrets inside litellm_params (api_key,
-- ...) are sealed by the gateway before they are written; this table never holds them in clear.
CREATE TABLE proxy_models (
  model_id       TEXT PRIMARY KEY,
  model_name     TEXT NOT NULL,
  litellm_params JSONB NOT NULL,
  model_info     JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_by     TEXT NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_by     TEXT NOT NULL
);
