// The kill-switch page (C6.2, #14 item 2). Everything it shows comes from the admin API with the
// admin's own bearer token; every value is put into the page as text (never as HTML), and every
// POST carries the Authorization header, which no cross-site form can send.
'use strict';

const KEY = 'portcullis.kill-switches.token';
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

function status(text) {
  $('status').textContent = text;
}

// #11 item 15: control, bidi and invisible characters are shown as escapes (the same ranges as
// io.portcullis.text.Visible and approvals.js), so no reason can reorder or hide what an admin reads.
function hidden(cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return true;
  if (cp < 0xa0) return false;
  return [0xad, 0x34f, 0x61c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x3164, 0xfeff, 0xffa0].includes(cp)
    || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f)
    || (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xd800 && cp <= 0xdfff);
}

function visible(s) {
  let out = '';
  for (const ch of String(s)) {
    const cp = ch.codePointAt(0);
    out += !hidden(cp) ? ch
      : cp > 0xffff ? '\\u{' + cp.toString(16).toUpperCase() + '}' : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) {
    e.className = cls;
  }
  if (text !== undefined) {
    e.textContent = visible(text === null || text === '' ? '-' : text);
  }
  return e;
}

function refusal(res, body) {
  return 'Refused (HTTP ' + res.status + '): ' + ((body && (body.error && body.error.message || body.error)) || '');
}

async function load() {
  $('problem').textContent = '';
  if (!token()) {
    status('Paste your access token (an admin role) to see and flip the kill switches.');
    $('active').tBodies[0].replaceChildren();
    $('history').tBodies[0].replaceChildren();
    return;
  }
  status('Loading...');
  let res;
  try {
    res = await fetch('/admin/api/kill-switches', { headers: headers(false), cache: 'no-store' });
  } catch (e) {
    status('The gateway cannot be reached: ' + e);
    return;
  }
  const body = await res.json().catch(() => null);
  if (!res.ok || !body) {
    status(refusal(res, body));
    return;
  }
  if (body.problem) {
    $('problem').textContent = visible('The kill switches cannot be read (every non-read-only call is refused): ' + body.problem);
  }
  const active = $('active').tBodies[0];
  active.replaceChildren(...body.active.map(activeRow));
  $('history').tBodies[0].replaceChildren(...body.history.map(historyRow));
  status(body.active.length === 0 ? 'No kill switch is in force.' : body.active.length + ' kill switch(es) in force.');
}

function activeRow(s) {
  const tr = el('tr');
  tr.dataset.describe = s.describe;
  const reason = el('input', 'unkill-reason');
  reason.type = 'text';
  reason.maxLength = 2000;
  reason.placeholder = 'Reason for lifting it';
  reason.setAttribute('aria-label', 'Reason for lifting ' + s.describe);
  const button = el('button', 'unkill', 'Unkill');
  button.type = 'button';
  button.addEventListener('click', async () => {
    if (await flip({ action: 'unkill', scope: s.scope, name: s.name, environment: s.environment, reason: reason.value },
      $('unkill-result'), button)) {
      await load();
    }
  });
  const cell = el('td');
  cell.append(reason, button);
  tr.append(el('td', 'switch', s.describe), el('td', 'reason', s.reason), el('td', null, s.by), el('td', null, s.at), cell);
  return tr;
}

function historyRow(f) {
  const tr = el('tr');
  tr.dataset.seq = String(f.seq);
  tr.append(el('td', null, String(f.seq)), el('td', 'action', f.action), el('td', 'switch', f.describe),
    el('td', 'reason', f.reason), el('td', null, f.by), el('td', null, f.at));
  return tr;
}

async function flip(request, out, button) {
  button.disabled = true;
  let res;
  let body = null;
  try {
    res = await fetch('/admin/api/kill-switches', {
      method: 'POST', headers: headers(true), body: JSON.stringify(request), cache: 'no-store',
    });
    body = await res.json().catch(() => null);
  } catch (e) {
    out.textContent = 'The gateway cannot be reached: ' + e;
    out.className = 'result error';
    button.disabled = false;
    return false;
  }
  button.disabled = false;
  if (!res.ok) {
    out.textContent = visible(refusal(res, body));
    out.className = 'result error';
    return false;
  }
  out.textContent = visible((request.action === 'kill' ? 'Killed: ' : 'Lifted: ') + body.describe + ' (#' + body.seq + ')');
  out.className = 'result ok';
  return true;
}

async function kill() {
  const scope = $('scope').value;
  const env = $('environment').value.trim();
  const request = { action: 'kill', scope: scope, name: $('name').value.trim(), reason: $('reason').value };
  if (env) {
    request.environment = env;
  }
  if ($('read-only').checked) {
    request.read_only = true;
  }
  if (await flip(request, $('kill-result'), $('kill-button'))) {
    $('reason').value = '';
    await load();
  }
}

document.addEventListener('DOMContentLoaded', () => {
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
  $('kill-button').addEventListener('click', kill);
  load();
});
