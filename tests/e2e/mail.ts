import { expect } from '@playwright/test';
import { mailHttpOrigin, rosterOrigin } from './origins';

interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Every message the test mail server received for `address`, oldest first. */
export async function mailTo(address: string): Promise<CaughtMail[]> {
  const response = await fetch(`${mailHttpOrigin}/messages?to=${encodeURIComponent(address)}`);
  return (await response.json()) as CaughtMail[];
}

/**
 * Waits (polling) for the `count`-th message to `address` whose link opens `page`, and returns that link. The same
 * link must be in the text and the HTML part.
 */
export async function linkFromMail(address: string, page: string, count = 1): Promise<string> {
  const pattern = new RegExp(`${rosterOrigin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/${page}/[A-Za-z0-9_-]{43}`);
  let links: string[] = [];
  await expect
    .poll(async () => {
      links = (await mailTo(address)).map((mail) => pattern.exec(mail.text)?.[0] ?? '').filter(Boolean);
      return links.length;
    }, { message: `a ${page} link emailed to ${address}`, timeout: 15_000 })
    .toBeGreaterThanOrEqual(count);
  const html = (await mailTo(address)).filter((mail) => pattern.test(mail.text))[count - 1]!.html;
  expect(html).toContain(links[count - 1]);
  return links[count - 1]!;
}
