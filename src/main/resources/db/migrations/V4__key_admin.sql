-- Who created and last changed a key, as LiteLLM's key objects say (the master key is 'default_user_id').
ALTER TABLE virtual_keys ADD COLUMN created_by TEXT;
ALTER TABLE virtual_keys ADD COLUMN updated_by TEXT;

-- A regenerated key's old value, still accepted until its grace period ends. It follows the key
-- (a later regeneration changes token_hash) and goes with it.
CREATE TABLE key_grace (
  old_hash   TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL REFERENCES virtual_keys (token_hash) ON DELETE CASCADE ON UPDATE CASCADE,
  until      TIMESTAMPTZ NOT NULL
);
