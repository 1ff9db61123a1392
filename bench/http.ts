// The single client of the one-request-at-a-time measurements: node:http over one keep-alive connection per
// server, timing from the first byte written to the last byte read (what a browser waits for, minus parsing).
import http from 'node:http';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** As received (possibly compressed). */
  raw: Buffer;
  ms: number;
}

export class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    readonly origin: string,
    private readonly timeoutMs: number,
  ) {}

  send(spec: RequestSpec): Promise<HttpResult> {
    const url = new URL(spec.path, this.origin);
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: spec.method,
          headers: { ...spec.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks), ms });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms: ${spec.method} ${spec.path}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The response body as text, decompressed. */
export function textOf(result: Pick<HttpResult, 'headers' | 'raw'>): string {
  const encoding = result.headers['content-encoding'];
  const bytes =
    encoding === 'gzip' ? gunzipSync(result.raw) : encoding === 'deflate' ? inflateSync(result.raw) : encoding === 'br' ? brotliDecompressSync(result.raw) : result.raw;
  return bytes.toString('utf8');
}

export const isSuccess = (status: number) => status >= 200 && status < 300;
