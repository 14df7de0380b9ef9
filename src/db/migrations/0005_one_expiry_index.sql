-- 0003 and 0004 each created an index on personal_access_tokens (expires_at); every token
-- write kept both. The one 0003 made stays.
DROP INDEX IF EXISTS personal_access_tokens_expires_at_idx;
