/**
 * A tiny TCP load balancer for tests, standing in for nginx in front of several instances: each new
 * connection goes to the next backend that accepts it, so when an instance dies its clients
 * reconnect through the same address to a live one. One balancer per client also serves as that
 * client's network link, which a test can cut, take offline, or stall.
 */
import net from 'node:net';

export interface Balancer {
	port: number;
	/** Drops every open connection at once (both ends see it close), like a network that went away. */
	cut(): void;
	/** While offline, open connections are cut and new ones refused, like a laptop with its Wi-Fi off. */
	setOffline(offline: boolean): void;
	/**
	 * While stalled, nothing gets through and nobody is told: bytes wait (as TCP would retransmit them)
	 * and new connections hang, until the stall ends and everything that waited flows on. Like a Wi-Fi
	 * that silently stops passing packets: only timeouts (acks, pings) notice.
	 */
	setStalled(stalled: boolean): void;
	close(): Promise<void>;
}

interface Pair {
	client: net.Socket;
	upstream: net.Socket;
}

export async function startBalancer(backends: () => number[]): Promise<Balancer> {
	let next = 0;
	let offline = false;
	let stalled = false;
	const open = new Set<net.Socket>();
	const pairs = new Set<Pair>();
	/** Connections that arrived during a stall: forwarded once it ends. */
	const held = new Set<net.Socket>();

	const forward = ({ client, upstream }: Pair) => {
		client.pipe(upstream);
		upstream.pipe(client);
	};
	const hold = ({ client, upstream }: Pair) => {
		client.unpipe(upstream);
		upstream.unpipe(client);
		client.pause();
		upstream.pause();
	};

	const route = (client: net.Socket) => {
		const ports = backends();
		const tryAt = (attempt: number) => {
			if (attempt >= ports.length) return client.destroy();
			const port = ports[next++ % ports.length]!;
			const upstream = net.connect(port, '127.0.0.1');
			upstream.once('connect', () => {
				const pair = { client, upstream };
				open.add(upstream);
				pairs.add(pair);
				upstream.on('close', () => {
					open.delete(upstream);
					pairs.delete(pair);
				});
				if (stalled) hold(pair);
				else forward(pair);
				upstream.on('error', () => client.destroy());
				client.on('error', () => upstream.destroy());
				client.on('close', () => upstream.destroy());
				upstream.on('close', () => client.destroy());
			});
			upstream.once('error', () => tryAt(attempt + 1));
		};
		tryAt(0);
	};

	const server = net.createServer((client) => {
		if (offline) return client.destroy();
		open.add(client);
		client.on('close', () => {
			open.delete(client);
			held.delete(client);
		});
		if (!stalled) return route(client);
		client.pause();
		held.add(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address() as net.AddressInfo;
	const cut = () => {
		for (const s of open) s.destroy();
	};
	return {
		port: address.port,
		cut,
		setOffline(value: boolean) {
			offline = value;
			if (value) cut();
		},
		setStalled(value: boolean) {
			if (value === stalled) return;
			stalled = value;
			if (value) {
				for (const pair of pairs) hold(pair);
				return;
			}
			for (const pair of pairs) forward(pair);
			for (const client of held) route(client);
			held.clear();
		},
		close: () =>
			new Promise((resolve) => {
				cut();
				server.close(() => resolve());
			})
	};
}
