// What the admin pages' browser scripts (approvals-page.mjs, kill-switches-page.mjs) share: Debian's
// Chromium, headless, driven by playwright-core, with a fresh profile, and the list of problems the
// page shows (a page error, a console error such as a CSP violation, a response of HTTP 400 or more).
import { chromium } from 'playwright-core';

export async function openAdminPage(profile, width) {
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width, height: 1000 },
  });
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    // a resource that fails is reported with its URL below; the browser's own favicon probe is not the page's
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push('console: ' + m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    return { browser, page, problems };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
