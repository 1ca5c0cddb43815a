// A headless "browser" for tests of `portcullis connect`: GETs the sign-in URL and follows the
// redirects (the suite's and mock-oauth2-server's authorization endpoints redirect at once) until
// the loopback callback of connect answers.
const res = await fetch(process.argv[2], { redirect: 'follow' }).catch((e) => ({ status: 0, e }));
process.exit(res.status === 200 ? 0 : 1);
