import { expect, type Page } from '@playwright/test';

/**
 * Collects every Content-Security-Policy violation on `page` from now on: what Chromium logs for each, and with
 * JavaScript on the `securitypolicyviolation` events its documents fire. Call before the first goto.
 */
export async function watchPolicyViolations(page: Page, javaScriptEnabled: boolean): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  if (javaScriptEnabled) {
    // A binding and an init script both run outside the page's policy, so they can watch it.
    await page.exposeBinding('reportPolicyViolation', (_source, text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener(
        'securitypolicyviolation',
        (event) => (window as unknown as { reportPolicyViolation: (text: string) => void }).reportPolicyViolation(`${event.documentURI}: ${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`),
        true,
      );
    });
  }
  return violations;
}

/** Waits until React has hydrated the page's main content: its scripts ran under the policy. */
export async function expectHydrated(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => Object.keys(document.querySelector('main') ?? {}).some((key) => key.startsWith('__reactFiber'))), {
      message: `${page.url()} hydrates`,
    })
    .toBe(true);
}
