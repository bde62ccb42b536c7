/** Configuration refuses what would make the server unsafe, with a sentence saying what to do. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { allowedHostNames, parseTrustProxy } from '../../server/http/origin';

describe('ADMIN_TOKEN', () => {
	it('refuses a short or repetitive token and says how to make a good one', () => {
		for (const weak of [
			'correct-horse-battery',
			'a'.repeat(64),
			'abababababababababababababababababab',
			'aaaaaaaaaaaaaaaaaaaaaaabcdefghijk',
			'password-password-password-password1'
		]) {
			expect(() => loadConfig({ ADMIN_TOKEN: weak })).toThrow(
				/ADMIN_TOKEN is too easy to guess: use at least 32 characters .*openssl rand -base64 32/
			);
		}
	});

	it('accepts a random value, whether base64 or hex, and no token at all', () => {
		expect(loadConfig({ ADMIN_TOKEN: randomBytes(32).toString('base64') }).adminToken).toBeDefined();
		expect(loadConfig({ ADMIN_TOKEN: randomBytes(16).toString('hex') }).adminToken).toBeDefined();
		expect(loadConfig({ ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
		expect(loadConfig({}).adminToken).toBeUndefined();
	});
});

describe('TRUST_PROXY', () => {
	it('trusts no proxy by default, one hop for true, N hops for a number, or the addresses listed', () => {
		expect(loadConfig({}).trustProxy).toBeNull();
		const one = parseTrustProxy('true')!;
		expect([one('10.0.0.2', 0), one('10.0.0.1', 1)]).toEqual([true, false]);
		const two = parseTrustProxy('2')!;
		expect([two('x', 0), two('x', 1), two('x', 2)]).toEqual([true, true, false]);
		const listed = parseTrustProxy('127.0.0.1, 10.0.0.0/8')!;
		expect([listed('127.0.0.1', 0), listed('10.9.8.7', 1), listed('192.168.1.1', 0)]).toEqual([true, true, false]);
	});

	it('refuses what it cannot read', () => {
		expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(
			/TRUST_PROXY must be false, true, a number of proxy hops, or proxy addresses/
		);
	});
});

describe('ALLOWED_HOSTS', () => {
	it('defaults to the loopback names and HOST, or the machine name when HOST is every interface', () => {
		expect(loadConfig({}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
		expect(loadConfig({ HOST: 'room.example.com' }).allowedHosts).toEqual([
			'localhost',
			'127.0.0.1',
			'[::1]',
			'room.example.com'
		]);
		expect(allowedHostNames('0.0.0.0', [], 'Wallbox')).toEqual(['localhost', '127.0.0.1', '[::1]', 'wallbox']);
		expect(allowedHostNames('::', [], 'wallbox')).toContain('wallbox');
	});

	it('takes a list (a port in it is ignored) and refuses what is not a host name', () => {
		const config = loadConfig({ HOST: '0.0.0.0', ALLOWED_HOSTS: 'Room.Example.com, 192.168.1.20:3000' });
		expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'room.example.com', '192.168.1.20']);
		expect(config.allowedHostsDefaulted).toBe(false);
		expect(() => loadConfig({ ALLOWED_HOSTS: 'https://room.example.com/' })).toThrow(
			/ALLOWED_HOSTS: https:\/\/room.example.com\/ is not a host name/
		);
	});
});

describe('single sign-on (OIDC_*, AUTH_LOCAL)', () => {
	const issuer = 'https://login.example.com/realms/company';

	it('is off without OIDC_ISSUER; on with an issuer and a client id, with the defaults the README gives', () => {
		expect(loadConfig({}).sso).toBeNull();
		expect(loadConfig({}).localPasswords).toBe(true);
		const sso = loadConfig({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'customer-room', OIDC_ADMIN_GROUPS: 'CR-Admins, IT ' }).sso!;
		expect(sso.issuer.href).toBe(issuer);
		expect(sso).toMatchObject({
			clientId: 'customer-room',
			clientSecret: undefined,
			scopes: 'openid profile email',
			groupsClaim: 'groups',
			adminGroups: ['cr-admins', 'it'],
			buttonLabel: 'Sign in with your company account',
			refreshMs: 3_600_000
		});
	});

	it('refuses what would not work, saying what to set', () => {
		expect(() => loadConfig({ OIDC_ISSUER: 'http://login.example.com' })).toThrow(/OIDC_ISSUER is not an issuer address/);
		expect(() => loadConfig({ OIDC_ISSUER: 'not a url' })).toThrow(/OIDC_ISSUER is not an issuer address/);
		expect(() => loadConfig({ OIDC_ISSUER: issuer })).toThrow(/OIDC_CLIENT_ID: OIDC_ISSUER is set/);
		expect(() => loadConfig({ OIDC_CLIENT_ID: 'customer-room' })).toThrow(/OIDC_ISSUER: OIDC_CLIENT_ID is set/);
		expect(() => loadConfig({ AUTH_LOCAL: 'off' })).toThrow(/AUTH_LOCAL: passwords are off but single sign-on is not set up/);
		expect(() => loadConfig({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'x', OIDC_SCOPES: 'profile email' })).toThrow(
			/OIDC_SCOPES must include openid/
		);
		expect(() => loadConfig({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'x', OIDC_GROUPS_CLAIM: 'groups claim' })).toThrow(
			/OIDC_GROUPS_CLAIM is a claim name/
		);
		expect(() => loadConfig({ AUTH_LOCAL: 'maybe' })).toThrow(/AUTH_LOCAL/);
	});

	it('takes plain http only for a provider on this machine, a dotted claim path, and passwords off', () => {
		const config = loadConfig({
			OIDC_ISSUER: 'http://127.0.0.1:8080/realms/test',
			OIDC_CLIENT_ID: 'x',
			OIDC_GROUPS_CLAIM: 'realm_access.roles',
			AUTH_LOCAL: 'off'
		});
		expect(config.sso?.groupsClaim).toBe('realm_access.roles');
		expect(config.localPasswords).toBe(false);
	});
});

describe('WEBHOOK_ALLOW_PRIVATE', () => {
	it('is off by default, on only for true, and refuses anything else with a sentence saying what it does', () => {
		expect(loadConfig({}).webhookAllowPrivate).toBe(false);
		expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(true);
		expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'false' }).webhookAllowPrivate).toBe(false);
		expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(
			/WEBHOOK_ALLOW_PRIVATE is true or false: true lets webhooks reach private, loopback and link-local addresses/
		);
	});
});
