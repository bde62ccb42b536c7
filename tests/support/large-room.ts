/**
 * A large room for the wall's fit tests (issue 4): 12 stages, 48 touchpoints, 24 artifacts,
 * 40 complaint categories, 60 KPIs, 15 surveys, 10 fix teams and 3 wins, with long names where real rooms
 * have them, a year of monthly data, verbatims and one customer segment. Deterministic (no randomness),
 * so a failing layout can be reproduced; the months end at the month of `today`.
 *
 * `largeRoomCommands()` returns the commands in dependency phases; `buildLargeRoom()` sends them over
 * real sockets, many at a time within a phase.
 */
import type { Command } from '../../src/lib/domain';
import { join, send, type TestSocket } from './test-server';

export const LARGE_ROOM_ID = 'large';
export const LARGE_ROOM_NAME = 'Large generated room — stress test';
export const LARGE_SEGMENT = 'Private clients';

const STAGES = [
	'Hear about us',
	'Research and compare offers',
	'Apply',
	'Verify identity and documents',
	'Get approved',
	'Welcome and onboarding',
	'First use',
	'Everyday use and self-service',
	'Billing and statements',
	'Get help when something goes wrong',
	'Renewal and upgrades',
	'Leave or switch to another provider'
];

const COMPLAINT_NAMES = [
	'Misleading offers and promotions',
	'Advertised rate not honoured at application',
	"Credit check I didn't agree to",
	'Eligibility checker gave the wrong answer',
	"Can't open account",
	'Application stuck or delayed for weeks without any update',
	'Asked for the same documents several times',
	'Identity check failed with a valid passport',
	'Approval decision not explained',
	'Declined without a reason or a number to call',
	"Card or PIN didn't arrive",
	"Enrolled in extras I didn't ask for",
	'Welcome pack full of jargon',
	'App login locked after the first try',
	'Card declined or account frozen',
	'Payment sent to the wrong account',
	'App crashes on the payments screen',
	'Fees charged unexpectedly',
	'Statement shows charges I do not recognise',
	'Direct debit taken twice in the same month',
	'Interest calculated wrongly on the statement',
	'Credit report shows wrong information',
	'Trouble during payment process',
	'Debt collector contacting about debt not owed',
	'Collection calls and letters feel like harassment',
	'Dispute closed without fixing the error',
	'Waited more than an hour on the phone',
	'Promised call-back never came',
	'Branch could not help and sent me to the phone line',
	'Complaint acknowledged but never answered',
	'Fees or terms changed at renewal',
	'Renewal offer arrived after the deadline',
	'Upgrade removed benefits I was using',
	'Loyalty not recognised when renewing',
	'Hard to close an account',
	'Balance refund took more than a month to arrive by cheque',
	'Switching service missed payments',
	'Still receiving letters after closing the account',
	'Closing fee not disclosed up front',
	'Account closed without notice'
];

const KPI_NAMES = [
	'Share of visitors who start an application',
	'Cost per acquired customer',
	'Rates page load time',
	'Offer comparison completion rate',
	'Eligibility checks completed',
	'Applications completed in one sitting',
	'Time to open an account (median)',
	'Application abandonment at ID upload',
	'Documents accepted first time',
	'Identity checks passed automatically',
	'Loan decisions within 24 hours',
	'Approval to card in hand',
	'Cards activated within 7 days',
	'Welcome calls completed',
	'First login within 3 days',
	'App store rating (90 days)',
	'Card payments approved first time',
	'App crash-free sessions',
	'Statements delivered on time',
	'Billing errors per 10,000 statements',
	'First-contact resolution',
	'Average call wait',
	'Complaint resolution time (median)',
	'Call-backs made on time',
	'Fixed-rate customers retained at renewal',
	'Renewal offers sent 90 days ahead',
	'Account closure completed',
	'Refunds paid within 5 days',
	'Customers who switch away within a year',
	'Net revenue retention'
];

const TEAM_NAMES = [
	'Honest offers',
	'One-sitting application',
	'ID upload that works first time',
	'Decisions customers understand',
	'Card first, then PIN',
	'A statement anyone can read',
	'Fees nobody is surprised by',
	'One call fixes it',
	'No more wrong debts',
	'Leaving well'
];

