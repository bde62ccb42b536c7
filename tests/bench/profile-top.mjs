/**
 * Where a CPU profile's time went, by function (self time), largest first:
 *
 *   BENCH_CPU_PROF=/tmp/prof npm run bench -- --quick --only storm
 *   node tests/bench/profile-top.mjs /tmp/prof/<pid>.cpuprofile [rows]
 *
 * (idle) is time the process waited; (garbage collector) is GC; writev is socket writes.
 */
import { readFileSync } from 'node:fs';

const [file, rows = '30'] = process.argv.slice(2);
if (!file) {
	process.stderr.write('usage: node tests/bench/profile-top.mjs <file.cpuprofile> [rows]\n');
	process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const sampled = new Map();
profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFunction = new Map();
let total = 0;
for (const node of profile.nodes) {
	const ms = (sampled.get(node.id) ?? 0) / 1000;
	total += ms;
	const { functionName, url, lineNumber } = node.callFrame;
	const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
	byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
}
process.stdout.write(`total ${total.toFixed(0)} ms\n`);
for (const [key, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
	process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}\n`);
}
