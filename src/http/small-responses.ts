/**
 * Next's compression leaves bodies under 1 KiB alone only when it can see their Content-Length, and Next drops that
 * header from every Route Handler response: so it gzipped each few-hundred-byte JSON answer, a zlib stream per
 * response (about 0.2 ms of CPU on the bench's update path, bench/results/issue-12) for a handful of bytes saved.
 * `no-transform` is what its compression, like every proxy (RFC 9111 §5.2.2.6), honours: small bodies say so.
 */
const compressionThresholdBytes = 1024;

/** `Cache-Control` of an uncacheable API answer with this body: `no-store`, plus `no-transform` if it is small. */
export const noStoreFor = (body: string) => (Buffer.byteLength(body) < compressionThresholdBytes ? 'no-store, no-transform' : 'no-store');
