import net from 'node:net';

// Ports for servers a test starts in another process (`npm start -p`, the cluster's instances and HAProxy): they
// must be told a port before they listen. Asking the kernel for one (listen(0), close, pass the number on) loses it to
// anything else's listen(0) or outgoing connection in between, since both are handed out from the ephemeral range
// (32768–60999 on Linux): another Vitest worker's did, once two ran side by side. So each worker gets a block of its
// own below that range, which no ephemeral port ever falls in and no other worker's block overlaps; a port in use all
// the same (a run in another checkout, a server still going away) is skipped.

/** The first port of the blocks, and how many ports each worker's block has. */
const firstPort = Number(process.env.ROSTER_TEST_PORT_BASE ?? 20_000);
const blockSize = 100;

/** This worker's block: VITEST_POOL_ID is 1..maxWorkers, unique among the workers running at once. */
const poolId = Math.max(1, Number(process.env.VITEST_POOL_ID ?? 1) || 1);
const blockStart = firstPort + (poolId - 1) * blockSize;

/** Handed out in this process already: never twice, so a server that is still stopping is never given its port. */
const handedOut = new Set<number>();

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports in this worker's block, for servers started in another process: the first of them.
 * Throws if the block has no such run left.
 */
export async function reservePorts(count = 1): Promise<number> {
  for (let port = blockStart; port + count <= blockStart + blockSize; port++) {
    const run = Array.from({ length: count }, (_, i) => port + i);
    if (run.some((candidate) => handedOut.has(candidate))) continue;
    if (!(await Promise.all(run.map(isFree))).every(Boolean)) continue;
    run.forEach((candidate) => handedOut.add(candidate));
    return port;
  }
  throw new Error(`no ${count} free consecutive ports left in ${blockStart}–${blockStart + blockSize - 1} (Vitest worker ${poolId})`);
}