const DEPARTMENTS = ['Marketing', 'Sales', 'Operations', 'Customer Service', 'Product', 'IT', 'Finance/Billing', 'Legal'];
const IMAGES = [
	'compare-accounts.svg',
	'eligibility-result.svg',
	'app-id-upload.svg',
	'onboarding-email.svg',
	'welcome-letter.svg',
	'card-carrier.svg',
	'app-home.svg',
	'statement.svg',
	'overdraft-letter.svg',
	'branch-queue.svg',
	'collections-letter.svg',
	'renewal-email.svg'
];
const CALLS = [
	'calls/call-stuck-at-id.ogg',
	'calls/call-card-declined.ogg',
	'calls/call-wrong-debt.ogg',
	'calls/call-closing-account.ogg'
];
const MATURITIES = ['broken', 'reliable', 'differentiating'] as const;
const WIGGLE = [0.04, -0.03, 0.05, -0.05, 0.01, -0.02, 0.05, -0.06, 0.03, -0.01, 0.02, -0.04];
const VERBATIM =
	'I called three times about this and every time I was told someone would get back to me within two working days. ' +
	'Nobody did. In the end I went into a branch, waited forty minutes, and was told the branch cannot see the case. ' +
	'I have been a customer for eleven years and I am now looking at other banks.';
const TRANSCRIPT = [
	'AGENT: Thank you for calling, this is Sam. How can I help today?',
	"CUSTOMER: I've tried to do this in the app four times and it keeps failing at the same step, and nobody can tell me why.",
	"AGENT: I'm sorry about that. Let me have a look at your application."
].join('\n');

/** The twelve months ending at `today`'s month, oldest first, as YYYY-MM. */
function lastTwelveMonths(today: Date): string[] {
	const out: string[] = [];
	for (let back = 11; back >= 0; back--) {
		const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));
		out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
	}
	return out;
}

/** A survey distribution of `n` responses over `length` scale points, leaning to the top by `lean` (0..1). */
function distribution(length: number, n: number, lean: number): number[] {
	const weights = Array.from({ length }, (_, i) => Math.pow(1 + i, 1 + 2 * lean));
	const total = weights.reduce((a, b) => a + b, 0);
	const counts = weights.map((w) => Math.floor((w / total) * n));
	counts[length - 1]! += n - counts.reduce((a, b) => a + b, 0);
	return counts;
}

