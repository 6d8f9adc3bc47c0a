-- The rest of LiteLLM's SpendLogs row: where the call went (api_base, never with credentials), who
-- called from where, the key's metadata and the client's, the cache key, and timing. Rows written
-- before this migration keep nulls here.
ALTER TABLE spend_logs
  ADD COLUMN api_base              TEXT,
  ADD COLUMN metadata              JSONB,
  ADD COLUMN cache_key             TEXT,
  ADD COLUMN requester_ip_address  TEXT,
  ADD COLUMN completion_start_time TIMESTAMPTZ,
  ADD COLUMN request_duration_ms   BIGINT;
-- /spend/tags and the daily-activity report scan by day; end users are a report dimension too.
CREATE INDEX spend_logs_end_user ON spend_logs (end_user, start_time);
