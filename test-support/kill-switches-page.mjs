// The kill-switch admin page (C6.2, #14 item 2) in a real browser (Debian's Chromium, headless,
// driven by playwright-core). Used by KillSwitchPageIT; arguments come from the environment:
//   PAGE_URL    http://127.0.0.1:<port>/admin/kill-switches
//   TOKEN       an admin's bearer token
//   MODE        kill: kill tool TOOL with REASON; unkill: lift the switch on TOOL with REASON
//   TOOL        the tool to kill or unkill
//   REASON      the reason typed into the page
//   SCREENSHOT  where to save the PNG
//   PROFILE     a fresh, empty directory for the browser profile
// It prints one JSON line per event; a page error, a CSP violation, a failed request or an element
// created from a reason (an <img> injected through it) makes it exit 2.
import { openAdminPage } from './admin-page-browser.mjs';

const { PAGE_URL, TOKEN, MODE, TOOL, REASON, SCREENSHOT, PROFILE } = process.env;
const { browser, page, problems } = await openAdminPage(PROFILE, 1200);
try {
  await page.goto(PAGE_URL);
  await page.fill('#token', TOKEN);
  await page.click('#use-token');
  await page.locator('#status', { hasText: 'in force' }).waitFor({ timeout: 20000 });
  const row = page.locator('#active tbody tr', { hasText: `tool ${TOOL} ` });
  if (MODE === 'kill') {
    await page.selectOption('#scope', 'tool');
    await page.fill('#name', TOOL);
    await page.fill('#reason', REASON);
    await page.click('#kill-button');
    await page.locator('#kill-result.ok').waitFor({ timeout: 20000 });
    await row.waitFor({ timeout: 20000 });
    console.log(JSON.stringify({ event: 'killed', result: await page.locator('#kill-result').innerText(),
      row: await row.innerText(), reason: await row.locator('td.reason').innerText() }));
  } else {
    await row.waitFor({ timeout: 20000 });
    await row.locator('input.unkill-reason').fill(REASON);
    await row.locator('button.unkill').click();
    await page.locator('#unkill-result.ok').waitFor({ timeout: 20000 });
    await row.waitFor({ state: 'detached', timeout: 20000 });
    console.log(JSON.stringify({ event: 'unkilled', result: await page.locator('#unkill-result').innerText(),
      status: await page.locator('#status').innerText() }));
  }
  console.log(JSON.stringify({ event: 'history', text: await page.locator('#history tbody').innerText() }));
  const injected = await page.evaluate(() => ({ images: document.querySelectorAll('img').length, xss: window.__xss ?? null }));
  console.log(JSON.stringify({ event: 'injected', ...injected }));
  if (injected.images !== 0 || injected.xss !== null) problems.push('a reason became markup: ' + JSON.stringify(injected));
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  if (problems.length) {
    console.log(JSON.stringify({ event: 'problems', problems }));
    process.exitCode = 2;
  }
} finally {
  await browser.close();
}
