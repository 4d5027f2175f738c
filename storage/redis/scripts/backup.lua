-- backup.lua: a consistent copy of a deployment's keys but its blobs.
-- ARGV[1]: a MATCH pattern for the prefix (escaped), ARGV[2]: the prefix of
-- the blob keys (skipped: blobs are immutable and copied apart).
-- Returns {key, pttl, dump, key, pttl, dump, ...}. A script runs alone:
-- nothing is written while it scans, so the copy is of one instant (SCAN
-- may give a key twice; the caller keeps the first).
local out = {}
local cursor = "0"
local blobs = ARGV[2]
repeat
  local r = redis.call("SCAN", cursor, "MATCH", ARGV[1], "COUNT", 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do
    if string.sub(k, 1, #blobs) ~= blobs then
      local ttl = redis.call("PTTL", k)
      if ttl ~= -2 then
        out[#out + 1] = k
        out[#out + 1] = ttl
        out[#out + 1] = redis.call("DUMP", k)
      end
    end
  end
until cursor == "0"
return out
