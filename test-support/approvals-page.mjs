// The approver page in a real browser (Debian's Chromium, headless, driven by playwright-core):
// it signs in with an approver's token, finds the pending request, approves it with a comment
// and saves a screenshot. Used by ApprovalPageIT; arguments come from the environment:
//   PAGE_URL     http://127.0.0.1:<port>/admin/approvals
//   TOKEN        the approver's bearer token
//   APPROVAL_ID  the request the page must list
//   SCREENSHOT   where to save the PNG
//   PROFILE      a fresh, empty directory for the browser profile
import { openAdminPage } from './admin-page-browser.mjs';

const { PAGE_URL, TOKEN, APPROVAL_ID, SCREENSHOT, PROFILE } = process.env;
const { browser, page, problems } = await openAdminPage(PROFILE, 1100);
try {
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
