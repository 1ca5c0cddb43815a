// What the admin pages (approvals.js, kill-switches.js, console.js) share; loaded before each page's own script,
// which declares KEY, its sessionStorage key for the bearer token. Everything the pages show is put
// in as text (never as HTML), and every request carries the Authorization header, which no
// cross-site form can send.
'use strict';

const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(KEY) || '';
}

function headers(json) {
  const h = { 'Authorization': 'Bearer ' + token() };
  if (json) {
    h['Content-Type'] = 'application/json';
  }
  return h;
}

// The sign-in controls every page has: "Use token" keeps the pasted token for this tab only
// (sessionStorage) and clears the field, "Sign out" forgets it, "Refresh" reloads; each then calls load.
function bindSignIn(load) {
  $('use-token').addEventListener('click', () => {
    sessionStorage.setItem(KEY, $('token').value.trim());
    $('token').value = '';
    load();
  });
  $('refresh').addEventListener('click', load);
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    load();
  });
}

function status(text) {
  $('status').textContent = text;
}

// #11 item 15: control, bidi and invisible characters (the same ranges as io.portcullis.text.Visible),
// so that no value can reorder or hide what an admin or approver reads.
function hidden(cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return true;
  if (cp < 0xa0) return false;
  return [0xad, 0x34f, 0x61c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x3164, 0xfeff, 0xffa0].includes(cp)
    || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f)
    || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xd800 && cp <= 0xdfff);
}

const SHORT_ESCAPES = { 0: '\\0', 9: '\\t', 10: '\\n', 13: '\\r' };

// s with every hidden character as an escape: \uXXXX (\u{XXXXX} above U+FFFF), or, when short is
// true, \n, \r, \t and \0 for those four.
function escapeHidden(s, short) {
  let out = '';
  for (const ch of String(s)) {
    const cp = ch.codePointAt(0);
    if (!hidden(cp)) {
      out += ch;
    } else if (short && SHORT_ESCAPES[cp] !== undefined) {
      out += SHORT_ESCAPES[cp];
    } else {
      out += cp > 0xffff ? '\\u{' + cp.toString(16).toUpperCase() + '}' : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out;
}
