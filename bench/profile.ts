// Where the time goes on the update path: a CPU profile of a server (node --cpu-prof) taken while autocannon drives
// its doors one after another, round after round, each door's samples limited to its own load windows, and each
// sample's self time charged to a layer of the stack through the build's source maps (Turbopack bundles our code and
// most dependencies together; the raw floor runs its sources as they are).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDistDir } from './build';

const defaultDistDir = '.next';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface LayerShare {
  layer: string;
  ms: number;
  /** Of the busy (non-idle) time in the window. */
  share: number;
}

/** The bench scenario whose door was driven: the update path, or reading the first page of users. */
export type ProfiledScenario = 'update' | 'read';

/** [fromUs, toUs] on the monotonic clock V8 and process.hrtime share on Linux. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/** One door's load, run in windows while the profiled server served only it. */
export interface ProfiledLoad {
  database: 'pglite' | 'postgres';
  scenario: ProfiledScenario;
  door: string;
  /** Over all of its windows. */
  requests: number;
  requestsPerSecond: number;
  windows: ProfileWindow[];
  /** CPU the database server spent in the windows (PostgreSQL on this machine only), in ms. */
  databaseCpuMs?: number;
}

const secondsOf = (windows: ProfileWindow[]) => windows.reduce((sum, window) => sum + (window.toUs - window.fromUs) / 1e6, 0);

/** A door's load so far with one more window of it. */
export function mergeLoads(earlier: ProfiledLoad | undefined, next: ProfiledLoad): ProfiledLoad {
  if (!earlier) return next;
  const windows = [...earlier.windows, ...next.windows];
  const requests = earlier.requests + next.requests;
  const databaseCpuMs = earlier.databaseCpuMs === undefined || next.databaseCpuMs === undefined ? undefined : earlier.databaseCpuMs + next.databaseCpuMs;
  return { ...earlier, requests, requestsPerSecond: requests / secondsOf(windows), windows, ...(databaseCpuMs === undefined ? {} : { databaseCpuMs }) };
}

/** A load's windows summarised; they are kept to summarise the kept .cpuprofile again. */
export interface ProfileSummary extends Omit<ProfiledLoad, 'databaseCpuMs'> {
  windowSeconds: number;
  busyMs: number;
  /** Busy CPU time per request. */
  cpuMsPerRequest: number;
  /** The database server's CPU time per request, where it could be read (PostgreSQL on this machine). */
  databaseCpuMsPerRequest?: number;
  layers: LayerShare[];
  topFunctions: { functionName: string; source: string; layer: string; ms: number; share: number }[];
  profileFile: string;
}

