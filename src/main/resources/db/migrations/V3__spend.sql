-- One row per request, success or failure. request_id is the key that makes replays idempotent:
-- a row is written, and its cost counted, at most once. api_key is the SHA-256 of the key (never the key).
CREATE TABLE spend_logs (
  request_id        TEXT PRIMARY KEY,
  api_key           TEXT,
  key_name          TEXT,
  key_alias         TEXT,
  user_id           TEXT,
  team_id           TEXT,
  model_group       TEXT,
  model_id          TEXT,
  model             TEXT,
  provider          TEXT,
  prompt_tokens     BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  cached_tokens     BIGINT NOT NULL DEFAULT 0,
  total_tokens      BIGINT NOT NULL DEFAULT 0,
  spend             DOUBLE PRECISION NOT NULL DEFAULT 0,
  start_time        TIMESTAMPTZ NOT NULL,
  end_time          TIMESTAMPTZ NOT NULL,
  ttft_ms           DOUBLE PRECISION,
  status            INTEGER NOT NULL,
  error_type        TEXT,
  stream            BOOLEAN NOT NULL DEFAULT false,
  cache_hit         BOOLEAN NOT NULL DEFAULT false,
  request_tags      JSONB NOT NULL DEFAULT '[]',
  end_user          TEXT
);
CREATE INDEX spend_logs_start ON spend_logs (start_time);
CREATE INDEX spend_logs_key ON spend_logs (api_key, start_time);
CREATE INDEX spend_logs_user ON spend_logs (user_id, start_time);
CREATE INDEX spend_logs_team ON spend_logs (team_id, start_time);

-- Spend per budget holder ('key:<hash>', 'user:<id>', 'team:<id>', 'proxy') and budget period (the
-- instant the period began; 1970-01-01 for a budget that never resets). A new period is a new row:
-- nothing is ever reset, so no reset can happen twice or count one period's spend in the next.
CREATE TABLE budget_spend (
  holder       TEXT NOT NULL,
  period_start TIMESTAMPTZ NOT NULL,
  spend        DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (holder, period_start)
);

-- Open reservations, when gateways share budgets through this database (budget_reservations:
-- database). Each belongs to one request and expires on its own if its gateway dies.
CREATE TABLE budget_reservations (
  request_id   TEXT NOT NULL,
  holder       TEXT NOT NULL,
  period_start TIMESTAMPTZ NOT NULL,
  amount       DOUBLE PRECISION NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (request_id, holder)
);
CREATE INDEX budget_reservations_holder ON budget_reservations (holder, period_start);

-- Reserves p_amount against every holder's budget at once, or against none: the holders' rows are
-- locked in a fixed order (no deadlock between gateways), then each is checked with
-- spend + open reservations + p_headroom < limit (p_headroom is 0, or the worst case in strict mode
-- with p_strict). Returns each holder's spend and reservations as seen, and whether it was admitted.
CREATE FUNCTION budget_reserve(p_request TEXT, p_holders TEXT[], p_periods TIMESTAMPTZ[], p_limits DOUBLE PRECISION[],
    p_amount DOUBLE PRECISION, p_headroom DOUBLE PRECISION, p_strict BOOLEAN, p_ttl_seconds DOUBLE PRECISION)
RETURNS TABLE (holder TEXT, spend DOUBLE PRECISION, reserved DOUBLE PRECISION, admitted BOOLEAN)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  INSERT INTO budget_spend (holder, period_start)
    SELECT w.h, w.p FROM unnest(p_holders, p_periods) AS w(h, p)
    ON CONFLICT DO NOTHING;
  PERFORM 1 FROM budget_spend s JOIN unnest(p_holders, p_periods) AS w(h, p) ON s.holder = w.h AND s.period_start = w.p
    ORDER BY s.holder FOR UPDATE OF s;
  -- A new statement, so a new snapshot: it sees what the transactions we waited for committed.
  RETURN QUERY
    WITH seen AS (
      SELECT w.h AS holder, s.spend, coalesce(r.total, 0) AS reserved,
             CASE WHEN p_strict THEN s.spend + coalesce(r.total, 0) + p_headroom <= w.l
                  ELSE s.spend + coalesce(r.total, 0) < w.l END AS admitted
        FROM unnest(p_holders, p_periods, p_limits) AS w(h, p, l)
        JOIN budget_spend s ON s.holder = w.h AND s.period_start = w.p
        LEFT JOIN LATERAL (SELECT sum(b.amount) AS total FROM budget_reservations b
                            WHERE b.holder = w.h AND b.period_start = w.p AND b.expires_at > now()) r ON true),
    booked AS (
      INSERT INTO budget_reservations (request_id, holder, period_start, amount, expires_at)
        SELECT p_request, w.h, w.p, p_amount, now() + make_interval(secs => p_ttl_seconds)
          FROM unnest(p_holders, p_periods) AS w(h, p)
         WHERE (SELECT bool_and(seen.admitted) FROM seen)
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT seen.holder, seen.spend, seen.reserved, seen.admitted FROM seen;
END;
$$;
