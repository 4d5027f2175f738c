-- tally.lua: read a box's tally at one instant, closing the box first when
-- asked to (closing a closed box changes nothing).
--
-- KEYS[1]  the box, KEYS[2] the voters, KEYS[3] the counts, KEYS[4] the
--          opened ballots of a counted secret box (a list)
-- ARGV[1]  "1" to close the box
--
-- Returns nil when the box was never opened, else {closed (0/1), number of
-- voters, {choice, count, choice, count, …}, {opened ballot, …}, uncounted
-- (1 while a secret box still holds its sealed ballots: its counts are
-- unknown)}.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return false
end
if ARGV[1] == '1' and state ~= 'closed' then
  redis.call('HSET', KEYS[1], 'state', 'closed')
  state = 'closed'
end
local closed = 0
if state == 'closed' then
  closed = 1
end
return {closed, redis.call('HLEN', KEYS[2]), redis.call('HGETALL', KEYS[3]),
  redis.call('LRANGE', KEYS[4], 0, -1), redis.call('HEXISTS', KEYS[1], 'pollkey')}
