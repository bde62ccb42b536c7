/**
 * The hand-written parts of docs/protocol.md: how to connect, join, catch up and send, in sentences.
 * Every name, number and list in them comes in through `ProseFacts`, read from the code by
 * generate-protocol.ts; what is written here is only what the server does with them (server/gateway/,
 * server/engine/room-engine.ts), which a schema cannot say.
 */

/** What the prose states that the code defines. */
export interface ProseFacts {
	/** The session cookie's name over plain HTTP, and over HTTPS (server/http/session.ts). */
	cookie: string;
	secureCookie: string;
	/** The regular expression every commandId matches, and the whole rule in words. */
	commandIdPattern: string;
	commandIdRule: string;
	limits: { maxMessageBytes: number; maxCatchUpEvents: number };
	/** Codes after which resending the same command may succeed (RETRYABLE_CODES). */
	retryable: readonly string[];
}

const code = (text: string) => '`' + text + '`';
const list = (items: readonly string[]) => items.map(code).join(', ');

/** How to open a connection, with which credentials, from where. */
export function connectProse(f: ProseFacts): string {
	return `The server speaks [socket.io](https://socket.io/docs/v4/) 4 on the same port as the pages (\`PORT\`, default 3000), at the default path \`/socket.io/\`. Connect with the **websocket transport only** (\`transports: ['websocket']\` in socket.io-client): with several instances behind a load balancer, long-polling would need sticky sessions and websocket does not. Do not rely on socket.io's connection-state recovery: catching up by version (below) is how a client gets what it missed.

**Credentials.** A connection carries a session, found in this order:

1. the handshake \`auth.token\` (scripts, tests, integrations without a cookie jar), else
2. the session cookie: ${code(f.cookie)} over plain HTTP, ${code(f.secureCookie)} over HTTPS (httpOnly, \`SameSite=Strict\`, \`Path=/\`). Browsers on the app's own pages send it by themselves.

Tokens never go in a query string. A connection without a valid session is still accepted, so it can be told what to do: its \`server:hello\` says \`signedIn: false\` and every \`room:join\` is answered \`unauthenticated\`.

**Getting a session.** Sessions come from the HTTP side; the cookie's value is the token:

- a person with an account: \`POST /api/auth/sign-in\` with \`{ "login", "password" }\` (or single sign-on at \`/api/auth/sso/start\`), or accepting an invite at \`POST /api/invites/accept\`;
- a guest link: \`POST /api/join\` with \`{ "token", "name" }\`;
- a TV: pairing with a short code (\`/api/pair/start\`, then \`/api/pair/status\`).

Each answer sets the session cookie; a script reads the token from its \`Set-Cookie\` header and passes it as \`auth.token\`. The session's roles per room are read when the connection opens: after a role change the server closes the connection, and the next connection has the new roles.

**Origin and host.** The handshake is refused when its \`Host\` is not a name the server serves (\`ALLOWED_HOSTS\`, loopback names by default), and when it carries an \`Origin\` header that is neither the host the request names nor one of \`ALLOWED_ORIGINS\`: a page on another site cannot open a socket with a visitor's cookie. Clients that send no \`Origin\` (Node scripts) are not browsers and are accepted; they still need a token.

**Limits.** A message larger than ${f.limits.maxMessageBytes.toLocaleString('en-US')} bytes closes the connection. A message that expects an answer (\`room:join\`, \`command\`, \`screens:status\`, \`display:act\`) but is sent without an acknowledgement callback is dropped. Too many open connections from one network address are refused with a \`connect_error\` saying so.`;
}

/** What a join does and what its acknowledgement holds. */
export function joinProse(): string {
	return `Send \`room:join\` with the room's id, and \`since\` when you already hold the room at some position. The server checks the session has a role in the room, subscribes the connection to the room's broadcasts **before** reading the room (so nothing committed in between is missed), and answers with:

- \`epoch\`: the room's history generation. It changes only when history is rewritten (a room restored from a backup); keep it with your version.
- \`role\` (what you may send) and \`audience\` (\`full\`, \`viewer\` or \`corridor\`: what the server sends you; a TV paired in corridor mode gets only what corridor mode shows).
- either \`mode: "snapshot"\` with \`state\`, the whole room; your position is then \`{ version: state.version, epoch }\`,
- or \`mode: "events"\` with \`events\`, every event after \`since.version\` in order (possibly none); your position is then the last event's \`v\` (or \`since.version\` when there are none) with \`epoch\`.

Because the subscription comes first, a \`room:events\` message may arrive before the acknowledgement or repeat events the acknowledgement carries: drop every event whose \`v\` is not above your version. A join that fails leaves the connection as it was: a client already in the room keeps receiving its events. Join before sending commands to a room; the one exception is \`room.create\`, sent before the room exists. A connection may join several rooms.`;
}

