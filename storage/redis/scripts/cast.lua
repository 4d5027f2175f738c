-- cast.lua: record one ballot and append its event to the meeting's log,
-- both or neither.
--
-- KEYS[1]  the box (a hash: state, spec, secret, pub, pollkey)
-- KEYS[2]  the voters (a hash: voter -> "seq:ballot id"; never a choice)
-- KEYS[3]  the counts (a hash: choice -> number; never a voter)
-- KEYS[4]  the meeting's log
-- KEYS[5]  a secret box's sealed ballots (a set; never a voter)
-- KEYS[6]  the log's audit chain (chain.lua is prepended)
-- ARGV[1]  voter, ARGV[2] ballot id, ARGV[3] the choice (named box) or the
--          ballot sealed to the poll's public key (secret box), ARGV[4] event,
-- ARGV[5]  how the node that checked the ballot against the box's spec
--          found it: "count" (a named box: count ARGV[3]), "seal" (a secret
--          box: add the sealed ballot to the set) or "bad" (it does not fit)
-- ARGV[6]  SHA-256 of the event
--
-- Returns {outcome, seq}: 1 accepted, 2 repeat (same ballot id; the seq of
-- the first cast), 3 already voted, 4 box closed or never opened, 5 bad
-- choice. The voter is looked up first, so that a ballot resent after a
-- lost reply learns that it counted even if the box closed meanwhile.
--
-- A secret ballot's choice never reaches Redis in clear: not in this
-- script's arguments (MONITOR), nor in its writes (the AOF, replicas).
local prev = redis.call('HGET', KEYS[2], ARGV[1])
if prev then
  local sep = string.find(prev, ':', 1, true)
  if string.sub(prev, sep + 1) == ARGV[2] then
    return {2, tonumber(string.sub(prev, 1, sep - 1))}
  end
  return {3, 0}
end
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then
  return {4, 0}
end
local mode = ARGV[5]
if mode == 'bad' then
  return {5, 0}
end
if mode == 'count' and redis.call('HEXISTS', KEYS[3], ARGV[3]) == 0 then
  return {5, 0}
end
if mode == 'seal' and redis.call('HEXISTS', KEYS[1], 'pollkey') == 0 then
  return redis.error_reply('ERR sealed ballot for a box without a poll key')
end
local n = redis.call('LLEN', KEYS[4])
local link = chain_link(chain_prev(KEYS[6], n), n + 1, ARGV[6])
local seq = redis.call('RPUSH', KEYS[4], ARGV[4])
redis.call('RPUSH', KEYS[6], link)
redis.call('HSET', KEYS[2], ARGV[1], seq .. ':' .. ARGV[2])
if mode == 'seal' then
  redis.call('SADD', KEYS[5], ARGV[3])
else
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
end
return {1, seq}
