-- chain.lua: the audit chain, prepended to the scripts that append to a
-- meeting's log (append.lua, cast.lua). Redis's Lua has no SHA-256, so it is
-- written here with the bit library (32-bit operations).
--
-- A record's link is storage.ChainHash: SHA-256(prev ‖ seq as 8 bytes
-- big-endian ‖ SHA-256(event)). The node computes SHA-256(event) and passes
-- it; the script, which alone knows the seq and prev, computes the link:
-- 72 bytes, two compression blocks.
--
-- The chain is a list parallel to the log (its element s-1 is record s's
-- link, "" for records stored before the chain existed).
local band, bor, bxor, ror, rshift, lshift, tobit =
  bit.band, bit.bor, bit.bxor, bit.ror, bit.rshift, bit.lshift, bit.tobit
local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2}

local function sha256(msg)
  local len = #msg
  msg = msg .. '\128' .. string.rep('\0', (55 - len) % 64) ..
    string.char(0, 0, 0, 0, math.floor(len / 0x200000) % 256, math.floor(len / 0x2000) % 256,
      math.floor(len / 0x20) % 256, (len * 8) % 256)
  local h0, h1, h2, h3 = 0x6a09e667, tobit(0xbb67ae85), 0x3c6ef372, tobit(0xa54ff53a)
  local h4, h5, h6, h7 = 0x510e527f, tobit(0x9b05688c), 0x1f83d9ab, 0x5be0cd19
  local w = {}
  for blk = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = string.byte(msg, blk + 4 * i, blk + 4 * i + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 63 do
      local x, y = w[i - 15], w[i - 2]
      w[i] = tobit(w[i - 16] + bxor(ror(x, 7), ror(x, 18), rshift(x, 3)) + w[i - 7] +
        bxor(ror(y, 17), ror(y, 19), rshift(y, 10)))
    end
    local a, b, c, d, e, f, g, h = h0, h1, h2, h3, h4, h5, h6, h7
    for i = 0, 63 do
      local t1 = h + bxor(ror(e, 6), ror(e, 11), ror(e, 25)) + bxor(g, band(e, bxor(f, g))) + K[i + 1] + w[i]
      local t2 = bxor(ror(a, 2), ror(a, 13), ror(a, 22)) + bor(band(a, b), band(c, bor(a, b)))
      h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + t2)
    end
    h0, h1, h2, h3 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d)
    h4, h5, h6, h7 = tobit(h4 + e), tobit(h5 + f), tobit(h6 + g), tobit(h7 + h)
  end
  local out = {}
  for i, v in ipairs({h0, h1, h2, h3, h4, h5, h6, h7}) do
    out[i] = string.char(band(rshift(v, 24), 255), band(rshift(v, 16), 255), band(rshift(v, 8), 255), band(v, 255))
  end
  return table.concat(out)
end

local function be64(n)
  local hi, lo = math.floor(n / 0x100000000), n % 0x100000000
  return string.char(math.floor(hi / 0x1000000) % 256, math.floor(hi / 0x10000) % 256, math.floor(hi / 0x100) % 256, hi % 256,
    math.floor(lo / 0x1000000) % 256, math.floor(lo / 0x10000) % 256, math.floor(lo / 0x100) % 256, lo % 256)
end

local ZERO = string.rep('\0', 32)

-- chain_prev returns the link of the log's last record (n records), padding
-- the chain with "" for records stored before the chain existed.
local function chain_prev(chain, n)
  local c = redis.call('LLEN', chain)
  while c < n do
    local k = math.min(n - c, 500)
    local pad = {}
    for i = 1, k do pad[i] = '' end
    c = redis.call('RPUSH', chain, unpack(pad))
  end
  if n == 0 then
    return ZERO
  end
  local h = redis.call('LINDEX', chain, n - 1)
  if not h or #h ~= 32 then
    return ZERO
  end
  return h
end

-- chain_link is storage.ChainLink.
local function chain_link(prev, seq, digest)
  return sha256(prev .. be64(seq) .. digest)
end
