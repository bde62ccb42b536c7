/**
 * People in tests: the first admin's account from a setup link, sign-in, invitations accepted over real
 * HTTP, as a browser would (cookies, Origin), so tests read like what a person does.
 */
import { SESSION_COOKIE } from '../../server/http/session';

export const PASSWORD = 'plum-harbour-violin-42';

export interface HttpAnswer {
	status: number;
	body: Record<string, unknown>;
	/** The session cookie the answer set, if it set one. */
	token: string | null;
}

/** A JSON request with this browser's session cookie (if any), as our own pages send it. */
export async function request(
	url: string,
	method: string,
	path: string,
	token: string | null,
	body?: unknown
): Promise<HttpAnswer> {
	const res = await fetch(`${url}${path}`, {
		method,
		headers: {
			origin: url,
			...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}),
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const setCookie = res.headers.get('set-cookie');
	const set = setCookie ? (new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(setCookie)?.[1] ?? null) : null;
	return { status: res.status, body: ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown>, token: set };
}

let counter = 0;
/** A login nobody has used yet in this test process. */
export const freshLogin = (stem = 'person') => `${stem}-${process.pid}-${++counter}@example.com`;

/** Opens a setup link as a new person: their admin account is made; answers their session token. */
export async function becomeAdmin(
	url: string,
	setupToken: string,
	name = 'Ada Admin',
	existing: string | null = null
): Promise<string> {
	const answer = await request(url, 'POST', '/api/setup', existing, {
		token: setupToken,
		...(existing ? {} : { account: { name, login: freshLogin('admin'), password: PASSWORD } })
	});
	if (answer.status !== 200 || !answer.token) throw new Error(`setup: ${answer.status} ${JSON.stringify(answer.body)}`);
	return answer.token;
}

/** The token in an invitation or reset link (`…/invite#token`). */
export const tokenOfLink = (link: string) => new URL(link).hash.slice(1);

/** What a new admin types on the setup page (a login nobody has used yet). */
export const adminAccount = (name = 'Ada Admin') => ({ name, login: freshLogin('admin'), password: PASSWORD });

/** The setup page's form, filled in and sent as a person does; waits until it says the admin is made. */
export async function fillSetupForm(page: import('playwright-core').Page, account = adminAccount()): Promise<typeof account> {
	await page.getByLabel('Your name').fill(account.name);
	await page.getByLabel('E-mail address or user name').fill(account.login);
	await page.getByLabel('Password', { exact: true }).fill(account.password);
	await page.getByLabel('The password again').fill(account.password);
	await page.getByRole('button', { name: 'Make my admin account' }).click();
	await page.getByTestId('setup-done').waitFor();
	return account;
}
