/**
 * The seeded demo room: Northwind Bank, a retail bank's Customer Room as its leadership team would
 * find it after a few months of practice. Seven journey stages; beneath each the artifacts customers
 * actually receive, complaint categories with real CFPB narratives, KPIs, survey distributions, and
 * the fix teams already at work.
 *
 * Deterministic: every id is a fixed string and nothing is random. Only the calendar moves: the twelve
 * months of counts, points and survey results end at the month of `today`, so the wall always looks
 * current. Wiggles are fixed tables, not noise, so the XmR rule flags exactly the signals built in:
 * "Debt collector contacting about debt not owed" jumps in the last three months and "Can't open
 * account" climbs steadily (both adverse); card-delivery complaints and days-to-card fall after the
 * won fix team's change (both favourable).
 */
import type { Command } from '../../src/lib/domain';
import { CFPB_VERBATIMS, asNorthwind } from './cfpb-verbatims';

export const DEMO_ROOM_ID = 'demo';

/** The most-profitable customers, so the board's segment filter has something to show. */
export const DEMO_SEGMENT = 'Private clients';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;
type Department =
	'Marketing' | 'Sales' | 'Operations' | 'Customer Service' | 'Product' | 'IT' | 'Finance/Billing' | 'HR' | 'Legal';

/** Builds the demo room, command by command, with the twelve complete months before `today`'s month. */
export function demoRoomCommands(today: Date = new Date()): Command[] {
	const months = lastTwelveMonths(today);
	const commands: Command[] = [];
	const add = (...cs: Command[]) => commands.push(...cs);
	const daysAgo = (n: number) => isoDay(new Date(today.getTime() - n * 86_400_000));

	add({
		type: 'room.create',
		name: 'Northwind Bank — Customer Room',
		organisation: 'Northwind Bank'
	});

	// 1. The journey, left to right, each stage in the customer's own words.
	for (const stage of STAGES) {
		add({ type: 'stage.add', stageId: stage.id, name: stage.name, customerGoal: stage.customerGoal });
	}

	// 2. Touchpoints, then where each stands on the ladder (a few are not assessed yet).
	for (const tp of TOUCHPOINTS) {
		add({
			type: 'touchpoint.add',
			touchpointId: tp.id,
			stageId: tp.stageId,
			name: tp.name,
			channel: tp.channel,
			momentOfTruth: tp.momentOfTruth,
			departments: [...tp.departments],
			importance: tp.scores?.[0] ?? null,
			performance: tp.scores?.[1] ?? null,
			internalScore: tp.scores?.[2] ?? null
		});
	}
	for (const [touchpointId, maturity, evidence] of ASSESSMENTS) {
		add({ type: 'touchpoint.assess', touchpointId, maturity, evidence });
	}

	// 3. What customers actually receive, and what they sound like on the phone.
	for (const a of ARTIFACTS) {
		add({
			type: 'artifact.add',
			artifactId: a.id,
			stageId: a.stageId,
			touchpointId: a.touchpointId,
			kind: a.kind,
			title: a.title,
			caption: a.caption,
			blobId: null,
			url: `/demo/${a.file}`,
			transcript: a.transcript ?? '',
			currentAsOf: daysAgo(a.collectedDaysAgo),
			sensitive: a.sensitive ?? false,
			replacedBy: null
		});
	}

	// 4. Complaints: categories, twelve months of counts (and the private-client share), real verbatims.
	for (const c of COMPLAINTS) {
		add({
			type: 'complaint.define',
			categoryId: c.id,
			stageId: c.stageId,
			touchpointId: c.touchpointId,
			name: c.name,
			departments: [...c.departments]
		});
		const counts = monthlyCounts(c.counts, months);
		months.forEach((m, i) => {
			add({ type: 'complaint.count', categoryId: c.id, period: m.period, count: counts[i]! });
		});
		if (c.segmentShare) {
			months.forEach((m, i) => {
				const share = c.segmentShare! * (1 + WIGGLE[(i + 5) % 12]! * 2);
				add({
					type: 'complaint.count',
					categoryId: c.id,
					period: m.period,
					count: Math.max(1, Math.round(counts[i]! * share)),
					segment: DEMO_SEGMENT
				});
			});
		}
		// The words are real CFPB narratives (2015-2020); for the demo they are dated within the last
		// quarter, so the board reads as a live room. The id keeps the CFPB complaint id for provenance.
		(CFPB_VERBATIMS[c.id] ?? []).forEach((v, k) => {
			add({
				type: 'complaint.quote',
				categoryId: c.id,
				verbatim: {
					id: `cfpb-${v.complaintId}`,
					text: asNorthwind(v.text),
					date: daysAgo(3 + k * 19 + (c.id.length % 7)),
					channel: v.submittedVia,
					segment: PRIVATE_CLIENT_COMPLAINTS.has(v.complaintId) ? DEMO_SEGMENT : null
				}
			});
		});
	}

	// 5. KPIs with twelve monthly points (dated the first of each month).
	for (const k of KPIS) {
		add({
			type: 'kpi.define',
			kpiId: k.id,
			stageId: k.stageId,
			touchpointId: k.touchpointId,
			name: k.name,
			unit: k.unit,
			direction: k.direction,
			target: k.target,
			warning: k.warning,
			source: k.source,
			department: k.department
		});
		add({
			type: 'kpi.record',
			kpiId: k.id,
			points: months.map((m, i) => ({ date: `${m.period}-01`, value: k.values[i]! }))
		});
	}

	// 6. Surveys: the raw distribution per month, never only a score.
	for (const s of SURVEYS) {
		add({
			type: 'survey.define',
			surveyId: s.id,
			stageId: s.stageId,
			touchpointId: s.touchpointId,
			kind: s.kind,
			question: s.question
		});
		months.forEach((m, i) => {
			add({ type: 'survey.record', surveyId: s.id, period: m.period, counts: s.distribution(i) });
		});
		if (s.segment) {
			const segment = s.segment;
			months.forEach((m, i) => {
				add({
					type: 'survey.record',
					surveyId: s.id,
					period: m.period,
					counts: segment(i),
					segment: DEMO_SEGMENT
				});
			});
		}
		for (const v of s.verbatims) {
			add({
				type: 'survey.quote',
				surveyId: s.id,
				verbatim: { id: v.id, text: v.text, date: daysAgo(v.daysAgo), channel: v.channel, segment: v.segment ?? null }
			});
		}
	}

	// 7. Fix teams at work, and one already won.
	const nextSession = nextFirstThursday(today);
	add(...accountOpeningTeam(nextSession));
	add(...wrongDebtTeam(nextSession));
	add(...cardFirstTeam(daysAgo(20)));

	return commands;
}

// -------------------------------------------------------------------------------------------------
// Calendar
// -------------------------------------------------------------------------------------------------

interface Month {
	/** YYYY-MM */
	period: string;
	/** Calendar month, 0 = January, for seasonality. */
	calendarMonth: number;
}

