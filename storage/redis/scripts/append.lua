-- append.lua: append events to a meeting's log if its version is still the
-- expected one (optimistic concurrency), with their audit chain links, in
-- one atomic step. (chain.lua is prepended.)
--
-- KEYS[1]  the log (a list; the record with seq s is at index s-1)
-- KEYS[2]  the log's recent append tokens (a list of "token:lastseq")
-- KEYS[3]  the log's audit chain (a list parallel to the log)
-- ARGV[1]  the expected version (seq of the last record, 0 when empty)
-- ARGV[2]  this call's random token
-- ARGV[3…] the n events, then their n SHA-256 digests
--
-- Returns {1, last seq} when appended (or when this very call was appended
-- before and go-redis resent it after a lost reply), {0, version} on a
-- version conflict.
local n = redis.call('LLEN', KEYS[1])
if n ~= tonumber(ARGV[1]) then
  local want = ARGV[2] .. ':'
  for _, t in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
    if string.sub(t, 1, #want) == want then
      return {1, tonumber(string.sub(t, #want + 1))}
    end
  end
  return {0, n}
end
local count = (#ARGV - 2) / 2
local prev = chain_prev(KEYS[3], n)
local links = {}
for i = 1, count do
  prev = chain_link(prev, n + i, ARGV[2 + count + i])
  links[i] = prev
end
local last = n
local i = 3
while i <= 2 + count do
  local j = math.min(i + 499, 2 + count)
  last = redis.call('RPUSH', KEYS[1], unpack(ARGV, i, j))
  i = j + 1
end
i = 1
while i <= count do
  local j = math.min(i + 499, count)
  redis.call('RPUSH', KEYS[3], unpack(links, i, j))
  i = j + 1
end
redis.call('LPUSH', KEYS[2], ARGV[2] .. ':' .. last)
redis.call('LTRIM', KEYS[2], 0, 15)
return {1, last}
