-- count.lua: store the count of a closed secret box and destroy what was
-- sealed, once.
--
-- KEYS[1]  the box, KEYS[2] the counts, KEYS[3] the sealed ballots,
-- KEYS[4]  the opened ballots (a list)
-- ARGV[1]  the sealed poll key the count was made with, ARGV[2] the number
--          n of choices, ARGV[3 … 2n+2] choice, count, …, then the opened
--          ballots in a shuffled order
--
-- Returns 1 when stored, 0 when the box was counted already (by another
-- node) or is not closed.
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' or
   redis.call('HGET', KEYS[1], 'pollkey') ~= ARGV[1] then
  return 0
end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  redis.call('HSET', KEYS[2], ARGV[3 + 2 * i], ARGV[4 + 2 * i])
end
local i = 3 + 2 * n
while i <= #ARGV do
  local j = math.min(i + 499, #ARGV)
  redis.call('RPUSH', KEYS[4], unpack(ARGV, i, j))
  i = j + 1
end
redis.call('DEL', KEYS[3])
redis.call('HDEL', KEYS[1], 'pollkey')
return 1
