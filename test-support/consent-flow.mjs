// The user_oauth consent flow (#16 item 1) in a real browser (Debian's Chromium, headless, driven by
// playwright-core). Used by UserOAuthIT; arguments come from the environment:
//   LINK        the consent link a refused call carried (http://127.0.0.1:<port>/oauth/connect/<upstream>?ticket=...)
//   USERNAME    the account to sign in as at the mock authorization server's login page
//   PROFILE     a fresh, empty directory for the browser profile
// It prints one JSON line: the final page's URL path, title and message.
import { chromium } from 'playwright-core';

const { LINK, USERNAME, PROFILE } = process.env;
const browser = await chromium.launchPersistentContext(PROFILE, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  await page.goto(LINK);
  await page.locator('input[name=username]').waitFor({ timeout: 20000 });
  await page.fill('input[name=username]', USERNAME);
  await Promise.all([page.waitForURL(/\/oauth\/callback/, { timeout: 20000 }), page.click('input[type=submit]')]);
  await page.locator('#title').waitFor({ timeout: 20000 });
  console.log(JSON.stringify({ event: 'done', path: new URL(page.url()).pathname,
    title: await page.locator('#title').innerText(), message: await page.locator('#message').innerText() }));
} finally {
  await browser.close();
}
