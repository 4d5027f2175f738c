-- open_box.lua: open the ballot box of a poll.
--
-- KEYS[1]  the box (a hash: state, spec, secret; for a secret box also pub,
--          the poll's public key, and pollkey, its private key sealed with
--          the ballot key)
-- KEYS[2]  the counts (a hash: choice -> number; a secret box's are written
--          by its count, at the close)
-- ARGV[1]  the spec in canonical form, ARGV[2] "1" if secret,
-- ARGV[3]  the poll's public key and ARGV[4] its sealed private key (secret
--          box; empty strings for a named one), ARGV[5…] the choices
--
-- Returns 1 when opened, 0 when already open with the same spec, -1 when the
-- box exists with another spec or is closed.
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  if state == 'open' and redis.call('HGET', KEYS[1], 'spec') == ARGV[1] then
    return 0
  end
  return -1
end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'pub', ARGV[3], 'pollkey', ARGV[4])
else
  for i = 5, #ARGV do
    redis.call('HSET', KEYS[2], ARGV[i], 0)
  end
end
redis.call('HSET', KEYS[1], 'state', 'open', 'spec', ARGV[1], 'secret', ARGV[2])
return 1
