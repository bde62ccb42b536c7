/**
 * Keeps single sign-on roles current while people stay signed in: every minute, each account whose
 * refresh is due (OIDC_REFRESH_MINUTES) is asked about again at the provider with the refresh token
 * kept at sign-in. New groups count at once (roles are worked out from them on every lookup, and open
 * pages reconnect with the roles they now hold); a provider that refuses (the person left the company,
 * their access was revoked) ends every session of theirs; a provider that cannot be reached changes
 * nothing, and is asked again sooner.
 */
import type { AccessService } from '../access/access-service';
import type { Logger } from '../log';
import { periodic } from '../periodic';
import type { AuditTrail } from '../people/audit-trail';
import type { Oidc, RefreshOutcome } from './oidc';

export interface SsoRefresherDeps {
	oidc: Oidc;
	access: AccessService;
	log: Logger;
	audit?: Pick<AuditTrail, 'record'>;
	onAccessChanged(sessionIds: readonly string[], roomId: string | null, reason: string, changed?: boolean): void;
}

export const SSO_ENDED_REASON =
	'Your company sign-in has ended. Sign in again, or ask your IT team if you should still have access.';

/** Starts the refresher; returns the function that stops it. */
export function startSsoRefresher(deps: SsoRefresherDeps, everyMs = 60_000): () => void {
	const { oidc, access, log } = deps;

	/** Applies what the provider said of one account; answers whether to keep asking about it. */
	async function apply(accountId: string, outcome: RefreshOutcome): Promise<boolean> {
		const account = await access.accounts.get(accountId);
		if (!account?.sso) return false;
		const live = await access.sessionIdsOf(accountId);
		// Nobody signed in: the next sign-in reads the groups afresh.
		if (live.length === 0) return false;
		if (!outcome.ok) {
			if (!outcome.ended) {
				log.warn({ accountId, reason: outcome.reason }, 'single sign-on groups could not be read again; trying later');
				return true;
			}
			log.info(
				{ accountId, reason: outcome.reason },
				"the identity provider refused to renew a person's sign-in: their sessions end"
			);
			await access.accounts.endAllSessions(accountId);
			deps.onAccessChanged(live, null, SSO_ENDED_REASON);
			deps.audit
				?.record({
					action: 'sessions_ended',
					roomId: null,
					actor: { id: 'system', name: 'Customer Room', kind: 'system' },
					subject: { id: account.id, name: account.name, kind: 'person' },
					detail: 'the identity provider ended the sign-in'
				})
				.catch(() => undefined);
			return false;
		}
		if (outcome.groups === null) return true;
		const updated = await access.accounts.setSsoGroups(accountId, outcome.groups, oidc.isAdmin(outcome.groups));
		if (updated)
			for (const roomId of Object.keys(await access.groupGrantsOf(updated))) await access.accounts.listInRoom(accountId, roomId);
		return true;
	}

	const job = periodic(() => oidc.refreshDue(apply), {
		everyMs,
		onError: (error) => log.warn({ err: String(error) }, 'single sign-on refresh failed')
	});
	job.start();
	return () => void job.stop();
}
