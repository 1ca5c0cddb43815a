// The approver page in a real browser (Debian's Chromium, headless, driven by playwright-core):
// it signs in with an approver's token, finds the pending request, approves it with a comment
// and saves a screenshot. Used by ApprovalPageIT; arguments come from the environment:
//   PAGE_URL     http://127.0.0.1:<port>/admin/approvals
//   TOKEN        the approver's bearer token
//   APPROVAL_ID  the request the page must list
//   SCREENSHOT   where to save the PNG
//   PROFILE      a fresh, empty directory for the browser profile
import { chromium } from 'playwright-core';

const { PAGE_URL, TOKEN, APPROVAL_ID, SCREENSHOT, PROFILE } = process.env;
const browser = await chromium.launchPersistentContext(PROFILE, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 1000 },
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
  await page.goto(PAGE_URL);
  await page.fill('#token', TOKEN);
  await page.click('#use-token');
  const card = page.locator(`article[data-approval-id="${APPROVAL_ID}"]`);
  await card.waitFor({ timeout: 20000 });
  const shown = await card.innerText();
  console.log(JSON.stringify({ event: 'listed', text: shown }));
  await card.locator('textarea.comment').fill('approved in the browser after checking the ticket');
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-pending.png'), fullPage: true });
  await card.locator('button.approve').click();
  await card.locator('.result.ok').waitFor({ timeout: 20000 });
  console.log(JSON.stringify({ event: 'decided', text: await card.locator('.result').innerText() }));
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  if (problems.length) {
    console.log(JSON.stringify({ event: 'problems', problems }));
    process.exitCode = 2;
  }
} finally {
  await browser.close();
}
