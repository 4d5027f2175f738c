-- open_box.lua: open the ballot box of a poll.
--
-- KEYS[1]  the box (a hash: state, spec, secret)
-- KEYS[2]  the counts (a hash: choice -> number)
-- ARGV[1]  the spec in canonical form, ARGV[2] "1" if secret, ARGV[3…] the choices
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
for i = 3, #ARGV do
  redis.call('HSET', KEYS[2], ARGV[i], 0)
end
redis.call('HSET', KEYS[1], 'state', 'open', 'spec', ARGV[1], 'secret', ARGV[2])
return 1
