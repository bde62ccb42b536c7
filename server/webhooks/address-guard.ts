/**
 * Server-side request forgery: a webhook's address is chosen by a facilitator, so the server must not
 * become their way into the private network. Every address a host name resolves to is checked (a name
 * with one public and one private address is refused), and the request then connects to the very
 * address checked, so a second DNS answer cannot swap it (DNS rebinding).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
	['0.0.0.0', 8], // "this network"
	['10.0.0.0', 8],
	['100.64.0.0', 10], // carrier-grade NAT
	['127.0.0.0', 8], // loopback
	['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.0.2.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['198.51.100.0', 24],
	['203.0.113.0', 24],
	['224.0.0.0', 4], // multicast
	['240.0.0.0', 4] // reserved and broadcast
] as const)
	PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
	['::', 128],
	['::1', 128],
	['64:ff9b::', 96], // NAT64
	['100::', 64],
	['2001:db8::', 32],
	['fc00::', 7], // unique local
	['fe80::', 10], // link-local
	['ff00::', 8] // multicast
] as const)
	PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is private, loopback, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
	const family = isIP(address);
	if (family === 0) return true;
	if (family === 6 && IPV4_MAPPED.test(address)) return isMappedPrivate(address);
	return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `::ffff:` followed by an IPv4 address, dotted or in hex (`::ffff:7f00:1`). Linear: no nested repetition. */
const IPV4_MAPPED = /^(?:0{0,4}:){0,5}:?ffff:/i;

/** An IPv4-mapped IPv6 address is as private as the IPv4 address it carries. */
function isMappedPrivate(address: string): boolean {
	const tail = address.slice(address.toLowerCase().lastIndexOf('ffff:') + 5);
	if (isIP(tail) === 4) return PRIVATE.check(tail, 'ipv4');
	const words = tail.split(':');
	if (words.length !== 2) return true;
	const [high, low] = words.map((w) => parseInt(w, 16)) as [number, number];
	if (!Number.isInteger(high) || !Number.isInteger(low)) return true;
	return PRIVATE.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
}

export class RefusedAddressError extends Error {}

/** A vetted address to connect to. */
export interface Vetted {
	address: string;
	family: 4 | 6;
}

/**
 * Resolves a host name and checks every address it has; answers the first, or throws a
 * RefusedAddressError saying why (with `allowPrivate`, any address passes).
 */
export async function vetHost(hostname: string, allowPrivate: boolean): Promise<Vetted> {
	const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
	let found: Array<{ address: string; family: number }>;
	try {
		found = await lookup(bare, { all: true, verbatim: true });
	} catch {
		throw new RefusedAddressError(`The host name ${bare} could not be found: check the address.`);
	}
	if (found.length === 0) throw new RefusedAddressError(`The host name ${bare} has no address: check the address.`);
	if (!allowPrivate) {
		const refused = found.find((a) => isPrivateAddress(a.address));
		if (refused)
			throw new RefusedAddressError(
				`Refused: ${bare} is a private, loopback or link-local address (${refused.address}). Webhooks go to public addresses only, unless the operator sets WEBHOOK_ALLOW_PRIVATE=true.`
			);
	}
	const first = found[0]!;
	return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