/** The large room's content as commands, in phases: each phase needs only the ones before it. */
export function largeRoomCommands(today = new Date()): Command[][] {
	const months = lastTwelveMonths(today);
	const stageId = (i: number) => `st-${i + 1}`;
	const phases: Command[][] = [[], [], [], []];
	const [defs, data, more, last] = phases as [Command[], Command[], Command[], Command[]];

	STAGES.forEach((name, i) =>
		defs.push({
			type: 'stage.add',
			stageId: stageId(i),
			name,
			customerGoal: `I want to ${name.toLowerCase()} without having to call anyone or repeat myself.`,
			index: i
		})
	);

	// Touchpoints: four per stage, the first a moment of truth; most of them assessed.
	for (let s = 0; s < STAGES.length; s++) {
		for (let t = 0; t < 4; t++) {
			const id = `tp-${s + 1}-${t + 1}`;
			data.push({
				type: 'touchpoint.add',
				touchpointId: id,
				stageId: stageId(s),
				name: t === 3 ? `${STAGES[s]} letters, emails and text messages` : `${STAGES[s]}: step ${t + 1}`,
				channel: ['Web', 'App', 'Phone', 'Mail'][t]!,
				momentOfTruth: t === 0,
				departments: [DEPARTMENTS[(s + t) % 8]!, DEPARTMENTS[(s + t + 3) % 8]!],
				importance: 5 + ((s + t) % 5),
				performance: 3 + ((s * 3 + t) % 6),
				internalScore: 6 + ((s + 2 * t) % 4)
			});
			if ((s + t) % 4 !== 3) {
				more.push({
					type: 'touchpoint.assess',
					touchpointId: id,
					maturity: MATURITIES[(s + t) % 3]!,
					evidence: 'Mystery shop of 20 customers and the last quarter of complaints.'
				});
			}
		}
	}

	// Artifacts: two per stage; every third stage has a recorded call; every fifth artifact is sensitive.
	for (let s = 0; s < STAGES.length; s++) {
		for (let a = 0; a < 2; a++) {
			const k = s * 2 + a;
			const call = a === 1 && s % 3 === 0;
			data.push({
				type: 'artifact.add',
				artifactId: `art-${k + 1}`,
				stageId: stageId(s),
				touchpointId: null,
				kind: call ? 'audio' : 'image',
				title: call ? `Recorded call: ${STAGES[s]!.toLowerCase()}` : `What customers receive at ${STAGES[s]!.toLowerCase()}`,
				caption: 'Collected by the curator from a real customer last month; names removed.',
				blobId: null,
				url: `/demo/${call ? CALLS[s % CALLS.length] : IMAGES[k % IMAGES.length]}`,
				transcript: call ? TRANSCRIPT : '',
				currentAsOf: `${months[11]}-01`,
				sensitive: k % 5 === 4,
				replacedBy: null
			});
		}
	}

	// Complaints: 40 categories over the 12 stages, a year of counts, two verbatims each.
	COMPLAINT_NAMES.forEach((name, c) => {
		const id = `cc-${c + 1}`;
		defs.push({
			type: 'complaint.define',
			categoryId: id,
			stageId: stageId(Math.floor((c * STAGES.length) / COMPLAINT_NAMES.length)),
			touchpointId: null,
			name,
			departments: [DEPARTMENTS[c % 8]!, DEPARTMENTS[(c + 2) % 8]!]
		});
		const base = 20 + ((c * 37) % 400);
		months.forEach((period, m) => {
			// Every seventh category jumps in the last two months: a signal the wall should mark.
			const jump = c % 7 === 0 && m >= 10 ? 1.9 : 1;
			const count = Math.round(base * (1 + WIGGLE[(m + c) % 12]!) * jump);
			data.push({ type: 'complaint.count', categoryId: id, period, count });
			if (c % 5 === 0) {
				data.push({
					type: 'complaint.count',
					categoryId: id,
					period,
					count: Math.max(1, Math.round(count / 12)),
					segment: LARGE_SEGMENT
				});
			}
		});
		for (let v = 0; v < 2; v++) {
			more.push({
				type: 'complaint.quote',
				categoryId: id,
				verbatim: {
					id: `cv-${c + 1}-${v + 1}`,
					text: VERBATIM,
					date: `${months[11 - v]}-0${v + 2}`,
					channel: v === 0 ? 'Web' : 'Phone',
					segment: c % 5 === 0 && v === 0 ? LARGE_SEGMENT : null
				}
			});
		}
	});

	// KPIs: five per stage (60), a year of monthly points; every ninth drifts away from its target.
	for (let k = 0; k < 60; k++) {
		const id = `kpi-${k + 1}`;
		const higher = k % 3 !== 1;
		const target = higher ? 80 : 5;
		const unit = ['%', 'days', '%', 'min', 'per 10,000 customers'][k % 5]!;
		defs.push({
			type: 'kpi.define',
			kpiId: id,
			stageId: stageId(k % STAGES.length),
			touchpointId: null,
			name: KPI_NAMES[k % KPI_NAMES.length]! + (k >= KPI_NAMES.length ? ' (second brand)' : ''),
			unit,
			direction: higher ? 'higher' : 'lower',
			target,
			warning: higher ? 5 : 2,
			source: 'Monthly operations report',
			department: DEPARTMENTS[k % 8]!
		});
		const level = higher ? 70 + (k % 20) : 3 + (k % 6);
		data.push({
			type: 'kpi.record',
			kpiId: id,
			points: months.map((period, m) => ({
				date: `${period}-01`,
				value: Math.round(level * (1 + WIGGLE[(m + k) % 12]! + (k % 9 === 0 && m >= 9 ? 0.25 : 0)) * 10) / 10
			}))
		});
	}

	// Surveys: 15 of the three kinds; two have thin samples; a third carry the segment.
	for (let s = 0; s < 15; s++) {
		const id = `sv-${s + 1}`;
		const kind = (['nps', 'csat', 'ces'] as const)[s % 3]!;
		const length = kind === 'nps' ? 11 : kind === 'csat' ? 5 : 7;
		defs.push({
			type: 'survey.define',
			surveyId: id,
			stageId: stageId(s % STAGES.length),
			touchpointId: null,
			kind,
			question:
				kind === 'nps'
					? 'How likely are you to recommend us to a friend or colleague, thinking about your last few months with us?'
					: kind === 'csat'
						? 'How satisfied are you with how we handled this?'
						: 'We made it easy for me to get this done.'
		});
		months.forEach((period, m) => {
			const n = s % 7 === 3 ? 18 : 150 + ((s * 31 + m * 7) % 300);
			data.push({ type: 'survey.record', surveyId: id, period, counts: distribution(length, n, 0.3 + ((s + m) % 5) / 10) });
			if (s % 3 === 0) {
				data.push({ type: 'survey.record', surveyId: id, period, counts: distribution(length, 25, 0.5), segment: LARGE_SEGMENT });
			}
		});
		more.push({
			type: 'survey.quote',
			surveyId: id,
			verbatim: {
				id: `svq-${s + 1}`,
				text: VERBATIM.slice(0, 180),
				date: `${months[11]}-03`,
				channel: 'Email survey',
				segment: null
			}
		});
	}

	// Fix teams: ten, across departments and statuses; three of them won.
	TEAM_NAMES.forEach((name, t) => {
		const id = `team-${t + 1}`;
		data.push({
			type: 'team.charter',
			teamId: id,
			name,
			problem: 'Customers tell us this step is slow, confusing and makes them repeat themselves.',
			stageId: stageId(t % STAGES.length),
			links: { touchpoints: [], complaints: [], kpis: [], surveys: [] },
			members: [
				{ name: `Member ${t}A`, department: DEPARTMENTS[t % 8]! },
				{ name: `Member ${t}B`, department: DEPARTMENTS[(t + 1) % 8]! },
				{ name: `Member ${t}C`, department: DEPARTMENTS[(t + 4) % 8]! }
			],
			sponsor: 'Chief Customer Officer',
			dueDate: `${months[11]}-28`,
			baseline: '38% complete in one sitting',
			target: '70% complete in one sitting'
		});
		const status = (['investigating', 'fixing', 'verifying', 'stalled'] as const)[t % 4]!;
		if (t < 7) more.push({ type: 'team.setStatus', teamId: id, status, note: 'Moved on at the monthly session.' });
		else {
			last.push({
				type: 'win.mark',
				winId: `win-${t + 1}`,
				teamId: id,
				stageId: stageId(t % STAGES.length),
				headline: `${name}: customers notice the difference`,
				before: '11 days',
				after: '4 days'
			});
		}
	});

	return phases;
}

