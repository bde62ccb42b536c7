// The edge of the domain: what the `Command` schema lets through. Whatever a client sends is parsed
// with it before `decide` sees it, so these are the limits a person typing into the board runs into.
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, Command, RoomState, emptyRoom, type CommandType } from '../../src/lib/domain';
import { Id } from '../../src/lib/domain/model';
import { COMMAND_EXAMPLES, command, furnishedRoom } from '../support/factories';

/** The issues of a rejected command, as `path: message` lines (a test failure if it was accepted). */
function rejection(raw: unknown): string {
	const result = Command.safeParse(raw);
	if (result.success) throw new Error(`accepted: ${JSON.stringify(raw)}`);
	return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}
const accepts = (raw: unknown) => Command.safeParse(raw).success;

const PATCH_TYPES = COMMAND_TYPES.filter((t) => 'patch' in COMMAND_EXAMPLES[t]);

describe('command examples', () => {
	it('has a valid example of every command type, so a new command needs one', () => {
		const missing = COMMAND_TYPES.filter((t) => !Object.hasOwn(COMMAND_EXAMPLES, t));
		expect(missing).toEqual([]);
		const stale = Object.keys(COMMAND_EXAMPLES).filter((t) => !COMMAND_TYPES.includes(t as CommandType));
		expect(stale).toEqual([]);
		for (const type of COMMAND_TYPES) {
			const example = COMMAND_EXAMPLES[type];
			expect(example.type, type).toBe(type);
			const result = Command.safeParse(example);
			expect(result.success ? 'valid' : result.error.message, type).toBe('valid');
		}
	});

	it('rejects a command type nobody knows', () => {
		expect(accepts({ type: 'room.delete' })).toBe(false);
		expect(accepts({ name: 'no type' })).toBe(false);
	});

	it('gives a furnished room and an empty one that satisfy the room schema', () => {
		expect(RoomState.safeParse(emptyRoom()).success).toBe(true);
		const checked = RoomState.safeParse(furnishedRoom().state);
		expect(checked.success ? 'valid' : checked.error.message).toBe('valid');
	});
});

describe('unknown keys', () => {
	it.each(COMMAND_TYPES)('%s rejects a key it does not know', (type) => {
		expect(rejection({ ...COMMAND_EXAMPLES[type], isAdmin: true })).toMatch(/isAdmin|nrecognized/);
	});

	it.each(PATCH_TYPES)('%s rejects an unknown key inside its patch', (type) => {
		const example = COMMAND_EXAMPLES[type] as { patch: object };
		expect(accepts({ ...example, patch: { ...example.patch, colour: 'red' } })).toBe(false);
	});

	it('rejects an unknown key in a display rotation', () => {
		const rotation = { stageIds: [], intervalSec: 30, shuffle: true };
		expect(accepts(command('display.register', { rotation } as never))).toBe(false);
	});
});

describe('patches', () => {
	it.each(PATCH_TYPES)('%s refuses a patch that changes nothing', (type) => {
		expect(rejection({ ...COMMAND_EXAMPLES[type], patch: {} })).toContain('a patch must change something');
	});

	it('accepts a patch of one field, and several', () => {
		expect(accepts(command('touchpoint.update', { patch: { name: 'New', importance: 9, performance: null } }))).toBe(true);
	});

	it('keeps the same limits in a patch as in the full command', () => {
		expect(accepts(command('stage.update', { patch: { name: 'n'.repeat(121) } }))).toBe(false);
		expect(accepts(command('room.configure', { patch: { departments: ['Sales'] } }))).toBe(false);
		expect(accepts(command('team.update', { patch: { stageId: '../etc' } }))).toBe(false);
	});
});

describe('text lengths', () => {
	it('caps names at 120 characters, after trimming', () => {
		expect(accepts(command('stage.add', { name: 'n'.repeat(120) }))).toBe(true);
		expect(rejection(command('stage.add', { name: 'n'.repeat(121) }))).toMatch(/^name: /);
		expect(accepts(command('stage.add', { name: `   ${'n'.repeat(120)}   ` }))).toBe(true);
		expect(Command.parse(command('stage.add', { name: '  Discover  ' }))).toMatchObject({ name: 'Discover' });
	});

	it('refuses an empty or blank name', () => {
		expect(rejection(command('stage.add', { name: '' }))).toContain('must not be empty');
		expect(accepts(command('stage.add', { name: '   ' }))).toBe(false);
		expect(accepts(command('win.mark', { headline: '' }))).toBe(false);
	});

	it('caps texts at 2000 characters', () => {
		expect(accepts(command('stage.add', { customerGoal: 'g'.repeat(2000) }))).toBe(true);
		expect(accepts(command('stage.add', { customerGoal: 'g'.repeat(2001) }))).toBe(false);
		expect(accepts(command('team.post', { text: 't'.repeat(2001) }))).toBe(false);
		expect(accepts(command('team.charter', { problem: 'p'.repeat(2001) }))).toBe(false);
		expect(accepts(command('touchpoint.assess', { evidence: 'e'.repeat(2001) }))).toBe(false);
	});

	it('refuses an empty team post and an over-long verbatim', () => {
		expect(accepts(command('team.post', { text: '  ' }))).toBe(false);
		const verbatim = { ...COMMAND_EXAMPLES['complaint.quote'].verbatim, text: 'v'.repeat(1001) };
		expect(accepts(command('complaint.quote', { verbatim }))).toBe(false);
	});
});

