/**
 * A tiny TCP load balancer for tests, standing in for nginx in front of several instances: each new
 * connection goes to the next backend that accepts it, so when an instance dies its clients
 * reconnect through the same address to a live one. One balancer per client also serves as that
 * client's network link, which a test can cut or take offline.
 */
import net from 'node:net';

export interface Balancer {
	port: number;
	/** Drops every open connection at once (both ends see it close), like a network that went away. */
	cut(): void;
	/** While offline, open connections are cut and new ones refused, like a laptop with its Wi-Fi off. */
	setOffline(offline: boolean): void;
	close(): Promise<void>;
}

export async function startBalancer(backends: () => number[]): Promise<Balancer> {
	let next = 0;
	let offline = false;
	const open = new Set<net.Socket>();
	const server = net.createServer((client) => {
		if (offline) return client.destroy();
		open.add(client);
		client.on('close', () => open.delete(client));
		const ports = backends();
		const tryAt = (attempt: number) => {
			if (attempt >= ports.length) return client.destroy();
			const port = ports[next++ % ports.length]!;
			const upstream = net.connect(port, '127.0.0.1');
			upstream.once('connect', () => {
				open.add(upstream);
				upstream.on('close', () => open.delete(upstream));
				client.pipe(upstream).pipe(client);
				upstream.on('error', () => client.destroy());
				client.on('error', () => upstream.destroy());
				client.on('close', () => upstream.destroy());
				upstream.on('close', () => client.destroy());
			});
			upstream.once('error', () => tryAt(attempt + 1));
		};
		tryAt(0);
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
		close: () =>
			new Promise((resolve) => {
				cut();
				server.close(() => resolve());
			})
	};
}