function lastTwelveMonths(today: Date): Month[] {
	const year = today.getUTCFullYear();
	const month = today.getUTCMonth();
	return Array.from({ length: 12 }, (_, i) => {
		// The twelve complete months before today's: a month in progress is not compared (see complaint-periods.ts).
		const d = new Date(Date.UTC(year, month - 12 + i, 1));
		return {
			period: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`,
			calendarMonth: d.getUTCMonth()
		};
	});
}

function isoDay(d: Date): string {
	return d.toISOString().slice(0, 10);
}

/** The monthly Customer Room meets on the first Thursday of the month. */
function nextFirstThursday(today: Date): string {
	const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));
	const offset = (4 - first.getUTCDay() + 7) % 7;
	return isoDay(new Date(first.getTime() + offset * 86_400_000));
}

// -------------------------------------------------------------------------------------------------
// Journey
// -------------------------------------------------------------------------------------------------

const STAGES = [
	{
		id: 'discover',
		name: 'Discover & compare',
		customerGoal:
			"I want to see what an account or a loan will really cost me, and whether I'll be accepted, before anyone runs a credit check."
	},
	{
		id: 'apply',
		name: 'Apply & open',
		customerGoal: 'I want to open an account from my phone in ten minutes, without printing, posting or visiting anything.'
	},
	{
		id: 'onboard',
		name: 'Onboard & first use',
		customerGoal: 'I want my card, my PIN and my app login to arrive in the order I need them, and to work on day one.'
	},
	{
		id: 'everyday',
		name: 'Everyday banking',
		customerGoal: "I want to know what's in my account and what's about to go out, and never be surprised by a fee."
	},
	{
		id: 'borrow',
		name: 'Borrow & credit',
		customerGoal: 'I want a clear yes or no quickly, and my repayments taken and reported correctly every month.'
	},
	{
		id: 'help',
		name: 'Get help & resolve problems',
		customerGoal: 'When something goes wrong I want one person to own it and fix it, without me repeating my story.'
	},
	{
		id: 'renew-leave',
		name: 'Renew / leave',
		customerGoal: 'When my rate ends or I decide to go, I want a fair offer or a clean exit, not a maze.'
	}
] as const;

type StageId = (typeof STAGES)[number]['id'];

interface TouchpointSeed {
	id: string;
	stageId: StageId;
	name: string;
	channel: string;
	momentOfTruth: boolean;
	departments: readonly Department[];
	/** Customer importance, customer-rated performance, our internal score (0-10). */
	scores?: readonly [number, number, number];
}

const TOUCHPOINTS: readonly TouchpointSeed[] = [
	{
		id: 'tp-rate-compare',
		stageId: 'discover',
		name: 'Rates & fees comparison page',
		channel: 'Web',
		momentOfTruth: false,
		departments: ['Marketing', 'Product', 'IT'],
		scores: [7.5, 6.8, 8.0]
	},
	{
		id: 'tp-eligibility',
		stageId: 'discover',
		name: 'Loan & card eligibility checker',
		channel: 'Web and app',
		momentOfTruth: true,
		departments: ['Product', 'IT', 'Legal', 'Sales'],
		scores: [8.6, 4.9, 7.5]
	},
	{
		id: 'tp-branch-appt',
		stageId: 'discover',
		name: 'Book a branch appointment',
		channel: 'Phone and web',
		momentOfTruth: false,
		departments: ['Sales', 'Operations']
	},

	{
		id: 'tp-app-application',
		stageId: 'apply',
		name: 'Mobile account application',
		channel: 'App',
		momentOfTruth: true,
		departments: ['Product', 'IT', 'Operations', 'Legal'],
		scores: [9.2, 4.1, 7.0]
	},
	{
		id: 'tp-id-check',
		stageId: 'apply',
		name: 'Identity & address verification',
		channel: 'App and branch',
		momentOfTruth: false,
		departments: ['Operations', 'IT', 'Legal'],
		scores: [8.0, 4.5, 6.5]
	},
	{
		id: 'tp-application-status',
		stageId: 'apply',
		name: 'Application status emails',
		channel: 'Email and SMS',
		momentOfTruth: false,
		departments: ['Operations', 'Marketing']
	},

	{
		id: 'tp-card-delivery',
		stageId: 'onboard',
		name: 'Debit card & PIN delivery',
		channel: 'Mail',
		momentOfTruth: true,
		departments: ['Operations', 'Marketing', 'IT'],
		scores: [8.8, 8.1, 7.5]
	},
	{
		id: 'tp-welcome-pack',
		stageId: 'onboard',
		name: 'Welcome letter & pack',
		channel: 'Mail and email',
		momentOfTruth: false,
		departments: ['Marketing', 'Legal'],
		scores: [5.0, 6.2, 7.8]
	},
	{
		id: 'tp-first-login',
		stageId: 'onboard',
		name: 'First app login & card activation',
		channel: 'App',
		momentOfTruth: false,
		departments: ['IT', 'Product'],
		scores: [8.4, 7.9, 8.0]
	},

	{
		id: 'tp-app-home',
		stageId: 'everyday',
		name: 'Mobile app home & balance',
		channel: 'App',
		momentOfTruth: true,
		departments: ['Product', 'IT'],
		scores: [9.0, 8.7, 8.5]
	},
	{
		id: 'tp-statement',
		stageId: 'everyday',
		name: 'Monthly statement',
		channel: 'Mail and PDF',
		momentOfTruth: false,
		departments: ['Operations', 'Finance/Billing'],
		scores: [5.2, 6.0, 7.0]
	},
	{
		id: 'tp-fee-alerts',
		stageId: 'everyday',
		name: 'Fee & low-balance alerts',
		channel: 'App push and SMS',
		momentOfTruth: false,
		departments: ['Product', 'Finance/Billing', 'IT'],
		scores: [7.8, 3.9, 6.5]
	},
	{
		id: 'tp-card-payments',
		stageId: 'everyday',
		name: 'Card payments & contactless',
		channel: 'Card',
		momentOfTruth: false,
		departments: ['IT', 'Operations'],
		scores: [8.5, 8.2, 8.8]
	},

	{
		id: 'tp-loan-decision',
		stageId: 'borrow',
		name: 'Personal loan decision',
		channel: 'App and web',
		momentOfTruth: true,
		departments: ['Sales', 'Product', 'Finance/Billing'],
		scores: [8.7, 6.2, 7.4]
	},
	{
		id: 'tp-overdraft-letter',
		stageId: 'borrow',
		name: 'Overdraft & arrears letters',
		channel: 'Mail',
		momentOfTruth: false,
		departments: ['Finance/Billing', 'Legal', 'Customer Service'],
		scores: [6.8, 3.2, 6.0]
	},
	{
		id: 'tp-repayments',
		stageId: 'borrow',
		name: 'Loan & mortgage repayments',
		channel: 'Direct debit',
		momentOfTruth: false,
		departments: ['Finance/Billing', 'Operations']
	},

	{
		id: 'tp-contact-centre',
		stageId: 'help',
		name: 'Contact centre call',
		channel: 'Phone',
		momentOfTruth: true,
		departments: ['Customer Service', 'Operations', 'HR'],
		scores: [9.1, 5.0, 7.2]
	},
	{
		id: 'tp-complaint-handling',
		stageId: 'help',
		name: 'Complaint & dispute handling',
		channel: 'Phone, web and mail',
		momentOfTruth: true,
		departments: ['Customer Service', 'Legal', 'Operations']
	},
	{
		id: 'tp-collections',
		stageId: 'help',
		name: 'Collections calls & letters',
		channel: 'Phone and mail',
		momentOfTruth: false,
		departments: ['Finance/Billing', 'Customer Service', 'Legal'],
		scores: [7.0, 2.8, 5.5]
	},
	{
		id: 'tp-branch-help',
		stageId: 'help',
		name: 'In-branch help desk',
		channel: 'Branch',
		momentOfTruth: false,
		departments: ['Operations', 'Customer Service'],
		scores: [7.0, 8.4, 7.0]
	},

	{
		id: 'tp-renewal-offer',
		stageId: 'renew-leave',
		name: 'Fixed-rate renewal offer',
		channel: 'Email and app',
		momentOfTruth: true,
		departments: ['Sales', 'Product', 'Marketing'],
		scores: [8.2, 8.5, 7.0]
	},
	{
		id: 'tp-account-closure',
		stageId: 'renew-leave',
		name: 'Closing an account or switching away',
		channel: 'Branch, phone and mail',
		momentOfTruth: false,
		departments: ['Operations', 'Customer Service', 'Finance/Billing']
	}
];

type Assessment = readonly [touchpointId: string, maturity: Cmd<'touchpoint.assess'>['maturity'], evidence: string];

/** Unassessed on purpose: tp-branch-appt, tp-application-status, tp-repayments, tp-complaint-handling, tp-account-closure. */
const ASSESSMENTS: readonly Assessment[] = [
	[
		'tp-rate-compare',
		'reliable',
		'Usability test, 8 of 10 found the monthly fee and waiver in under a minute. The overdraft fee is still only in the footnote.'
	],
	[
		'tp-eligibility',
		'broken',
		"The checker is a soft search, but 'Continue to apply' on the result page starts a hard search. 3 of 5 test users did not realise; see the complaints about credit checks."
	],
	[
		'tp-app-application',
		'broken',
		'Only 38% finish in one sitting; median 26 minutes. 41% of drop-outs stop at the ID upload (step 4 of 7).'
	],
	[
		'tp-id-check',
		'broken',
		'Automatic check rejects 1 in 4 photos (mostly glare). Failures get a "visit a branch with two documents" email and a 2-day manual review.'
	],
	[
		'tp-card-delivery',
		'broken',
		'Card in hand 11 days after approval on average; the welcome letter telling people to "start using your card today" arrives a week earlier.'
	],
	['tp-welcome-pack', 'reliable', 'Read by 64% (QR scans and app downloads within 7 days). Tone tested well with new customers.'],
	[
		'tp-first-login',
		'reliable',
		'First login works for 93% without a call; card activation within 7 days still short of the 80% target.'
	],
	[
		'tp-app-home',
		'differentiating',
		"4.6 stars. 'Balance after pending' and the upcoming-bill warning are mentioned unprompted in NPS comments as reasons people moved their salary here."
	],
	[
		'tp-statement',
		'reliable',
		'Accurate and on time. Fee lines are cryptic ("OD ARR FEE"), which drives calls, so this is no better than reliable.'
	],
	[
		'tp-fee-alerts',
		'broken',
		'The low-balance alert fires after the overdraft fee has posted, not before. Customers find out from the statement.'
	],
	[
		'tp-card-payments',
		'reliable',
		'98.7% approved first time. Most declines are fraud-rule false positives on travel, even when a travel notice is set in the app.'
	],
	[
		'tp-loan-decision',
		'reliable',
		'81% decided within 24 hours; customers rate the speed well but the final rate often differs from the quoted range.'
	],
	[
		'tp-overdraft-letter',
		'broken',
		'Reading grade 14, legal wording first, the phone number on page 2. Customers call Collections to ask what the letter means.'
	],
	[
		'tp-contact-centre',
		'broken',
		'First-contact resolution 64% against a 75% target and falling; Saturday wait peaks at 4 minutes.'
	],
	[
		'tp-collections',
		'broken',
		'Disputed and settled balances still reach the collections agency in the weekly file; customers are called while a dispute is open.'
	],
	[
		'tp-branch-help',
		'differentiating',
		'Branch staff fix 84% of problems on the spot; customers name them in survey comments. Queue times on Saturdays are the weak point.'
	],
	[
		'tp-renewal-offer',
		'differentiating',
		'Offer arrives 90 days ahead with a one-tap renewal; 84% of fixed-rate customers renew, against 71% two years ago.'
	]
];

// -------------------------------------------------------------------------------------------------
// Artifacts (mock-ups in static/demo/)
// -------------------------------------------------------------------------------------------------

interface ArtifactSeed {
	id: string;
	stageId: StageId;
	touchpointId: string | null;
	kind: 'image' | 'audio';
	title: string;
	caption: string;
	file: string;
	collectedDaysAgo: number;
	transcript?: string;
	sensitive?: boolean;
}

const CALL_STUCK_AT_ID = `Recorded call, inbound, 11 min 42 s. Agent: Jordan (Contact centre). Wrap code APP-ID-FAIL.

AGENT: Thank you for calling Northwind Bank, this is Jordan. How can I help today?
CUSTOMER: Hi. I'm trying to open a checking account on the app and it keeps failing at the ID bit.
AGENT: I'm sorry about that. Can you tell me what the message says?
CUSTOMER: Just "Something went wrong. Please try again." I've tried four times. Kitchen, living room, flash on, flash off.
AGENT: Okay, let me pull up the application... I can see it, you're on step four. The photo was rejected by the automatic check. It looks like glare on the license.
CUSTOMER: It doesn't say that though. It just says something went wrong. Can you approve it from there?
AGENT: I'm afraid I can't override the check from here. What I can do is send you the list of documents to bring into a branch, and they'll finish it with you.
CUSTOMER: A branch? The whole reason I'm doing this on my phone is I work till six.
AGENT: I understand. Our Elm Street branch is open Saturday mornings, nine until one.
CUSTOMER: So I've spent forty minutes on this and I still have to go in. What do I need to bring?
AGENT: Two of these: your passport or driver's license, a utility bill or bank statement from the last ninety days, or your Social Security card or a W-2.
CUSTOMER: I don't get paper bills. Everything's online.
AGENT: A printout of an online statement is fine.
CUSTOMER: I don't have a printer. ... Honestly, I'll probably just open one with my credit union. They did it in the app.
AGENT: I'm sorry it's been this hard. I'll note your feedback on the application, and it will stay open for fourteen days if you change your mind.
CUSTOMER: Okay. Thanks.
[End of call]`;

const CALL_CARD_DECLINED = `Recorded call, inbound from abroad, 8 min 15 s. Agent: Amira (Card services). Wrap code CARD-DECLINE-FRAUD.

AGENT: Northwind Bank card services, this is Amira. Can I start with your name?
CUSTOMER: Daniel Reyes. My card's just been declined at a restaurant in Lisbon and I've got no other way to pay.
AGENT: I'm sorry, Mr. Reyes. Let me verify a few details and take a look. ... Thank you. I can see a decline twenty minutes ago for 86 euros. It was stopped by our fraud screening.
CUSTOMER: I told you I was travelling. I put it in the app last week.
AGENT: I can see the travel notice in the app, yes. Unfortunately it doesn't always reach the fraud system straight away, it can take a day or so to sync.
CUSTOMER: I set it up a week ago.
AGENT: I understand. The notice has the right dates, but this rule looks at the type of merchant and the time of night together. I've cleared the block now and marked the card for travel until the twenty-eighth.
CUSTOMER: Will it happen again tomorrow?
AGENT: It shouldn't. If it does, you'll get a text asking "Was this you?" and you can reply YES to approve it.
CUSTOMER: I didn't get a text this time.
AGENT: I can see the text went to a number ending 0193. Is that still yours?
CUSTOMER: No. That's my old work phone. I changed it in the app months ago.
AGENT: The app updates your contact number for statements, but the fraud alerts use a separate record. I've updated that now too.
CUSTOMER: So there are two phone numbers for me and you only changed one.
AGENT: There were. Both are the same now. Please try the card again; I'll stay on the line.
CUSTOMER: ... Okay, it went through. Thanks.
[End of call]`;

const CALL_WRONG_DEBT = `Recorded call, inbound, 14 min 3 s. Agent: Marcus (Customer Service). Wrap code COLL-DISPUTE. Contains customer details.

AGENT: Northwind Bank, you're speaking with Marcus. How can I help?
CUSTOMER: I got a letter from a company called Crestline Recovery saying I owe Northwind money. I closed my account with you in March. I don't owe you anything.
AGENT: I'm sorry to hear that, let's get it sorted. Can I take your name and date of birth?
CUSTOMER: Maria Gonzalez, June 2nd, 1984.
AGENT: Thank you, Ms. Gonzalez. And the address on the letter?
CUSTOMER: 2207 Birchwood Avenue, apartment 3B, Columbus.
AGENT: Thank you. I can see the checking account ending 4471, closed on March 14th with a zero balance. ... There was a monthly service fee that posted two days after closure, so the system shows a balance of sixty-three cents.
CUSTOMER: Sixty-three cents? They called me at work. Twice. And they said it's going on my credit report.
AGENT: I understand, and I'm sorry. That fee should never have posted to a closed account. I'm going to raise a dispute and ask for the balance to be written off.
CUSTOMER: And will they stop calling me?
AGENT: The dispute goes to our collections team today. The agency works from a file we send them every week, so, honestly, you might get another call before it's updated.
CUSTOMER: So I could be chased for a week for something you agree I don't owe.
AGENT: I'm going to put a note on the account and email the collections team directly. If they call again, you can give them this reference: D-55120.
CUSTOMER: What about my credit report?
AGENT: If it has been reported, we'll ask the bureaus to remove it. That can take up to thirty days, and you'll get a letter confirming it.
CUSTOMER: Thirty days. Okay. I want that in writing.
AGENT: You'll have an email from me today with the reference and what happens next.
[End of call]`;

const CALL_CLOSING = `Recorded call, inbound, 9 min 27 s. Agent: Kelly (Contact centre). Wrap code CLOSE-REQ.

AGENT: Thank you for calling Northwind Bank, this is Kelly. How can I help?
CUSTOMER: Hi, I'd like to close my checking account. I've moved my salary to another bank.
AGENT: I'm sorry to hear you're leaving. Can I ask what made you decide to move?
CUSTOMER: Mostly the overdraft fees. Three in two days, and the alert came after the fees.
AGENT: I understand. Before you go, I can see you'd be eligible for our Plus Checking, which has...
CUSTOMER: No, thank you. I've made up my mind. How do I close it?
AGENT: Of course. To close a checking account we need either a visit to a branch with photo ID, or a signed letter sent to our Account Services address.
CUSTOMER: A letter? I opened it on my phone. Why do I have to post a letter to close it?
AGENT: It's a security step, to make sure it's really you asking.
CUSTOMER: You've just asked me three security questions.
AGENT: I know, I'm sorry. The phone system can't close accounts that have had direct deposits in the last sixty days.
CUSTOMER: Fine. What happens to the money that's left?
AGENT: Once the letter arrives we close the account within ten business days and mail a closeout check for the balance.
CUSTOMER: A check. In the mail. Can't you just transfer it to my new account?
AGENT: We can only transfer to another Northwind account, I'm afraid.
CUSTOMER: Okay. Send me the address.
[End of call]`;

const ARTIFACTS: readonly ArtifactSeed[] = [
	{
		id: 'a-compare-page',
		stageId: 'discover',
		touchpointId: 'tp-rate-compare',
		kind: 'image',
		title: 'Compare checking accounts, web page',
		caption:
			'What a prospect sees first on northwindbank.com. "No branch visit needed" is in the headline; the $35 overdraft fee is in the footnote.',
		file: 'compare-accounts.svg',
		collectedDaysAgo: 40
	},
	{
		id: 'a-eligibility-result',
		stageId: 'discover',
		touchpointId: 'tp-eligibility',
		kind: 'image',
		title: 'Eligibility checker result screen',
		caption:
			'"This check didn\'t affect your credit score", and the button underneath starts a hard search. The small print says so in 9-point grey.',
		file: 'eligibility-result.svg',
		collectedDaysAgo: 35
	},
	{
		id: 'a-id-upload',
		stageId: 'apply',
		touchpointId: 'tp-app-application',
		kind: 'image',
		title: 'Account application, step 4 of 7: upload your ID',
		caption: 'Where 41% of drop-outs happen. The photo fails on glare; the message only says "Something went wrong".',
		file: 'app-id-upload.svg',
		collectedDaysAgo: 30
	},
	{
		id: 'a-more-details-email',
		stageId: 'apply',
		touchpointId: 'tp-application-status',
		kind: 'image',
		title: 'Email: "Action needed: we need a few more details"',
		caption: 'Sent when the ID check fails. "Dear Applicant", a branch visit with two documents, and no link to finish online.',
		file: 'onboarding-email.svg',
		collectedDaysAgo: 30
	},
	{
		id: 'a-call-stuck-at-id',
		stageId: 'apply',
		touchpointId: 'tp-id-check',
		kind: 'audio',
		title: 'Recorded call: stuck at the ID step',
		caption: 'An applicant tries four times, is told to visit a branch, and leaves for her credit union.',
		file: 'calls/call-stuck-at-id.ogg',
		collectedDaysAgo: 24,
		transcript: CALL_STUCK_AT_ID
	},
	{
		id: 'a-welcome-letter',
		stageId: 'onboard',
		touchpointId: 'tp-welcome-pack',
		kind: 'image',
		title: 'Welcome letter',
		caption:
			'"Start using your debit card today", mailed the day the account opened, about a week before the card arrived. Now sent after card dispatch.',
		file: 'welcome-letter.svg',
		collectedDaysAgo: 150
	},
	{
		id: 'a-card-carrier',
		stageId: 'onboard',
		touchpointId: 'tp-card-delivery',
		kind: 'image',
		title: 'Debit card carrier',
		caption:
			"The card arrives glued to this. Since the fix team's change it is printed daily and mailed priority: 4 days to card in hand.",
		file: 'card-carrier.svg',
		collectedDaysAgo: 25
	},
	{
		id: 'a-app-home',
		stageId: 'everyday',
		touchpointId: 'tp-app-home',
		kind: 'image',
		title: 'Mobile app home screen',
		caption: '"Balance after pending" and the upcoming-rent warning: the two things customers praise unprompted.',
		file: 'app-home.svg',
		collectedDaysAgo: 20
	},
	{
		id: 'a-statement',
		stageId: 'everyday',
		touchpointId: 'tp-statement',
		kind: 'image',
		title: 'Monthly checking statement',
		caption:
			'Three overdraft fees in two days, shown as "OD ARR FEE ITEM 1-3". The low-balance alert went out after the first one.',
		file: 'statement.svg',
		collectedDaysAgo: 50
	},
	{
		id: 'a-call-card-declined',
		stageId: 'everyday',
		touchpointId: 'tp-card-payments',
		kind: 'audio',
		title: 'Recorded call: card declined abroad',
		caption:
			'Travel notice set in the app, card declined anyway, and the fraud text went to an old phone number held in a second record.',
		file: 'calls/call-card-declined.ogg',
		collectedDaysAgo: 45,
		transcript: CALL_CARD_DECLINED
	},
	{
		id: 'a-overdraft-letter',
		stageId: 'borrow',
		touchpointId: 'tp-overdraft-letter',
		kind: 'image',
		title: 'Overdraft arrears letter',
		caption:
			'Legal wording first, "demand for payment", and the number to call on page 2. Sent the day after the statement above.',
		file: 'overdraft-letter.svg',
		collectedDaysAgo: 50
	},
	{
		id: 'a-branch-queue',
		stageId: 'help',
		touchpointId: 'tp-branch-help',
		kind: 'image',
		title: 'Branch queue screen, Saturday 10:41',
		caption: 'Customers who could not get through on the phone come in on Saturday morning: 35 minutes, 2 of 5 counters open.',
		file: 'branch-queue.svg',
		collectedDaysAgo: 16
	},
	{
		id: 'a-collections-letter',
		stageId: 'help',
		touchpointId: 'tp-collections',
		kind: 'image',
		title: 'Collections letter for $0.63',
		caption:
			"Sent by our agency to a customer who closed her account with a zero balance; a fee posted after closure. Shows the customer's name, address and account number.",
		file: 'collections-letter.svg',
		collectedDaysAgo: 60,
		sensitive: true
	},
	{
		id: 'a-call-wrong-debt',
		stageId: 'help',
		touchpointId: 'tp-complaint-handling',
		kind: 'audio',
		title: 'Recorded call: "I don\'t owe this"',
		caption: 'The customer behind the $0.63 letter. The agent agrees, and still cannot stop the agency calling for another week.',
		file: 'calls/call-wrong-debt.ogg',
		collectedDaysAgo: 58,
		transcript: CALL_WRONG_DEBT,
		sensitive: true
	},
	{
		id: 'a-renewal-email',
		stageId: 'renew-leave',
		touchpointId: 'tp-renewal-offer',
		kind: 'image',
		title: 'Fixed-rate renewal email',
		caption:
			'Ninety days ahead, the actual rate, the estimated interest, and a one-tap renewal. Copied by two other teams already.',
		file: 'renewal-email.svg',
		collectedDaysAgo: 12
	},
	{
		id: 'a-call-closing',
		stageId: 'renew-leave',
		touchpointId: 'tp-account-closure',
		kind: 'audio',
		title: 'Recorded call: closing my account',
		caption: 'Opened on a phone; closing needs a posted letter or a branch visit, and the balance comes back as a mailed check.',
		file: 'calls/call-closing-account.ogg',
		collectedDaysAgo: 33,
		transcript: CALL_CLOSING
	}
];

// -------------------------------------------------------------------------------------------------
// Complaints
// -------------------------------------------------------------------------------------------------

/** Seasonal swing by calendar month (January first), as a fraction of the base. */
const SEASONS = {
	flat: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
	/** Holiday spending shows up in January fees and payment trouble. */
	january: [0.14, 0.08, 0.02, -0.03, -0.05, -0.06, -0.04, -0.05, -0.03, 0, 0.03, -0.01],
	/** Travel season: cards declined abroad. */
	summer: [-0.05, -0.07, -0.05, -0.02, 0.03, 0.08, 0.12, 0.1, 0.02, -0.04, -0.06, -0.06],
	/** Account openings peak in January and September. */
	openings: [0.08, 0.03, 0, -0.04, -0.05, -0.07, -0.05, 0.02, 0.08, 0.04, 0, -0.04]
} as const;

/** A fixed, hand-picked month-to-month wiggle (no randomness), shifted per category. */
const WIGGLE: readonly number[] = [0.04, -0.03, 0.05, -0.05, 0.01, -0.02, 0.05, -0.06, 0.03, -0.01, 0.02, -0.04];

interface CountSeed {
	base: number;
	season: keyof typeof SEASONS;
	shift: number;
	/** Multipliers for the most recent months, oldest first: a jump, a climb or a drop. */
	recent?: readonly number[];
}

function monthlyCounts(seed: CountSeed, months: readonly Month[]): number[] {
	const recent = seed.recent ?? [];
	return months.map((m, i) => {
		const seasonal = 1 + SEASONS[seed.season][m.calendarMonth]!;
		const wiggle = 1 + WIGGLE[(i + seed.shift) % 12]!;
		const j = i - (months.length - recent.length);
		const lift = j >= 0 ? recent[j]! : 1;
		return Math.round(seed.base * seasonal * wiggle * lift);
	});
}

interface ComplaintSeed {
	id: string;
	stageId: StageId;
	touchpointId: string | null;
	name: string;
	departments: readonly Department[];
	counts: CountSeed;
	/** Share of the monthly count from private clients, when the segment is tracked. */
	segmentShare?: number;
}

const COMPLAINTS: readonly ComplaintSeed[] = [
	{
		id: 'c-promo',
		stageId: 'discover',
		touchpointId: 'tp-rate-compare',
		name: 'Misleading offers and promotions',
		departments: ['Marketing', 'Legal', 'Product'],
		counts: { base: 34, season: 'flat', shift: 0 }
	},
	{
		id: 'c-credit-check',
		stageId: 'discover',
		touchpointId: 'tp-eligibility',
		name: "Credit check I didn't agree to",
		departments: ['Product', 'IT', 'Legal'],
		counts: { base: 48, season: 'openings', shift: 3 }
	},
	{
		id: 'c-cant-open',
		stageId: 'apply',
		touchpointId: 'tp-id-check',
		name: "Can't open account",
		departments: ['Operations', 'IT', 'Product'],
		counts: { base: 86, season: 'openings', shift: 6, recent: [1.1, 1.2, 1.3, 1.42] }
	},
	{
		id: 'c-apply-delay',
		stageId: 'apply',
		touchpointId: 'tp-application-status',
		name: 'Application stuck or delayed',
		departments: ['Operations', 'Sales'],
		counts: { base: 58, season: 'openings', shift: 9 }
	},
	{
		id: 'c-card-arrival',
		stageId: 'onboard',
		touchpointId: 'tp-card-delivery',
		name: "Card or PIN didn't arrive",
		departments: ['Operations', 'IT'],
		counts: { base: 94, season: 'openings', shift: 1, recent: [0.78, 0.56, 0.5] }
	},
	{
		id: 'c-extras',
		stageId: 'onboard',
		touchpointId: 'tp-first-login',
		name: "Enrolled in extras I didn't ask for",
		departments: ['Marketing', 'Product', 'Legal'],
		counts: { base: 22, season: 'flat', shift: 4 }
	},
	{
		id: 'c-fees',
		stageId: 'everyday',
		touchpointId: 'tp-fee-alerts',
		name: 'Fees charged unexpectedly',
		departments: ['Finance/Billing', 'Product'],
		counts: { base: 212, season: 'january', shift: 2 },
		segmentShare: 0.05
	},
	{
		id: 'c-frozen',
		stageId: 'everyday',
		touchpointId: 'tp-card-payments',
		name: 'Card declined or account frozen',
		departments: ['Operations', 'IT', 'Legal'],
		counts: { base: 118, season: 'summer', shift: 7 },
		segmentShare: 0.09
	},
	{
		id: 'c-credit-report',
		stageId: 'borrow',
		touchpointId: 'tp-repayments',
		name: 'Credit report shows wrong information',
		departments: ['Finance/Billing', 'Operations'],
		counts: { base: 141, season: 'flat', shift: 5 }
	},
	{
		id: 'c-payments',
		stageId: 'borrow',
		touchpointId: 'tp-repayments',
		name: 'Trouble during payment process',
		departments: ['Finance/Billing', 'Operations', 'IT'],
		counts: { base: 73, season: 'january', shift: 8 }
	},
	{
		id: 'c-not-owed',
		stageId: 'help',
		touchpointId: 'tp-collections',
		name: 'Debt collector contacting about debt not owed',
		departments: ['Finance/Billing', 'Customer Service', 'Legal'],
		counts: { base: 61, season: 'flat', shift: 10, recent: [1.95, 2.3, 2.15] },
		segmentShare: 0.04
	},
	{
		id: 'c-tactics',
		stageId: 'help',
		touchpointId: 'tp-collections',
		name: 'Collection calls and letters feel like harassment',
		departments: ['Finance/Billing', 'Customer Service'],
		counts: { base: 29, season: 'flat', shift: 11 }
	},
	{
		id: 'c-dispute',
		stageId: 'help',
		touchpointId: 'tp-complaint-handling',
		name: 'Dispute closed without fixing the error',
		departments: ['Customer Service', 'Operations'],
		counts: { base: 54, season: 'flat', shift: 2 }
	},
	{
		id: 'c-closing',
		stageId: 'renew-leave',
		touchpointId: 'tp-account-closure',
		name: 'Hard to close an account',
		departments: ['Operations', 'Customer Service'],
		counts: { base: 39, season: 'january', shift: 6 }
	},
	{
		id: 'c-renewal',
		stageId: 'renew-leave',
		touchpointId: 'tp-renewal-offer',
		name: 'Fees or terms changed at renewal',
		departments: ['Product', 'Sales', 'Finance/Billing'],
		counts: { base: 27, season: 'flat', shift: 9 },
		segmentShare: 0.18
	}
];

/** CFPB narratives shown under the private-clients segment (the complainants held premium products). */
const PRIVATE_CLIENT_COMPLAINTS: ReadonlySet<string> = new Set(['3105364', '3151629', '3066098', '3497776']);

// -------------------------------------------------------------------------------------------------
// KPIs
// -------------------------------------------------------------------------------------------------

interface KpiSeed {
	id: string;
	stageId: StageId;
	touchpointId: string | null;
	name: string;
	unit: string;
	direction: 'higher' | 'lower';
	target: number;
	warning: number;
	source: string;
	department: Department;
	/** Twelve monthly values, oldest first. */
	values: readonly number[];
}

const KPIS: readonly KpiSeed[] = [
	{
		id: 'k-check-to-apply',
		stageId: 'discover',
		touchpointId: 'tp-eligibility',
		name: 'Eligibility check to application started',
		unit: '%',
		direction: 'higher',
		target: 35,
		warning: 5,
		source: 'Web analytics',
		department: 'Marketing',
		values: [32.1, 31.4, 33.0, 32.6, 31.8, 32.9, 33.4, 32.2, 31.6, 32.8, 32.0, 31.7]
	},
	{
		id: 'k-branch-appt-days',
		stageId: 'discover',
		touchpointId: 'tp-branch-appt',
		name: 'Days to next branch appointment',
		unit: 'days',
		direction: 'lower',
		target: 3,
		warning: 2,
		source: 'Appointment booking system',
		department: 'Sales',
		values: [2.4, 2.6, 2.2, 2.8, 2.5, 2.3, 2.7, 2.4, 2.9, 2.6, 2.5, 2.3]
	},
	{
		id: 'k-one-sitting',
		stageId: 'apply',
		touchpointId: 'tp-app-application',
		name: 'Applications completed in one sitting',
		unit: '%',
		direction: 'higher',
		target: 70,
		warning: 10,
		source: 'App analytics (application funnel)',
		department: 'Product',
		values: [38, 37, 39, 38, 36, 38, 39, 37, 38, 37, 39, 41]
	},
	{
		id: 'k-time-to-open',
		stageId: 'apply',
		touchpointId: 'tp-app-application',
		name: 'Time to open an account (median)',
		unit: 'min',
		direction: 'lower',
		target: 10,
		warning: 5,
		source: 'Onboarding platform logs',
		department: 'IT',
		values: [26, 25, 27, 26, 24, 26, 27, 25, 26, 27, 25, 24]
	},
	{
		id: 'k-card-days',
		stageId: 'onboard',
		touchpointId: 'tp-card-delivery',
		name: 'Approval to card in hand',
		unit: 'days',
		direction: 'lower',
		target: 5,
		warning: 2,
		source: 'Card bureau dispatch and delivery scans',
		department: 'Operations',
		values: [11.2, 10.8, 11.5, 11.0, 10.6, 11.3, 10.9, 11.4, 10.7, 6.1, 4.3, 3.9]
	},
	{
		id: 'k-activation',
		stageId: 'onboard',
		touchpointId: 'tp-first-login',
		name: 'Cards activated within 7 days',
		unit: '%',
		direction: 'higher',
		target: 80,
		warning: 5,
		source: 'Card management system',
		department: 'Product',
		values: [61, 63, 62, 60, 62, 61, 63, 62, 64, 71, 76, 78]
	},
	{
		id: 'k-app-rating',
		stageId: 'everyday',
		touchpointId: 'tp-app-home',
		name: 'App store rating (90 days)',
		unit: 'stars',
		direction: 'higher',
		target: 4.5,
		warning: 0.3,
		source: 'App Store and Google Play',
		department: 'Product',
		values: [4.5, 4.6, 4.5, 4.6, 4.6, 4.5, 4.6, 4.7, 4.6, 4.6, 4.7, 4.6]
	},
	{
		id: 'k-first-time-approvals',
		stageId: 'everyday',
		touchpointId: 'tp-card-payments',
		name: 'Card payments approved first time',
		unit: '%',
		direction: 'higher',
		target: 99,
		warning: 0.5,
		source: 'Card authorisation logs',
		department: 'IT',
		values: [98.9, 98.8, 98.7, 98.9, 98.6, 98.8, 98.7, 98.9, 98.8, 98.6, 98.8, 98.7]
	},
	{
		id: 'k-loan-decision',
		stageId: 'borrow',
		touchpointId: 'tp-loan-decision',
		name: 'Loan decisions within 24 hours',
		unit: '%',
		direction: 'higher',
		target: 85,
		warning: 5,
		source: 'Loan origination system',
		department: 'Sales',
		values: [80, 82, 79, 81, 83, 80, 82, 81, 79, 82, 80, 81]
	},
	{
		id: 'k-credit-corrections',
		stageId: 'borrow',
		touchpointId: 'tp-repayments',
		name: 'Credit file corrections requested',
		unit: 'per month',
		direction: 'lower',
		target: 150,
		warning: 50,
		source: 'Credit bureau dispute feed',
		department: 'Finance/Billing',
		values: [172, 181, 168, 176, 185, 170, 178, 166, 183, 174, 179, 171]
	},
	{
		id: 'k-fcr',
		stageId: 'help',
		touchpointId: 'tp-contact-centre',
		name: 'First-contact resolution',
		unit: '%',
		direction: 'higher',
		target: 75,
		warning: 5,
		source: 'Contact centre platform, 7-day repeat-call check',
		department: 'Customer Service',
		values: [71, 70, 72, 69, 71, 70, 69, 70, 68, 66, 65, 64]
	},
	{
		id: 'k-wait',
		stageId: 'help',
		touchpointId: 'tp-contact-centre',
		name: 'Average call wait',
		unit: 's',
		direction: 'lower',
		target: 120,
		warning: 60,
		source: 'Contact centre platform',
		department: 'Customer Service',
		values: [148, 162, 139, 151, 168, 157, 171, 160, 176, 166, 181, 172]
	},
	{
		id: 'k-complaint-days',
		stageId: 'help',
		touchpointId: 'tp-complaint-handling',
		name: 'Complaint resolution time (median)',
		unit: 'days',
		direction: 'lower',
		target: 8,
		warning: 7,
		source: 'Complaints system',
		department: 'Customer Service',
		values: [11, 12, 10, 11, 13, 12, 11, 12, 13, 14, 13, 13]
	},
	{
		id: 'k-renewal-retention',
		stageId: 'renew-leave',
		touchpointId: 'tp-renewal-offer',
		name: 'Fixed-rate customers retained at renewal',
		unit: '%',
		direction: 'higher',
		target: 80,
		warning: 5,
		source: 'Core banking, maturity report',
		department: 'Sales',
		values: [82, 83, 81, 84, 83, 85, 82, 84, 83, 85, 84, 84]
	},
	{
		id: 'k-closure-days',
		stageId: 'renew-leave',
		touchpointId: 'tp-account-closure',
		name: 'Account closure completed',
		unit: 'days',
		direction: 'lower',
		target: 5,
		warning: 5,
		source: 'Closure workflow',
		department: 'Operations',
		values: [9, 8, 10, 9, 8, 9, 10, 9, 8, 9, 9, 8]
	}
];

// -------------------------------------------------------------------------------------------------
// Surveys
// -------------------------------------------------------------------------------------------------

/** Whole counts summing exactly to n, in proportion to the weights (largest remainder). */
function spread(n: number, weights: readonly number[]): number[] {
	const total = weights.reduce((a, b) => a + b, 0);
	const exact = weights.map((w) => (n * w) / total);
	const counts = exact.map(Math.floor);
	let left = n - counts.reduce((a, b) => a + b, 0);
	const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
	for (const [, i] of order) {
		if (left-- <= 0) break;
		counts[i]!++;
	}
	return counts;
}

/** 0-10: detractors lean to 5-6, passives 7-8, promoters slightly more 10s than 9s. */
function npsCounts(n: number, promoters: number, detractors: number): number[] {
	const d = [0.04, 0.03, 0.05, 0.08, 0.12, 0.25, 0.43].map((w) => w * detractors);
	const passives = 1 - promoters - detractors;
	return spread(n, [...d, 0.45 * passives, 0.55 * passives, 0.42 * promoters, 0.58 * promoters]);
}

/** 1-5: `topBox` gives 5, `top2` gives 4 or 5. */
function csatCounts(n: number, topBox: number, top2: number): number[] {
	const rest = 1 - top2;
	return spread(n, [0.25 * rest, 0.3 * rest, 0.45 * rest, top2 - topBox, topBox]);
}

/** 1-7 agreement with "made it easy": `easy` is the share scoring 5-7. */
function cesCounts(n: number, easy: number): number[] {
	const hard = 1 - easy;
	return spread(n, [0.14 * hard, 0.18 * hard, 0.28 * hard, 0.4 * hard, 0.42 * easy, 0.35 * easy, 0.23 * easy]);
}

interface SurveyQuoteSeed {
	id: string;
	text: string;
	daysAgo: number;
	channel: string;
	segment?: string;
}

interface SurveySeed {
	id: string;
	stageId: StageId;
	touchpointId: string | null;
	kind: 'nps' | 'csat' | 'ces';
	question: string;
	/** The distribution for month i (0 = eleven months ago). */
	distribution: (i: number) => number[];
	segment?: (i: number) => number[];
	verbatims: readonly SurveyQuoteSeed[];
}

const at = (values: readonly number[], i: number) => values[i]!;

const SURVEYS: readonly SurveySeed[] = [
	{
		id: 's-discover-ces',
		stageId: 'discover',
		touchpointId: 'tp-rate-compare',
		kind: 'ces',
		question: 'Northwind made it easy to compare accounts and see what I would pay.',
		distribution: (i) =>
			cesCounts(
				at([182, 195, 211, 170, 158, 176, 190, 224, 241, 205, 186, 152], i),
				at([0.66, 0.64, 0.67, 0.65, 0.66, 0.63, 0.65, 0.64, 0.66, 0.65, 0.63, 0.64], i)
			),
		verbatims: [
			{
				id: 'sv-discover-1',
				text: 'The comparison table was clear, but I had to hunt for the overdraft fee. Found it in the footnote.',
				daysAgo: 26,
				channel: 'Web survey'
			}
		]
	},
	{
		id: 's-apply-ces',
		stageId: 'apply',
		touchpointId: 'tp-app-application',
		kind: 'ces',
		question: 'Opening my account was easy.',
		distribution: (i) =>
			cesCounts(
				at([418, 392, 455, 407, 381, 362, 398, 447, 472, 431, 409, 266], i),
				at([0.49, 0.5, 0.48, 0.47, 0.5, 0.49, 0.48, 0.46, 0.47, 0.48, 0.5, 0.53], i)
			),
		verbatims: [
			{
				id: 'sv-apply-1',
				text: 'Took three goes to get the license photo accepted, then it told me to go to a branch. I opened with another bank the same evening.',
				daysAgo: 41,
				channel: 'Email survey'
			},
			{
				id: 'sv-apply-2',
				text: 'Once the ID went through it was quick. Under ten minutes. Why not always like this?',
				daysAgo: 6,
				channel: 'In-app survey'
			}
		]
	},
	{
		id: 's-onboard-csat',
		stageId: 'onboard',
		touchpointId: 'tp-card-delivery',
		kind: 'csat',
		question: 'How satisfied are you with getting set up in your first two weeks?',
		distribution: (i) => {
			const top = at([0.31, 0.3, 0.32, 0.29, 0.31, 0.3, 0.32, 0.31, 0.3, 0.38, 0.44, 0.47], i);
			return csatCounts(at([241, 226, 262, 231, 214, 205, 236, 251, 270, 255, 246, 189], i), top, top + 0.33);
		},
		verbatims: [
			{
				id: 'sv-onboard-1',
				text: "Got a letter saying 'start using your card today'. The card turned up ten days later.",
				daysAgo: 130,
				channel: 'Email survey'
			},
			{
				id: 'sv-onboard-2',
				text: 'Card came before the welcome letter this time and I activated it in the app straight away. Easy.',
				daysAgo: 9,
				channel: 'In-app survey'
			}
		]
	},
	{
		id: 's-everyday-nps',
		stageId: 'everyday',
		touchpointId: null,
		kind: 'nps',
		question: 'How likely are you to recommend Northwind Bank to a friend or colleague?',
		distribution: (i) =>
			npsCounts(
				at([562, 541, 588, 575, 549, 521, 533, 547, 581, 598, 569, 482], i),
				at([0.44, 0.45, 0.43, 0.44, 0.46, 0.45, 0.44, 0.46, 0.45, 0.47, 0.46, 0.47], i),
				at([0.27, 0.26, 0.28, 0.27, 0.25, 0.26, 0.27, 0.25, 0.26, 0.24, 0.25, 0.24], i)
			),
		segment: (i) =>
			npsCounts(
				at([52, 47, 58, 55, 49, 44, 51, 48, 56, 60, 53, 41], i),
				at([0.38, 0.36, 0.39, 0.37, 0.35, 0.38, 0.36, 0.37, 0.35, 0.36, 0.34, 0.35], i),
				at([0.31, 0.33, 0.3, 0.32, 0.34, 0.31, 0.33, 0.32, 0.34, 0.33, 0.35, 0.34], i)
			),
		verbatims: [
			{
				id: 'sv-everyday-1',
				text: "The app shows what's pending before it hits my balance. That alone is why I moved my salary here.",
				daysAgo: 14,
				channel: 'In-app survey'
			},
			{
				id: 'sv-everyday-2',
				text: 'I keep more with you than most people and I still had to call three times about a fee you then refunded. Nobody sees the whole relationship.',
				daysAgo: 22,
				channel: 'Email survey',
				segment: DEMO_SEGMENT
			}
		]
	},
	{
		id: 's-borrow-csat',
		stageId: 'borrow',
		touchpointId: 'tp-loan-decision',
		kind: 'csat',
		question: 'How satisfied were you with how we handled your loan application?',
		distribution: (i) => {
			const top = at([0.36, 0.35, 0.37, 0.34, 0.36, 0.37, 0.35, 0.36, 0.34, 0.37, 0.35, 0.36], i);
			return csatCounts(at([138, 124, 151, 147, 162, 171, 158, 143, 166, 179, 155, 117], i), top, top + 0.36);
		},
		verbatims: [
			{
				id: 'sv-borrow-1',
				text: 'Decision came back the next morning, which was fine. Nobody mentioned my rate would be higher than the one on the website until the very last screen.',
				daysAgo: 33,
				channel: 'Email survey'
			}
		]
	},
	{
		id: 's-help-ces',
		stageId: 'help',
		touchpointId: 'tp-contact-centre',
		kind: 'ces',
		question: 'Northwind made it easy to get my problem resolved.',
		distribution: (i) =>
			cesCounts(
				at([431, 412, 458, 446, 401, 389, 422, 455, 481, 502, 512, 377], i),
				at([0.58, 0.57, 0.59, 0.56, 0.58, 0.57, 0.56, 0.57, 0.55, 0.52, 0.5, 0.48], i)
			),
		verbatims: [
			{
				id: 'sv-help-1',
				text: 'Explained the same problem to four different people. Each one said they would note it on the file.',
				daysAgo: 11,
				channel: 'SMS survey'
			},
			{
				id: 'sv-help-2',
				text: 'The lady at the Elm Street branch sorted out in ten minutes what the phone line could not in two weeks.',
				daysAgo: 18,
				channel: 'SMS survey'
			}
		]
	},
	{
		id: 's-renew-nps',
		stageId: 'renew-leave',
		touchpointId: 'tp-renewal-offer',
		kind: 'nps',
		question: 'After your renewal, how likely are you to recommend Northwind Bank to a friend or colleague?',
		// The renewal survey goes out once a batch of fixed rates matures: this month's batch is small so far.
		distribution: (i) =>
			npsCounts(
				at([121, 134, 112, 128, 141, 116, 125, 133, 118, 126, 131, 24], i),
				at([0.51, 0.52, 0.5, 0.53, 0.52, 0.54, 0.53, 0.52, 0.55, 0.54, 0.53, 0.54], i),
				at([0.19, 0.18, 0.2, 0.18, 0.19, 0.17, 0.18, 0.19, 0.16, 0.17, 0.18, 0.17], i)
			),
		verbatims: [
			{
				id: 'sv-renew-1',
				text: 'The renewal offer came three months early and renewing took one tap. No haggling, no phone call. More of this, please.',
				daysAgo: 8,
				channel: 'Email survey',
				segment: DEMO_SEGMENT
			}
		]
	}
];

// -------------------------------------------------------------------------------------------------
// Fix teams and the win
// -------------------------------------------------------------------------------------------------

function accountOpeningTeam(dueDate: string): Command[] {
	const teamId = 't-one-sitting';
	return [
		{
			type: 'team.charter',
			teamId,
			name: 'Account opening in one sitting',
			problem:
				'Only 38% of people who start a checking account on their phone finish it in one sitting. Most drop out at the ID upload; those who fail the automatic check are emailed to visit a branch with two documents, and many never come back.',
			stageId: 'apply',
			links: {
				touchpoints: ['tp-app-application', 'tp-id-check', 'tp-application-status'],
				complaints: ['c-cant-open', 'c-apply-delay'],
				kpis: ['k-one-sitting', 'k-time-to-open'],
				surveys: ['s-apply-ces']
			},
			members: [
				{ name: 'Priya Shah', department: 'Product' },
				{ name: 'Tom Becker', department: 'IT' },
				{ name: 'Grace Okafor', department: 'Operations' },
				{ name: 'Daniel Moreau', department: 'Legal' },
				{ name: 'Aisha Khan', department: 'Customer Service' }
			],
			sponsor: 'Helen Carter, Chief Operating Officer',
			dueDate,
			baseline: '38% complete in one sitting; median 26 minutes',
			target: '70% complete in one sitting; under 10 minutes'
		},
		{
			type: 'team.setStatus',
			teamId,
			status: 'investigating',
			note: 'Kick-off held. Funnel data and 200 session replays pulled; 12 applicants interviewed.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-one-sitting-1',
			kind: 'finding',
			text: '41% of drop-outs happen at step 4, the ID upload. In the session replays people photograph their license on a desk under a lamp; glare fails the automatic check and the screen only says "Something went wrong".'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-one-sitting-2',
			kind: 'finding',
			text: 'Legal confirmed we do not need a separate proof of address when the credit bureau match is strong. We have been asking for one "to be safe" since 2019; it adds a step for 100% of applicants and a branch visit for 18%.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-one-sitting-3',
			kind: 'recommendation',
			text: 'Three changes: live camera capture with glare guidance; drop the proof-of-address upload when the bureau match is strong; replace the "visit a branch" email with a resume link that keeps everything already entered.'
		},
		{ type: 'team.setStatus', teamId, status: 'fixing', note: 'Sponsor approved all three changes; in the next app release.' },
		{
			type: 'team.post',
			teamId,
			updateId: 'u-one-sitting-4',
			kind: 'result',
			text: 'Two-week pilot on Android (3,120 applications): one-sitting completion 38% → 55%, median time 26 → 14 minutes, branch-visit emails down 70%.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-one-sitting-5',
			kind: 'blocker',
			text: "The iOS camera SDK update is waiting on the vendor's security review. Legal and IT meet the vendor on Thursday; without it, iPhone users (58% of applicants) keep the old flow."
		}
	];
}

function wrongDebtTeam(dueDate: string): Command[] {
	const teamId = 't-wrong-debt';
	return [
		{
			type: 'team.charter',
			teamId,
			name: 'Stop wrong-debt collections',
			problem:
				'Customers who closed or switched accounts are chased by our collections agency for balances they settled, or never owed. Complaints about debts not owed have doubled in three months, and a dispute takes 13 days to resolve while the calls continue.',
			stageId: 'help',
			links: {
				touchpoints: ['tp-collections', 'tp-complaint-handling', 'tp-contact-centre'],
				complaints: ['c-not-owed', 'c-tactics', 'c-dispute'],
				kpis: ['k-fcr', 'k-complaint-days'],
				surveys: ['s-help-ces']
			},
			members: [
				{ name: 'Marcus Reid', department: 'Customer Service' },
				{ name: 'Sofia Alvarez', department: 'Legal' },
				{ name: 'Kwame Mensah', department: 'Finance/Billing' },
				{ name: 'Lena Novak', department: 'Operations' }
			],
			sponsor: 'David Osei, Chief Financial Officer',
			dueDate,
			baseline: 'About 130 complaints a month about debts not owed; 13 days to resolve',
			target: 'Under 40 a month; every dispute owned by one person and resolved within 5 days'
		},
		{
			type: 'team.setStatus',
			teamId,
			status: 'investigating',
			note: 'Sampled 150 complaints from the last quarter and traced each account end to end.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-wrong-debt-1',
			kind: 'finding',
			text: 'Root cause: since the billing migration, a monthly fee can post after an account is closed. 71% of the sampled "debt not owed" complaints are closed accounts with a balance under $5, sent to the agency automatically after 60 days.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-wrong-debt-2',
			kind: 'finding',
			text: 'The agency works from a file we send every Monday. Disputes logged in our complaints system never reach that file, so customers keep getting calls while we agree with them.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-wrong-debt-3',
			kind: 'recommendation',
			text: 'Stop fees posting to closed accounts and write off balances under $5 at closure; send disputed accounts to the agency as "hold" within 24 hours; one named owner in Customer Service for every dispute until it is resolved.'
		},
		{
			type: 'team.setStatus',
			teamId,
			status: 'fixing',
			note: 'Finance approved the write-off rule; IT building the daily hold file.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-wrong-debt-4',
			kind: 'blocker',
			text: 'Correcting the credit files of about 2,300 affected customers needs a one-off write-off of roughly $4,100; waiting for the CFO to sign it off.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-wrong-debt-5',
			kind: 'result',
			text: 'Daily hold file live for 6 weeks: repeat collection calls on disputed accounts down from 410 to 35 a week. Write-off signed; bureau corrections sent.'
		},
		{
			type: 'team.setStatus',
			teamId,
			status: 'verifying',
			note: "Fixes are live. Verifying against next month's complaint counts before we call it a win."
		}
	];
}

function cardFirstTeam(dueDate: string): Command[] {
	const teamId = 't-card-first';
	return [
		{
			type: 'team.charter',
			teamId,
			name: 'Card arrives before the welcome letter',
			problem:
				'New customers got a welcome letter saying "start using your card today" a week before the card arrived, 11 days after approval on average. "Where is my card?" was the top reason new customers called.',
			stageId: 'onboard',
			links: {
				touchpoints: ['tp-card-delivery', 'tp-welcome-pack'],
				complaints: ['c-card-arrival'],
				kpis: ['k-card-days', 'k-activation'],
				surveys: ['s-onboard-csat']
			},
			members: [
				{ name: 'Nina Lindqvist', department: 'Operations' },
				{ name: 'Owen Price', department: 'Marketing' },
				{ name: 'Hannah Ito', department: 'IT' }
			],
			sponsor: 'Helen Carter, Chief Operating Officer',
			dueDate,
			baseline: '11 days from approval to card in hand',
			target: '5 days or less, and the card before the letter'
		},
		{
			type: 'team.setStatus',
			teamId,
			status: 'investigating',
			note: 'Mapped every hand-off from approval to the customer’s mailbox.'
		},
		{
			type: 'team.post',
			teamId,
			updateId: 'u-card-first-1',
			kind: 'finding',
			text: 'Cards were printed in a weekly batch by the card bureau; the welcome letter went out the same day the account opened, from a different mail house.'
		},
		{ type: 'team.setStatus', teamId, status: 'fixing', note: 'Daily print run agreed with the bureau at no extra cost.' },
		{
			type: 'team.post',
			teamId,
			updateId: 'u-card-first-2',
			kind: 'result',
			text: 'Daily print run and priority mail: 4 days to card in hand on average (was 11). The welcome letter is now triggered by card dispatch. "Where is my card?" calls down 62%.'
		},
		{
			type: 'touchpoint.assess',
			touchpointId: 'tp-card-delivery',
			maturity: 'reliable',
			evidence:
				'Three months at 4 days to card in hand (was 11), card before the letter; fix team "Card arrives before the welcome letter".'
		},
		{
			type: 'win.mark',
			winId: 'w-card-first',
			teamId,
			stageId: 'onboard',
			headline: 'Cards now arrive before the welcome letter',
			before: '11 days',
			after: '4 days'
		}
	];
}
