/**
 * A tiny TCP load balancer for tests, standing in for nginx in front of several instances: each new
 * connection goes to the next backend that accepts it, so when an instance dies its clients
 * reconnect through the same address to a live one.
 */
import net from 'node:net';

export async function startBalancer(backends: () => number[]): Promise<{ port: number; close(): Promise<void> }> {
	let next = 0;
	const open = new Set<net.Socket>();
	const server = net.createServer((client) => {
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
	return {
		port: address.port,
		close: () =>
			new Promise((resolve) => {
				for (const s of open) s.destroy();
				server.close(() => resolve());
			})
	};
}
