-- redeem.lua: take an invitation and delete it, atomically.
--
-- KEYS[1]  the invitation
-- KEYS[2]  the redemption marker: "token:invitation", kept for a short while
--          so that this very call, resent by go-redis after a lost reply,
--          still gets the invitation it took
-- ARGV[1]  this call's random token, ARGV[2] the marker's lifetime in ms
--
-- Returns the invitation, or nil when there is none.
local v = redis.call('GET', KEYS[1])
if v then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[1] .. ':' .. v, 'PX', ARGV[2])
  return v
end
local d = redis.call('GET', KEYS[2])
if d then
  local want = ARGV[1] .. ':'
  if string.sub(d, 1, #want) == want then
    return string.sub(d, #want + 1)
  end
end
return false