/**
 * Sends the large room's commands. `openClient` gives a connected socket allowed to change the room
 * (the room itself must exist, or `create` says to make it with the first client). Commands are spread
 * over several sockets, none sending more than `perSocket`, because the server rate-limits each
 * connection; within a phase they go many at a time.
 */
export async function buildLargeRoom(
	openClient: () => Promise<TestSocket>,
	options: { roomId?: string; create?: boolean; perSocket?: number } = {}
): Promise<void> {
	const roomId = options.roomId ?? LARGE_ROOM_ID;
	const perSocket = options.perSocket ?? 40;
	const sockets: TestSocket[] = [];
	let used = 0;
	let current: TestSocket | null = null;
	/** The socket for the next command: a fresh one every `perSocket` commands. */
	async function next(): Promise<TestSocket> {
		if (!current || used >= perSocket) {
			current = await openClient();
			sockets.push(current);
			const joined = await join(current, roomId);
			if (!joined.ok) throw new Error(`join ${roomId}: ${joined.message}`);
			used = 0;
		}
		used++;
		return current;
	}
	try {
		if (options.create) {
			const first = await openClient();
			sockets.push(first);
			const created = await send(first, roomId, { type: 'room.create', name: LARGE_ROOM_NAME, organisation: 'Test Org' });
			if (!created.ok) throw new Error(`room.create: ${created.message}`);
		}
		const phases = largeRoomCommands();
		// Stages first, one by one, so the columns keep their order.
		for (const command of phases[0]!.filter((c) => c.type === 'stage.add')) await sendOk(await next(), roomId, command);
		phases[0] = phases[0]!.filter((c) => c.type !== 'stage.add');
		for (const phase of phases) {
			const batch: Array<Promise<void>> = [];
			for (const command of phase) batch.push(sendOk(await next(), roomId, command));
			await Promise.all(batch);
		}
	} finally {
		for (const s of sockets) s.disconnect();
	}
}

async function sendOk(socket: TestSocket, roomId: string, command: Command): Promise<void> {
	const result = await send(socket, roomId, command);
	if (!result.ok) throw new Error(`${command.type}: ${result.message}`);
}
