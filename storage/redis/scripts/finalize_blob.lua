-- finalize_blob.lua: turn an upload's temporary chunks into a blob, or drop
-- them when the blob is already stored (deduplication).
--
-- KEYS[1]          the blob's metadata (a hash: size, chunk, n); written
--                  last: a blob exists once this key does
-- KEYS[2…n+1]      the temporary chunks (they carry a TTL)
-- KEYS[n+2…2n+1]   the blob's chunks
-- ARGV[1]  size, ARGV[2] chunk size, ARGV[3] n
--
-- Returns 1 when stored, 0 when the blob was already there.
local n = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 1 then
  for i = 2, n + 1 do
    redis.call('UNLINK', KEYS[i])
  end
  return 0
end
for i = 1, n do
  if redis.call('EXISTS', KEYS[1 + i]) == 0 then
    return redis.error_reply('ERR blob upload chunk ' .. (i - 1) .. ' is missing (expired?)')
  end
end
for i = 1, n do
  redis.call('RENAME', KEYS[1 + i], KEYS[1 + n + i])
  redis.call('PERSIST', KEYS[1 + n + i])
end
redis.call('HSET', KEYS[1], 'size', ARGV[1], 'chunk', ARGV[2], 'n', ARGV[3])
return 1
