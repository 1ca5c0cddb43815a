// The kill-switch page (C6.2, #14 item 2). Everything it shows comes from the admin API with the
// admin's own bearer token; every value is put into the page as text (never as HTML), and every
// POST carries the Authorization header, which no cross-site form can send.
'use strict';

const KEY = 'portcullis.kill-switches.token';

// #11 item 15: control, bidi and invisible characters are shown as \uXXXX escapes (admin-page.js).
const visible = (s) => escapeHidden(s, false);

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
  bindSignIn(load);
  $('kill-button').addEventListener('click', kill);
  load();
});
