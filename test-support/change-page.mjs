// The console's held config changes (#15 item 4, C7.2) in a real browser (Debian's Chromium, headless,
// driven by playwright-core). Used by ChangePageIT; arguments come from the environment:
//   CONSOLE_URL     http://127.0.0.1:<port>/admin/
//   AUTHOR_TOKEN    the change's author's bearer token (an admin and a config reviewer)
//   REVIEWER_TOKEN  a second admin's (a config reviewer, not the author)
//   CHANGE_ID       the held change
//   SHOTS           the directory for the screenshots (console-change-held.png, console-change-approved.png)
//   PROFILE         a fresh, empty directory for the browser profile
// It prints one JSON line per event; a page error, a CSP violation, a failed request (other than the
// author's refused approval, which the test expects) or an element created from data (an <img>, <b> or
// extra <script> injected through a rule's condition) makes it exit 2.
import { openAdminPage } from './admin-page-browser.mjs';

const { CONSOLE_URL, AUTHOR_TOKEN, REVIEWER_TOKEN, CHANGE_ID, SHOTS, PROFILE } = process.env;
const { browser, page, problems } = await openAdminPage(PROFILE, 1400);
const log = (event, fields) => console.log(JSON.stringify({ event, ...fields }));

async function signIn(token) {
  await page.fill('#token', token);
  await page.click('#use-token');
  await page.locator('#status', { hasText: 'Signed in: changes ' }).waitFor({ timeout: 20000 });
}

try {
  await page.goto(CONSOLE_URL + '#changes');
  await signIn(AUTHOR_TOKEN);
  const card = page.locator(`article[data-change-id="${CHANGE_ID}"]`);
  await card.waitFor({ timeout: 20000 });
  log('held', { running: await page.locator('#changes-running').innerText(), table: await page.locator('#changes tbody').innerText(),
    card: await card.innerText(), diff: await card.locator('pre.diff').innerText() });
  await card.locator('button.approve').click();
  await card.locator('.result.error').waitFor({ timeout: 20000 });
  log('author', { result: await card.locator('.result').innerText() });
  await page.screenshot({ path: `${SHOTS}/console-change-held.png`, fullPage: true });

  await page.click('#sign-out');
  await signIn(REVIEWER_TOKEN);
  const again = page.locator(`article[data-change-id="${CHANGE_ID}"]`);
  await again.waitFor({ timeout: 20000 });
  await again.locator('button.approve').click();
  await again.locator('.result.ok').waitFor({ timeout: 20000 });
  log('approved', { result: await again.locator('.result').innerText() });
  await page.click('#refresh');
  await page.locator('#changes-running.ok').waitFor({ timeout: 20000 });
  log('after', { running: await page.locator('#changes-running').innerText(), table: await page.locator('#changes tbody').innerText(),
    cards: await page.locator('article.change').count() });
  await page.screenshot({ path: `${SHOTS}/console-change-approved.png`, fullPage: true });

  const injected = await page.evaluate(() => ({ images: document.querySelectorAll('img').length,
    bold: document.querySelectorAll('b').length, scripts: document.querySelectorAll('script').length, xss: window.__xss ?? null }));
  log('injected', injected);
  if (injected.images !== 0 || injected.bold !== 0 || injected.scripts !== 4 || injected.xss !== null) {
    problems.push('data became markup: ' + JSON.stringify(injected));
  }
  // the author's approval is refused by the admin API (403): expected, and checked above
  const unexpected = problems.filter((p) => !(p.startsWith('HTTP 403 ') && p.endsWith('/admin/api/changes/approve')));
  if (unexpected.length) {
    log('problems', { problems: unexpected });
    process.exitCode = 2;
  }
} catch (e) {
  log('failed', { error: String(e), status: await page.locator('#status').innerText().catch(() => null) });
  await page.screenshot({ path: `${SHOTS}/console-change-failure.png`, fullPage: true }).catch(() => {});
  process.exitCode = 3;
} finally {
  await browser.close();
}
