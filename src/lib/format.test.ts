import { describe, expect, it } from 'vitest';
import { formatCount, shortDay } from './format';

describe('formatters built once', () => {
  it('formats counts as en-US does, the same on every call', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1_234_567)).toBe((1_234_567).toLocaleString('en-US'));
  });

  it('names a UTC day by month and day, whatever the process time zone', () => {
    expect(shortDay('2026-12-06')).toBe('Dec 6');
    expect(shortDay('2027-01-01')).toBe('Jan 1');
  });
});
