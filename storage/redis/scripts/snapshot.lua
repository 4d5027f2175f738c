-- snapshot.lua: store a meeting's snapshot unless a newer one is stored.
--
-- KEYS[1]  the snapshot (a hash: seq, data)
-- ARGV[1]  seq, ARGV[2] data
--
-- Returns 1 when stored, 0 when ignored as older.
local cur = redis.call('HGET', KEYS[1], 'seq')
if cur and tonumber(cur) > tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'data', ARGV[2])
return 1
