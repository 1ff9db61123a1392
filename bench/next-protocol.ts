// How a browser talks to Next, reproduced: a Server Action's id (from the build's manifest) and the request body
// React's own encodeReply() makes for `action(previousState, formData)`; the router state tree and the `_rsc`
// parameter of an RSC navigation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { benchBuildPath } from './build';

type EncodeReply = (value: unknown) => Promise<string | FormData>;
type CacheBusting = (prefetch?: string, segmentPrefetch?: string, stateTree?: string, nextUrl?: string) => Promise<string>;
const requireCjs = createRequire(import.meta.url);
// The copy of react-server-dom that Next bundles, so the encoding matches the React version the server decodes.
const { encodeReply } = requireCjs('next/dist/compiled/react-server-dom-webpack/client.node') as { encodeReply: EncodeReply };
const { computeCacheBustingSearchParam } = requireCjs('next/dist/shared/lib/router/utils/cache-busting-search-param') as {
  computeCacheBustingSearchParam: CacheBusting;
};

/** The `_rsc` search parameter Next's router adds to an RSC fetch: a hash of its headers (a wrong one is a 307). */
export const rscSearchParam = (stateTree: string, nextUrl?: string) => computeCacheBustingSearchParam(undefined, undefined, stateTree, nextUrl);

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

/** The id of `exportedName` from `filename`, checked to be served by the page that will receive it. */
export function actionId(filename: string, exportedName: string, page: string): string {
  const manifestPath = benchBuildPath('server', 'server-reference-manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { node: Record<string, ManifestEntry> };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === filename && entry.exportedName === exportedName);
  if (!found) throw new Error(`${exportedName} (${filename}) is not in ${manifestPath}: is the build current?`);
  const [id, entry] = found;
  if (!(page in entry.workers)) {
    // Next would forward the call to another page's worker: an extra internal request that isn't the real path.
    throw new Error(`${exportedName} is not served by ${page} (only by ${Object.keys(entry.workers).join(', ')})`);
  }
  return id;
}

/** The previous state every console form starts from (src/actions/action-state.ts idleState). */
const idleState = { status: 'idle' };

/**
 * The hidden inputs React renders into a `<form action={serverAction}>` for progressive enhancement. A form
 * submitted with JavaScript still carries them in its FormData, so the browser posts them too (seen in Chromium).
 */
function progressiveEnhancementFields(id: string): [string, string][] {
  return [
    ['$ACTION_REF_1', ''],
    ['$ACTION_1:0', JSON.stringify({ id, bound: '$@1' })],
    ['$ACTION_1:1', JSON.stringify([idleState])],
    ['$ACTION_KEY', 'k0123456789abcdef0123456789abcdef'],
  ];
}

export interface ActionBody {
  contentType: string;
  body: string;
}

/** What the browser posts for `action(idleState, formData)`, formData holding `fields` in this order. */
export async function encodeActionCall(id: string, fields: [string, string][], fromForm: boolean): Promise<ActionBody> {
  const formData = new FormData();
  for (const [name, value] of [...(fromForm ? progressiveEnhancementFields(id) : []), ...fields]) formData.append(name, value);
  const encoded = await encodeReply([idleState, formData]);
  const response = new Response(encoded);
  return { contentType: response.headers.get('content-type') ?? 'text/plain;charset=UTF-8', body: await response.text() };
}

/**
 * A body encoded once with placeholder values, filled in per request by string replacement: fast enough for
 * the load generator, and checked against a fresh encodeReply() so it is byte for byte what React sends.
 */
export class ActionBodyTemplate<K extends string> {
  private constructor(
    readonly contentType: string,
    private readonly template: string,
    private readonly keys: readonly K[],
  ) {}

  /** `fields`: [form field name, placeholder key (filled per request) or a literal value], in the form's order. */
  static async create<const F extends readonly (readonly [string, string | { readonly literal: string }])[]>(id: string, fields: F, fromForm: boolean) {
    type K = Extract<F[number][1], string>;
    const placeholder = (key: K) => `@@bench_${key}@@`;
    const asFields = (fill: (key: K) => string) =>
      fields.map(([name, value]): [string, string] => [name, typeof value === 'string' ? fill(value as K) : value.literal]);
    const keys = fields.flatMap(([, value]) => (typeof value === 'string' ? [value as K] : []));
    const encoded = await encodeActionCall(id, asFields(placeholder), fromForm);
    const template = new ActionBodyTemplate<K>(encoded.contentType, encoded.body, keys);

    const sample = Object.fromEntries(keys.map((key, index) => [key, `Sample ${key} ${index} é`])) as Record<K, string>;
    const fresh = await encodeActionCall(id, asFields((key) => sample[key]), fromForm);
    const boundaryOf = (contentType: string) => /boundary=(.+)$/.exec(contentType)?.[1] ?? '';
    const normalise = (body: string, contentType: string) => body.replaceAll(boundaryOf(contentType), 'BOUNDARY');
    if (normalise(template.render(sample), template.contentType) !== normalise(fresh.body, fresh.contentType)) {
      throw new Error('The templated Server Action body differs from what encodeReply() produces');
    }
    return template;
  }

  render(values: Record<K, string>): string {
    let body = this.template;
    for (const key of this.keys) body = body.replaceAll(`@@bench_${key}@@`, values[key]);
    return body;
  }
}

/**
 * The Next-Router-State-Tree header the console sends from each page (copied from Chromium's requests):
 * it tells Next which layouts the client already has.
 */
export const routerStateTree = {
  userPage: (id: string) =>
    encodeURIComponent(
      JSON.stringify(['', { children: ['(console)', { children: ['users', { children: [['id', id, 'd', null], { children: ['__PAGE__', {}, null, null, 0] }, null, null, 0] }, null, null, 0] }, null, null, 0] }, null, null, 16]),
    ),
  newUserPage: encodeURIComponent(
    JSON.stringify(['', { children: ['(console)', { children: ['users', { children: ['new', { children: ['__PAGE__', {}, null, null, 512] }, null, null, 512] }, null, null, 512] }, null, null, 512] }, null, null, 528]),
  ),
  /**
   * router.refresh() on a user's page: the page's tree with the refetch marker on the root segment, which is
   * what Next's refresh (FreshnessPolicy.RefreshAll, client/components/render-tree.js createDynamicRequestTree)
   * sends after prepareFlightRouterStateForRequest (router-reducer/fetch-server-response.js) strips it.
   */
  userPageRefresh: (id: string) =>
    encodeURIComponent(
      JSON.stringify(['', { children: ['(console)', { children: ['users', { children: [['id', id, 'd', null], { children: ['__PAGE__', {}, null, null, 0] }, null, null, 0] }, null, null, 0] }, null, null, 0] }, null, 'refetch', 16]),
    ),
  /** The bench build's own page (app/bench/page.bench.tsx), where its actions are posted. */
  benchPage: encodeURIComponent(JSON.stringify(['', { children: ['bench', { children: ['__PAGE__', {}, null, null, 0] }, null, null, 0] }, null, null, 16])),
  /** Navigating to the users list (a link click), refetching its page segment. */
  usersListNavigation: encodeURIComponent(
    JSON.stringify(['', { children: ['(console)', { children: ['users', { children: ['__PAGE__', {}, null, 'refetch', 0] }, null, null, 0] }, null, null, 0] }, null, null, 16]),
  ),
};
