// The console's review queue (#15 item 2, C7.2) in a real browser (Debian's Chromium, headless, driven
// by playwright-core). Used by ReviewPageIT; arguments come from the environment:
//   CONSOLE_URL  http://127.0.0.1:<port>/admin/
//   TOKEN        a reviewer's (and admin's) bearer token
//   REVIEW_ID    the definition waiting for review (upstream/kind/name)
//   OVERRIDE     the override accepting it needs (its findings block)
//   SHOTS        the directory for the screenshot (console-review.png)
//   PROFILE      a fresh, empty directory for the browser profile
// It prints one JSON line per event; a page error, a CSP violation, a failed request or an element
// created from data (an <img>, <b> or extra <script> injected through it) makes it exit 2.
import { openAdminPage } from './admin-page-browser.mjs';

const { CONSOLE_URL, TOKEN, REVIEW_ID, OVERRIDE, SHOTS, PROFILE } = process.env;
const { browser, page, problems } = await openAdminPage(PROFILE, 1400);
const log = (event, fields) => console.log(JSON.stringify({ event, ...fields }));

try {
  await page.goto(CONSOLE_URL + '#reviews');
  await page.fill('#token', TOKEN);
  await page.click('#use-token');
  await page.locator('#status', { hasText: 'Signed in: reviews ' }).waitFor({ timeout: 20000 });
  const card = page.locator(`article[data-review-id="${REVIEW_ID}"]`);
  await card.waitFor({ timeout: 20000 });
  log('review', { queue: await page.locator('#reviews tbody').innerText(), card: await card.innerText(),
    old: await card.locator('pre.old').allInnerTexts(), new: await card.locator('pre.new').allInnerTexts(),
    findings: await card.locator('ul.findings li').allInnerTexts() });
  await card.locator('input.override').fill(OVERRIDE);
  await card.locator('button.accept').click();
  await card.locator('.result.ok').waitFor({ timeout: 20000 });
  log('accepted', { result: await card.locator('.result').innerText() });
  await page.screenshot({ path: `${SHOTS}/console-review.png`, fullPage: true });
  await page.click('#refresh');
  await page.locator('#reviews tbody td.empty').waitFor({ timeout: 20000 });
  log('after', { queue: await page.locator('#reviews tbody').innerText(), cards: await page.locator('article.review').count() });
  const injected = await page.evaluate(() => ({ images: document.querySelectorAll('img').length,
    bold: document.querySelectorAll('b').length, scripts: document.querySelectorAll('script').length, xss: window.__xss ?? null }));
  log('injected', injected);
  if (injected.images !== 0 || injected.bold !== 0 || injected.scripts !== 4 || injected.xss !== null) {
    problems.push('data became markup: ' + JSON.stringify(injected));
  }
  if (problems.length) {
    log('problems', { problems });
    process.exitCode = 2;
  }
} catch (e) {
  log('failed', { error: String(e), status: await page.locator('#status').innerText().catch(() => null) });
  await page.screenshot({ path: `${SHOTS}/console-review-failure.png`, fullPage: true }).catch(() => {});
  process.exitCode = 3;
} finally {
  await browser.close();
}