/** Ordered: the first rule whose pattern matches a sample's (source-mapped) file decides its layer. */
const layerRules: [string, RegExp][] = [
  ['V8 garbage collection', /^\(garbage collector\)$/],
  ['V8/native (program)', /^\((program|root)\)$/],
  ['React Flight (RSC encode/decode)', /react-server-dom-(turbopack|webpack)/],
  ['React DOM (SSR, HTML)', /react-dom\//],
  ['React (other)', /\/react\/|react-is\//],
  // Roster's own files: mapped sources are relative to the bundle (../../../../src/core/users/commands.ts).
  ['Roster core (src/core)', /^(\.\.\/)*src\/core\//],
  ['Roster adapters (app/, src/actions, src/http, src/db, src/lib)', /^(\.\.\/)*(app|src\/actions|src\/http|src\/db|src\/lib|src\/components|src\/server)\//],
  ['raw floor server (bench/raw-server.ts)', /^bench\/raw-server\.ts$/],
  ['Drizzle ORM', /drizzle-orm\//],
  ['zod (validation)', /\/zod\//],
  ['PGlite (WASM PostgreSQL)', /@electric-sql\/pglite|^wasm:/],
  ['node-postgres (pg driver)', /\/(pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-[a-z]+)\//],
  ['pino (logging)', /\/(pino|pino-std-serializers|sonic-boom|thread-stream)\//],
  ['Next.js server (routing, actions, rendering, caching)', /next\/|\.next\/|\[turbopack\]|\.next-internal/],
  ['other npm packages', /node_modules\//],
  ['Node.js zlib (response compression)', /^node:zlib$/],
  ['Node.js async_hooks (AsyncLocalStorage)', /^node:(internal\/)?async_hooks$/],
  ['Node.js (http, net, streams, fs, microtasks, …)', /^node:|^internal\/|^$/],
];

const idle = '(idle)';

function layerOf(file: string): string {
  for (const [layer, pattern] of layerRules) if (pattern.test(file)) return layer;
  return 'other';
}

/**
 * Which file a sample's code comes from. Code loaded from a package's own files (PGlite, pino, Node's own
 * modules) is that package's; code in a bundle (Turbopack's .next chunks, Next's compiled runtimes) is traced
 * back through the bundle's source map.
 */
class SourceResolver {
  private readonly maps = new Map<string, { map: SourceMap; packages: string[] } | null>();
  private readonly nodeModules = path.join(process.cwd(), 'node_modules');

  resolve(url: string, line: number, column: number): string {
    if (!url.startsWith('file://')) return url;
    const file = fileURLToPath(url);
    const bundled = [defaultDistDir, benchDistDir, 'next-server'].some((dir) => file.includes(`${path.sep}${dir}${path.sep}`));
    if (!bundled) return path.relative(process.cwd(), file);
    const loaded = this.load(file);
    const original = (loaded?.map.findEntry(line, column) as { originalSource?: string } | undefined)?.originalSource;
    if (!original) return path.relative(process.cwd(), file);
    return this.unmangle(decodeURIComponent(original), loaded!.packages);
  }

  private load(file: string) {
    let loaded = this.maps.get(file);
    if (loaded === undefined) {
      try {
        const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload;
        const packages = [...new Set(payload.sources.flatMap((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1] ?? []))];
        loaded = { map: new SourceMap(payload), packages: packages.filter((name) => name !== 'src') };
      } catch {
        loaded = null;
      }
      this.maps.set(file, loaded);
    }
    return loaded;
  }

  /**
   * Turbopack folds a package's own source map into the bundle's, losing the package name on the way
   * (drizzle-orm/pglite/session.js becomes node_modules/src/pglite/session.ts). Find the package of the bundle
   * that has the compiled file.
   */
  private unmangle(source: string, packages: string[]): string {
    const match = /node_modules\/src\/(.+)\.tsx?$/.exec(source);
    if (!match) return source;
    const owner = packages.find((name) => existsSync(path.join(this.nodeModules, name, `${match[1]}.js`)));
    return owner ? `node_modules/${owner}/${match[1]}.ts` : source;
  }
}

/**
 * The one .cpuprofile a server's main thread wrote into `dir` (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile):
 * worker threads write their own (tsx's module hooks run in one), and serve no requests.
 */
export function findProfile(dir: string): string {
  const files = readdirSync(dir).filter((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  if (files.length !== 1) throw new Error(`expected one main-thread .cpuprofile in ${dir}, found ${files.length}: ${readdirSync(dir).join(', ')}`);
  return path.join(dir, files[0]!);
}

/** Self time by layer within each load's windows, from one profile (a server that served the loads in turn). */
export function summariseProfile(file: string, loads: ProfiledLoad[]): ProfileSummary[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const resolver = new SourceResolver();
  const fileOf = new Map<number, string>();
  const sourceOf = (node: ProfileNode) => {
    let source = fileOf.get(node.id);
    if (source === undefined) {
      const { url, lineNumber, columnNumber, functionName } = node.callFrame;
      source = url ? resolver.resolve(url, lineNumber, columnNumber) : functionName.startsWith('(') ? functionName : '';
      fileOf.set(node.id, source);
    }
    return source;
  };
  return loads.map((load) => summariseWindow(profile, load, (id) => nodes.get(id)!, sourceOf, file));
}

function summariseWindow(
  profile: CpuProfile,
  load: ProfiledLoad,
  nodeOf: (id: number) => ProfileNode,
  sourceOf: (node: ProfileNode) => string,
  file: string,
): ProfileSummary {
  const inWindow = (time: number) => load.windows.some(({ fromUs, toUs }) => time >= fromUs && time <= toUs);
  const perNode = new Map<number, number>();
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (!inWindow(time)) continue;
    perNode.set(profile.samples[i]!, (perNode.get(profile.samples[i]!) ?? 0) + delta / 1000);
  }
  if (perNode.size === 0) throw new Error(`${file} has no samples in the ${load.door} windows: the profile and the load did not overlap`);

  const layers = new Map<string, number>();
  const functions = new Map<string, { functionName: string; source: string; layer: string; ms: number }>();
  let busyMs = 0;
  for (const [id, ms] of perNode) {
    const node = nodeOf(id);
    if (node.callFrame.functionName === idle) continue;
    const source = sourceOf(node);
    const layer = layerOf(source);
    busyMs += ms;
    layers.set(layer, (layers.get(layer) ?? 0) + ms);
    const name = node.callFrame.functionName || '(anonymous)';
    const key = `${name}@${source}`;
    const entry = functions.get(key) ?? { functionName: name, source: shorten(source), layer, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  }

  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  const perRequest = (ms: number) => (load.requests > 0 ? ms / load.requests : 0);
  return {
    database: load.database,
    scenario: load.scenario,
    door: load.door,
    requests: load.requests,
    requestsPerSecond: load.requestsPerSecond,
    windows: load.windows,
    windowSeconds: secondsOf(load.windows),
    busyMs,
    cpuMsPerRequest: perRequest(busyMs),
    ...(load.databaseCpuMs === undefined ? {} : { databaseCpuMsPerRequest: perRequest(load.databaseCpuMs) }),
    layers: [...layers].map(([layer, ms]) => ({ layer, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12)
      .map((entry) => ({ ...entry, share: share(entry.ms) })),
    profileFile: file,
  };
}

function shorten(source: string): string {
  return source.replace(/^(\.\.\/)+/, '').replace(/^.*?node_modules\//, '').replace(/^webpack:\/\/next\/\.\//, 'next/');
}
