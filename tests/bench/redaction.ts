/**
 * Masking personal data (`redaction`): the time per verbatim over the CFPB sample's narratives (real
 * complaint text, as an import reads it), and hostile texts of growing length (runs of digits and
 * separators, of `a@`, of IBAN-like groups) whose time must grow in proportion to their length: the
 * patterns are linear by structure (tests/unit/redact.test.ts), and this shows it on the clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REDACTION } from '../../src/lib/domain';
import { redactText } from '../../server/text/redact';
import type { Section } from './report';
import { fmt, roundSummary, summarize } from './stats';

const here = path.dirname(fileURLToPath(import.meta.url));
const CFPB = path.resolve(here, '../../../shared/data/cfpb-complaints-sample.csv');
const SETTINGS = { ...DEFAULT_REDACTION, phoneCountry: 'US' };
/**
 * Per doubling of a hostile text's length, its time may grow at most this much (geometric mean over the
 * lengths measured): linear work doubles, quadratic work quadruples; the margin is for a busy machine.
 */
const MAX_GROWTH = 3;

/** The narratives of the CFPB sample (the longest quoted field of each row). */
function narratives(): string[] {
	if (!existsSync(CFPB)) return [];
	const text = readFileSync(CFPB, 'utf8');
	return [...text.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replaceAll('""', '"')).filter((t) => t.length > 200);
}

const HOSTILE: Record<string, (n: number) => string> = {
	'digits and spaces': (n) => '1 '.repeat(n / 2),
	'digits and dashes': (n) => '1-'.repeat(n / 2),
	'a@ repeated': (n) => 'a@'.repeat(n / 2),
	'IBAN-like groups': (n) => 'GB82 '.repeat(n / 5),
	'+1 ( repeated': (n) => '+1 ('.repeat(n / 4)
};

function timeMs(run: () => void): number {
	const start = process.hrtime.bigint();
	run();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function redactionSection(options: { quick: boolean; log: (m: string) => void }): Promise<Section> {
	const texts = narratives();
	options.log(`redaction: ${texts.length} narratives`);
	for (const t of texts.slice(0, 20)) redactText(t, SETTINGS); // warm up the library and the JIT
	const perVerbatim = texts.map((t) => timeMs(() => redactText(t, SETTINGS)));
	const summary = summarize(perVerbatim);
	const lengths = options.quick ? [10_000, 20_000, 40_000] : [10_000, 20_000, 40_000, 80_000];
	const rows: string[][] = [];
	let worstGrowth = 0;
	const hostile: Record<string, number[]> = {};
	for (const [name, make] of Object.entries(HOSTILE)) {
		// The best of three: other work on the machine only ever adds time.
		const times = lengths.map((n) => {
			const text = make(n);
			return Math.min(...[0, 1, 2].map(() => timeMs(() => redactText(text, SETTINGS))));
		});
		hostile[name] = times;
		const growth = (Math.max(times.at(-1)!, 0.01) / Math.max(times[0]!, 0.01)) ** (1 / (times.length - 1));
		worstGrowth = Math.max(worstGrowth, growth);
		rows.push([name, ...times.map((t) => `${fmt(t)} ms`)]);
	}
	return {
		name: 'redaction',
		tables: [
			{
				title: `Masking a verbatim (${texts.length} CFPB narratives, phone country US)`,
				head: ['p50', 'p90', 'p99', 'max'],
				rows: [[summary.p50, summary.p90, summary.p99, summary.max].map((v) => `${fmt(v, 2)} ms`)]
			},
			{
				title: 'Hostile text of growing length: time grows with length, not faster',
				head: ['text', ...lengths.map((n) => `${n / 1000}k chars`)],
				rows
			}
		],
		targets: [
			{
				name: 'redaction: hostile text, time per doubling of length (geometric mean)',
				target: `<= ${MAX_GROWTH}x`,
				measured: `${fmt(worstGrowth, 2)}x`,
				met: worstGrowth <= MAX_GROWTH
			}
		],
		data: { perVerbatimMs: roundSummary(summary, 3), hostileMs: hostile, lengths }
	};
}
