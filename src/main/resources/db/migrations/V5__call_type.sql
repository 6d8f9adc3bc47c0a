-- LiteLLM's call type of each request (acompletion, aembedding, aresponses, ...), as its SpendLogs keep it.
ALTER TABLE spend_logs ADD COLUMN call_type TEXT;
