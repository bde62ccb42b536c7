/**
 * Benchmarks entry point (`npm run bench`). The benchmark issue fills this in: update-to-wall latency
 * at 1k and 5k sockets against a raw socket.io broadcast baseline, durable command throughput, join time
 * for a large room, wall bundle size.
 */
process.stdout.write('No benchmarks yet: see the benchmark issue. Nothing was measured.\n');
