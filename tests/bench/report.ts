/** What each benchmark hands the runner: tables to print, targets checked, and data for the JSON file. */

export interface Table {
	title: string;
	head: string[];
	rows: string[][];
	notes?: string[];
}

export interface TargetCheck {
	name: string;
	target: string;
	measured: string;
	/** null: not measured in this run. */
	met: boolean | null;
}

export interface Section {
	name: string;
	tables: Table[];
	targets: TargetCheck[];
	data: unknown;
}

/** A plain-text table with aligned columns (numbers right-aligned). */
export function renderTable(table: Table): string {
	const widths = table.head.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
	const numeric = (s: string) => /^[-+]?[\d.,]+\s*(%|x|ms|s|B|KiB|MiB)?$/.test(s) || s === '-';
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i > 0 && numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
			.join('  ')
			.trimEnd();
	const out = [`\n${table.title}`, line(table.head), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)];
	for (const note of table.notes ?? []) out.push(`  ${note}`);
	return out.join('\n');
}

export function renderTargets(targets: TargetCheck[]): string {
	return renderTable({
		title: 'Targets',
		head: ['target', 'wanted', 'measured', 'result'],
		rows: targets.map((t) => [t.name, t.target, t.measured, t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'])
	});
}
