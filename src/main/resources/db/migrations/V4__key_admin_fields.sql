-- Who created and last changed a key, as LiteLLM's key objects say (the master key is 'default_user_id').
ALTER TABLE virtual_keys ADD COLUMN created_by TEXT;
ALTER TABLE virtual_keys ADD COLUMN updated_by TEXT;
