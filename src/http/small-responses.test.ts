import { describe, expect, it } from 'vitest';
import { noStoreFor } from './small-responses';

describe('noStoreFor', () => {
  it('asks for no transformation below 1 KiB, counted in bytes, not characters', () => {
    expect(noStoreFor('x'.repeat(1023))).toBe('no-store, no-transform');
    expect(noStoreFor('é'.repeat(511))).toBe('no-store, no-transform'); // 1022 bytes
    expect(noStoreFor('é'.repeat(512))).toBe('no-store'); // 1024 bytes, 512 characters
  });

  it('leaves 1 KiB and more to compression', () => {
    expect(noStoreFor('x'.repeat(1024))).toBe('no-store');
    expect(noStoreFor('x'.repeat(100_000))).toBe('no-store');
  });
});