/** The rules for catching up by version. */
export function catchUpProse(f: ProseFacts): string {
	return `Every event carries \`v\`, the room's version after it; versions grow by one per event. Apply events strictly in order (each \`v\` one above your version) with the shared reducer \`evolve\` (src/lib/domain/evolve.ts), and keep \`{ version, epoch }\`.

- **\`since\` is exclusive**: \`since.version\` is the last version you applied, and the events you get are those with \`v > since.version\`.
- The answer is a **snapshot** instead of events when \`since.epoch\` is not the room's epoch (history was rewritten: throw your state away and take the snapshot), when \`since.version\` is ahead of the room, when you are more than ${f.limits.maxCatchUpEvents.toLocaleString('en-US')} events behind, or when the log no longer holds the events (it was compacted). Always handle both modes.
- **When to join again with \`since\`**: after every reconnection (socket.io-client's \`connect\` event fires again), on \`room:stale\`, when a \`room:events\` message does not start at your version + 1 (a gap), and when one carries an epoch other than yours (then the answer is a snapshot).
- A client never applies events out of order and never skips one: a gap is filled by joining again, not by guessing.`;
}

/** Commands, commandIds and acknowledgements. */
export function sendProse(f: ProseFacts): string {
	return `Send \`command\` with the room's id, a \`commandId\` and the command itself (see [Commands](#commands)). The acknowledgement comes after the \`room:events\` message that carries the command's events, so by the time you read \`{ ok: true, version }\` your state already shows it.

**The commandId** is made by the client: ${f.commandIdRule}; a random UUID fits. Make one per command and **reuse it on every resend of that command**: the server remembers each commandId (and a digest of its command) and applies it at most once. A resend of an applied command is answered \`{ ok: true, duplicate: true }\` with the first answer's version; the same commandId with a different command is answered \`conflict\`.

**An outbox** keeps this simple (examples/client.ts has one): queue commands in order; send each once joined; on \`ok\` or a code that is not retryable, settle it; on a retryable code, wait a little and resend it as it is; when no acknowledgement comes (the connection dropped), keep it and resend it with the same commandId after joining again. Commands are rate-limited per connection, per session and per network address.`;
}

/** The error codes' introduction; the table follows. */
export function errorsIntro(f: ProseFacts): string {
	return `Every acknowledgement that fails is \`{ ok: false, code, message, issues? }\`. \`message\` is a sentence for a person; \`issues\` (for \`invalid_payload\`) says which field went wrong. The codes are a closed list. Retryable: ${list(f.retryable)}: resend the very same command with the same commandId (after a short wait; \`unavailable\` and \`internal\` may already have been applied, which the commandId makes harmless). Every other code means resending the command as it is gets the same answer: change the command, the access or the room, and send it with a new commandId.`;
}

/** The commands section's introduction. */
export function commandsIntro(count: number): string {
	return `There are ${count} commands, named \`entity.verb\`. Each is a strict object discriminated by \`type\`: a field not listed is refused (\`invalid_payload\`). A command that creates something carries the new entity's id, made by the client, so a resent command names the same entity. The author of every change is the session's account, set by the server, never by the command. A facilitator may send every command, a contributor the content and fix-team commands, a viewer none; the room's state may still refuse a command a role may send.`;
}

/** The events section's introduction. */
export function eventsIntro(count: number): string {
	return `Events are facts in the past tense, produced by the server from commands; there are ${count} types. Each travels inside a \`RecordedEvent\` envelope that numbers it (\`v\`), names the command it came from, and stamps the server's time and the author. An event carries everything \`evolve\` needs, so replaying the same events always gives the same state. A screen whose audience may not see an event's content receives \`event.withheld\` in its place, which changes nothing but the version.`;
}

/** How imports reach a room, and the mapping's shape. */
export function importsProse(mappingLink: string, kinds: readonly string[]): string {
	return `Imports are not socket messages: a CSV file goes through HTTP on the Curate page's endpoints, and the server then issues the \`import.apply\` command itself (no client may send it), which becomes an \`import.applied\` event.

1. \`POST /api/rooms/:id/uploads?purpose=import\` with the file's raw bytes: answers the stored file's \`blobId\`.
2. \`POST /api/rooms/:id/imports/inspect\` with \`{ "blobId" }\`: the columns, sample rows and the server's guesses.
3. \`POST /api/rooms/:id/imports\` with \`{ "blobId", "fileName", "mapping", "dryRun" }\`: progress lines (NDJSON), then the outcome; \`dryRun: true\` previews without applying.

\`mapping\` is an [ImportMapping](${mappingLink}): one of the kinds ${list(kinds)}, chosen by its \`kind\` field, naming which column holds what (columns by index, with the header's name when the file has one).`;
}