describe('ids', () => {
	it.each([
		['a path', '../x'],
		['empty', ''],
		['65 characters', 'i'.repeat(65)],
		['a space', 'a b'],
		['a slash', 'a/b'],
		['a dot', 'a.b'],
		['an accent', 'café']
	])('refuses an id with %s, saying what ids may be', (_label, id) => {
		expect(rejection(command('stage.add', { stageId: id }))).toContain('ids are 1-64 letters, digits, - or _');
		expect(accepts(command('spotlight.set', { target: { kind: 'stage', id } }))).toBe(false);
		expect(accepts(command('team.charter', { links: { touchpoints: [id], complaints: [], kpis: [], surveys: [] } }))).toBe(false);
	});

	it('accepts ids of 1 to 64 letters, digits, - and _', () => {
		for (const id of ['a', 'i'.repeat(64), 'Stage_2-b', '0'])
			expect(accepts(command('stage.add', { stageId: id })), id).toBe(true);
	});
});

describe('periods, dates and numbers', () => {
	it.each(['2026-13', '26-01', '2026-1', '2026-00', '2026/01', '2026-01-01', ''])('refuses the period %j', (period) => {
		expect(rejection(command('complaint.count', { period }))).toContain('periods are months, YYYY-MM');
		expect(accepts(command('survey.record', { period }))).toBe(false);
	});

	it('accepts months January to December', () => {
		for (const period of ['2026-01', '2026-12', '1999-10']) expect(accepts(command('complaint.count', { period }))).toBe(true);
	});

	it.each([NaN, Infinity, -Infinity])('refuses a KPI value of %s', (value) => {
		expect(accepts(command('kpi.record', { points: [{ date: '2026-01-01', value }] }))).toBe(false);
		expect(accepts(command('kpi.define', { target: value }))).toBe(false);
		expect(accepts(command('kpi.define', { warning: value }))).toBe(false);
	});

	it('refuses a negative warning band, an empty set of points and a date that is not a date', () => {
		expect(accepts(command('kpi.define', { warning: -1 }))).toBe(false);
		expect(accepts(command('kpi.record', { points: [] }))).toBe(false);
		expect(accepts(command('kpi.record', { points: [{ date: '2026-13-01', value: 1 }] }))).toBe(false);
		expect(accepts(command('kpi.record', { points: [{ date: '01/02/2026', value: 1 }] }))).toBe(false);
	});

	it('takes counts as whole, non-negative numbers', () => {
		expect(accepts(command('complaint.count', { count: -1 }))).toBe(false);
		expect(accepts(command('complaint.count', { count: 1.5 }))).toBe(false);
		expect(accepts(command('survey.record', { counts: [1] }))).toBe(false);
		expect(accepts(command('survey.record', { counts: Array.from({ length: 12 }, () => 1) }))).toBe(false);
		expect(accepts(command('survey.record', { counts: [1, -2, 3] }))).toBe(false);
	});

	it('keeps scores between 0 and 10 and scales sensible', () => {
		expect(accepts(command('touchpoint.add', { importance: 11 }))).toBe(false);
		expect(accepts(command('touchpoint.add', { performance: -1 }))).toBe(false);
		expect(accepts(command('touchpoint.add', { internalScore: 7.5 }))).toBe(true);
		expect(accepts(command('survey.define', { kind: 'custom', scale: { min: 0, max: 11 } }))).toBe(false);
		expect(accepts(command('survey.define', { kind: 'custom', scale: { min: 2, max: 5 } }))).toBe(false);
	});

	it('bounds the session timer and display rotation', () => {
		expect(accepts(command('session.setTimer', { durationSec: 0 }))).toBe(false);
		expect(accepts(command('session.setTimer', { durationSec: 86_401 }))).toBe(false);
		expect(accepts(command('session.setTimer', { durationSec: 1.5 }))).toBe(false);
		expect(accepts(command('session.setTimer', { durationSec: null }))).toBe(true);
		expect(accepts(command('display.register', { rotation: { stageIds: [], intervalSec: 4 } }))).toBe(false);
	});
});

describe('links and uploads', () => {
	it('takes links that start with http://, https:// or /, and nothing else', () => {
		for (const url of ['https://example.com', 'http://intranet/x', '/demo/call.svg']) {
			expect(accepts(command('artifact.add', { url })), url).toBe(true);
		}
		for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://x', 'example.com']) {
			expect(rejection(command('artifact.add', { url })), url).toContain('links start with');
		}
	});

	it('takes only sha256 content ids as upload ids', () => {
		expect(accepts(command('artifact.add', { blobId: 'a'.repeat(64) }))).toBe(true);
		expect(accepts(command('artifact.add', { blobId: 'A'.repeat(64) }))).toBe(false);
		expect(accepts(command('artifact.add', { blobId: 'a'.repeat(63) }))).toBe(false);
		expect(accepts(command('artifact.add', { blobId: '../secret' }))).toBe(false);
	});

	it('refuses a fix team with more than 40 members or 60 links of a kind', () => {
		const members = Array.from({ length: 41 }, (_, i) => ({ name: `M${i}`, department: i % 2 ? 'IT' : 'Sales' }));
		expect(accepts(command('team.charter', { members }))).toBe(false);
		const many = Array.from({ length: 61 }, (_, i) => `k${i}`);
		expect(accepts(command('team.charter', { links: { touchpoints: [], complaints: [], kpis: many, surveys: [] } }))).toBe(false);
	});

	it('needs at least two departments when a room lists them', () => {
		expect(accepts(command('room.create', { departments: ['Sales'] }))).toBe(false);
		expect(accepts(command('room.create', { departments: ['Sales', 'IT'] }))).toBe(true);
	});
});

describe('reserved ids', () => {
	it('refuses "__proto__" as an id, which as an object key would set a prototype', () => {
		expect(Id.safeParse('__proto__').success).toBe(false);
		expect(Id.safeParse('constructor').success).toBe(true);
	});
});
