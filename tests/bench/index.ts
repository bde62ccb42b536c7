/**
 * `npm run bench`: runs the benchmarks, prints their tables and the targets, and writes everything (with the
 * machine and its load) to tests/bench/results/latest.json. Needs a production build (`npm run build`).
 *
 *   npm run bench                      every benchmark (about 8 minutes on two cores)
 *   npm run bench -- --quick           shorter runs, 1,000 walls only (a minute or two)
 *   npm run bench -- --only latency,storm
 *   npm run bench -- --walls 1000,5000 --topology embedded,redis --workers 4 --out path/to.json
 *
 * Benchmarks: latency, throughput, join, render, memory, storm, imports, audit, redaction, classify (see each module's comment).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fleet } from './fleet';
import { auditSection } from './audit';
import { importsSection } from './imports';
import { joinCostSection } from './join-cost';
import { largeRoomServer } from './large-room-server';
import { latencySection } from './latency';
import { memorySection } from './memory';
import { redactionSection } from './redaction';
import { classifySection } from './classify';
import { renderSection } from './render';
import { stormSection } from './storm';
import { throughputSection } from './throughput';
import { renderTable, renderTargets, type Section } from './report';
import { assertBuilt } from './servers';

const here = path.dirname(fileURLToPath(import.meta.url));
const NAMES = [
	'latency',
	'throughput',
	'join',
	'render',
	'memory',
	'storm',
	'imports',
	'audit',
	'redaction',
	'classify'
] as const;
type Name = (typeof NAMES)[number];

interface Options {
	quick: boolean;
	only: Name[];
	walls: number[];
	topologies: Array<'embedded' | 'redis'>;
	workers: number;
	out: string;
}

function parseOptions(argv: string[]): Options {
	const options: Options = {
		quick: false,
		only: [...NAMES],
		walls: [],
		topologies: ['embedded', 'redis'],
		workers: 4,
		out: path.join(here, 'results', 'latest.json')
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${arg} needs a value`);
			return v;
		};
		if (arg === '--quick') options.quick = true;
		else if (arg === '--only') {
			const names = value()
				.split(',')
				.map((s) => s.trim());
			const unknown = names.filter((n) => !(NAMES as readonly string[]).includes(n));
			if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}: choose from ${NAMES.join(', ')}`);
			options.only = names as Name[];
		} else if (arg === '--walls') options.walls = value().split(',').map(Number);
		else if (arg === '--topology') {
			const names = value()
				.split(',')
				.map((s) => s.trim());
			if (names.some((n) => n !== 'embedded' && n !== 'redis')) throw new Error('--topology takes embedded, redis or both');
			options.topologies = names as Options['topologies'];
		} else if (arg === '--workers') options.workers = Number(value());
		else if (arg === '--out') options.out = path.resolve(value());
		else
			throw new Error(
				`unknown option ${arg} (options: --quick, --only <names>, --walls <n,n>, --topology <embedded,redis>, --workers <n>, --out <file>)`
			);
	}
	if (!options.walls.length) options.walls = options.quick ? [1000] : [1000, 5000];
	return options;
}

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: cpus.length,
		memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
		os: `${os.type()} ${os.release()}`,
		node: process.version
	};
}

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main(): Promise<void> {
	const options = parseOptions(process.argv.slice(2));
	assertBuilt();
	const startedAt = new Date();
	const loadBefore = os.loadavg();
	log(`machine: ${machine().cpu}, ${machine().cores} cores; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
	const fleet = await Fleet.start(options.workers);
	const large = largeRoomServer();
	const sections: Section[] = [];
	const common = { quick: options.quick, log };
	const run: Record<Name, () => Promise<Section>> = {
		latency: () => latencySection(fleet, { ...common, walls: options.walls, topologies: options.topologies }),
		throughput: () => throughputSection(common),
		join: () => joinCostSection(large, common),
		render: () => renderSection(large, common),
		memory: () => memorySection(fleet, common),
		storm: () => stormSection(fleet, large, common),
		imports: () => importsSection(common),
		audit: () => auditSection(common),
		redaction: () => redactionSection(common),
		classify: () => classifySection(common)
	};
	try {
		// In the order of NAMES, whatever the order asked: the large room is built once and shared.
		for (const name of NAMES) if (options.only.includes(name)) sections.push(await run[name]());
	} finally {
		await fleet.close();
		await large.stop();
	}
	const loadAfter = os.loadavg();
	for (const section of sections) for (const table of section.tables) process.stdout.write(`${renderTable(table)}\n`);
	const targets = sections.flatMap((s) => s.targets);
	if (targets.length) process.stdout.write(`${renderTargets(targets)}\n`);
	const result = {
		startedAt: startedAt.toISOString(),
		finishedAt: new Date().toISOString(),
		durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
		machine: machine(),
		loadAverage: { before: loadBefore, after: loadAfter },
		options: {
			quick: options.quick,
			only: options.only,
			walls: options.walls,
			topologies: options.topologies,
			workers: options.workers
		},
		targets,
		results: Object.fromEntries(sections.map((s) => [s.name, s.data]))
	};
	await mkdir(path.dirname(options.out), { recursive: true });
	await writeFile(options.out, `${JSON.stringify(result, null, '\t')}\n`);
	process.stdout.write(
		`\nLoad average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}. Wrote ${path.relative(process.cwd(), options.out)}\n`
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
