// The operator console (#18 item 4) in a real browser (Debian's Chromium, headless, driven by
// playwright-core). Used by ConsoleIT; arguments come from the environment:
//   CONSOLE_URL  http://127.0.0.1:<port>/admin/
//   TOKEN        an admin's (and approver's) bearer token
//   MODE         main: overview, tools (kill TOOL with REASON), audit (search USER, open REQUEST_ID's
//                chain, verify), readiness, review queue, changelog, approvals (approve APPROVAL_ID);
//                after: the audit search for TOOL's refusals, then the overview again
//   TOOL, REASON, USER, REQUEST_ID, APPROVAL_ID, MARKUP_TOOL (a tool whose description carries markup)
//   SHOTS        the directory for the screenshots (console-*.png)
//   PROFILE      a fresh, empty directory for the browser profile
// It prints one JSON line per event; a page error, a CSP violation, a failed request or an element
// created from data (an <img>, <b> or extra <script> injected through it) makes it exit 2.
import { openAdminPage } from './admin-page-browser.mjs';

const { CONSOLE_URL, TOKEN, MODE, TOOL, REASON, USER, REQUEST_ID, APPROVAL_ID, MARKUP_TOOL, SHOTS, PROFILE } = process.env;
const { browser, page, problems } = await openAdminPage(PROFILE, 1400);
const log = (event, fields) => console.log(JSON.stringify({ event, ...fields }));
const shot = (name) => page.screenshot({ path: `${SHOTS}/console-${name}.png`, fullPage: true });

async function view(name) {
  await page.click(`nav a[data-view="${name}"]`);
  try {
    await page.locator('#status', { hasText: `Signed in: ${name} ` }).waitFor({ timeout: 20000 });
  } catch (e) {
    throw new Error(`the ${name} view did not load: ${await page.locator('#status').innerText()}`);
  }
}

async function signIn() {
  await page.goto(CONSOLE_URL);
  await page.fill('#token', TOKEN);
  await page.click('#use-token');
}

try {
  await signIn();
  if (MODE === 'main') {
    await page.locator('#status', { hasText: 'Signed in: overview ' }).waitFor({ timeout: 20000 });
    log('overview', { calls: await page.locator('#ov-calls').innerText(), refused: await page.locator('#ov-refused').innerText(),
      approvals: await page.locator('#ov-approvals').innerText(), kills: await page.locator('#ov-kills').innerText(),
      nodes: await page.locator('#ov-nodes tbody').innerText(), nodesNote: await page.locator('#ov-nodes-note').innerText(),
      upstreams: await page.locator('#ov-upstreams tbody').innerText(),
      open: await page.locator('#ov-open tbody').innerText(), activity: await page.locator('#ov-activity tbody').innerText() });
    await shot('overview');

    await view('tools');
    const markup = page.locator(`#tools tbody tr[data-tool="${MARKUP_TOOL}"]`);
    log('markup-tool', { row: await markup.innerText(), description: await markup.locator('td').nth(1).innerText() });
    const row = page.locator(`#tools tbody tr[data-tool="${TOOL}"]`);
    await row.locator('input.flip-reason').fill(REASON);
    await row.locator('button.kill').click();
    await page.locator('#tools-result.ok').waitFor({ timeout: 20000 });
    await row.locator('.killed').waitFor({ timeout: 20000 });
    log('killed', { result: await page.locator('#tools-result').innerText(), killed: await row.locator('.killed').innerText() });
    await shot('tools');

    await view('audit');
    await page.fill('#q-principal', USER);
    await page.click('#search');
    await page.locator('#search-result', { hasText: 'record(s)' }).waitFor({ timeout: 20000 });
    log('searched', { result: await page.locator('#search-result').innerText(), rows: await page.locator('#records tbody').innerText() });
    await page.locator('button.open-chain', { hasText: REQUEST_ID }).first().click();
    await page.locator('#timeline li').first().waitFor({ timeout: 20000 });
    log('chain', { id: await page.locator('#chain-id').innerText(), steps: await page.locator('#timeline li').count(),
      timeline: await page.locator('#timeline').innerText() });
    await page.click('#verify');
    await page.locator('#verify-result', { hasText: 'ntact' }).waitFor({ timeout: 30000 });
    log('verified', { result: await page.locator('#verify-result').innerText() });
    await shot('audit');

    await view('readiness');
    log('readiness', { environments: await page.locator('#readiness h3').allInnerTexts(),
      failing: await page.locator('#readiness tr.bad').allInnerTexts() });
    await shot('readiness');
    await view('reviews');
    log('reviews', { text: await page.locator('#reviews tbody').innerText() });
    await view('changelog');
    log('changelog', { text: await page.locator('#changelog tbody').innerText() });
    await shot('changelog');

    await view('approvals');
    const card = page.locator(`article[data-approval-id="${APPROVAL_ID}"]`);
    await card.waitFor({ timeout: 20000 });
    log('approval', { text: await card.innerText() });
    await card.locator('textarea.comment').fill('approved in the console');
    await card.locator('button.approve').click();
    await card.locator('.result.ok').waitFor({ timeout: 20000 });
    log('approved', { result: await card.locator('.result').innerText() });
    await shot('approvals');
  } else {
    await page.locator('#status', { hasText: 'Signed in: overview ' }).waitFor({ timeout: 20000 });
    await view('audit');
    await page.fill('#q-tool', TOOL);
    await page.selectOption('#q-decision', 'refused');
    await page.click('#search');
    await page.locator('#search-result', { hasText: 'record(s)' }).waitFor({ timeout: 20000 });
    log('refusals', { result: await page.locator('#search-result').innerText(), rows: await page.locator('#records tbody').innerText() });
    await shot('refused');
    await view('overview');
    log('overview', { refused: await page.locator('#ov-refused').innerText(), kills: await page.locator('#ov-kills').innerText(),
      active: await page.locator('#ov-active tbody').innerText() });
  }
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
  await shot('failure').catch(() => {});
  process.exitCode = 3;
} finally {
  await browser.close();
}
