/**
 * The Lua scripts of the Redis event store. Each runs atomically on the server, touching only the keys of one
 * room (all hash-tagged to one slot, see keys.ts). The `#!lua` shebang (Redis 7+) makes Redis refuse a script
 * up front when it is out of memory, instead of failing half-way through its writes; every other check
 * happens before the first write, so a script either applies completely or not at all.
 *
 * Replies are flat arrays of strings: `[status, detail]`.
 */

/** Shared helper: integers formatted without Lua's `%.14g` exponent notation. */
const INT = `local function int(n) return string.format('%d', n) end`;

/**
 * Append one command's events.
 *
 * KEYS: 1 meta, 2 log, 3 cmds, 4 cmds-by-version
 * ARGV: 1 expectedVersion, 2 commandId, 3 epoch (used only when the room is created), 4 commandMemory,
 *       5 after: the commandId whose events must end at expectedVersion ('' for none; see EventStore.append),
 *       6 digest of the command's body ('' for none), kept with the range as 'from:to:digest',
 *       7.. the events' StoredEvent JSON, with `v` = expectedVersion + 1, + 2, ...
 * Reply: ['duplicate', 'from:to' | 'from:to:digest'] (the caller compares digests) | ['conflict', '<current version>']
 *        | ['appended', 'from:to'] | ['corrupt', '<what>']
 */
export const APPEND_SCRIPT = `#!lua
${INT}
local known = redis.call('HGET', KEYS[3], ARGV[2])
if known then return {'duplicate', known} end
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local expected = tonumber(ARGV[1])
if current ~= expected then return {'conflict', int(current)} end
if ARGV[5] ~= '' and redis.call('ZSCORE', KEYS[4], ARGV[5]) ~= int(expected) then return {'conflict', int(current)} end
local count = #ARGV - 6
if count < 1 then return {'corrupt', 'no events'} end
if current == 0 then
  if redis.call('EXISTS', KEYS[2]) == 1 then return {'corrupt', 'log exists without meta'} end
  redis.call('HSET', KEYS[1], 'epoch', ARGV[3], 'oldest', '0')
end
for i = 1, count do
  redis.call('XADD', KEYS[2], int(expected + i) .. '-0', 'e', ARGV[6 + i])
end
local to = expected + count
local range = int(expected + 1) .. ':' .. int(to)
redis.call('HSET', KEYS[1], 'version', int(to))
if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], range .. ':' .. ARGV[6])
else redis.call('HSET', KEYS[3], ARGV[2], range) end
redis.call('ZADD', KEYS[4], int(to), ARGV[2])
local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[4])
while excess > 0 do
  local batch = math.min(excess, 500)
  local oldest = redis.call('ZRANGE', KEYS[4], 0, batch - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, batch - 1)
  redis.call('HDEL', KEYS[3], unpack(oldest))
  excess = excess - batch
end
return {'appended', range}
`;

/**
 * Save a snapshot and trim the log behind it.
 *
 * KEYS: 1 meta, 2 log, 3 snapshot
 * ARGV: 1 version, 2 epoch, 3 snapshot JSON, 4 events to retain behind the snapshot
 * Reply: ['created', '<oldest>'] (room born from this snapshot) | ['saved', '<oldest>']
 *        | ['epoch', '<room epoch>'] | ['ahead', '<head>'] | ['older', '<stored snapshot version>']
 */
export const SNAPSHOT_SCRIPT = `#!lua
${INT}
local version = tonumber(ARGV[1])
local meta = redis.call('HMGET', KEYS[1], 'version', 'epoch', 'oldest', 'snapshot')
if not meta[1] then
  redis.call('SET', KEYS[3], ARGV[3])
  redis.call('HSET', KEYS[1], 'version', int(version), 'epoch', ARGV[2], 'oldest', int(version), 'snapshot', int(version))
  return {'created', int(version)}
end
if meta[2] ~= ARGV[2] then return {'epoch', meta[2] or ''} end
local head = tonumber(meta[1])
if version > head then return {'ahead', int(head)} end
local previous = tonumber(meta[4] or '0')
if version < previous then return {'older', int(previous)} end
redis.call('SET', KEYS[3], ARGV[3])
local oldest = tonumber(meta[3] or '0')
local cut = version - tonumber(ARGV[4])
if cut > oldest then
  redis.call('XTRIM', KEYS[2], 'MINID', int(cut + 1) .. '-0')
  oldest = cut
end
redis.call('HSET', KEYS[1], 'oldest', int(oldest), 'snapshot', int(version))
return {'saved', int(oldest)}
`;
