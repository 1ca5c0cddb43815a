// The approver page (C3.2, C3.3). Everything it shows comes from the admin API with the approver's
// own bearer token; every value is put into the page as text (never as HTML), and every POST
// carries the Authorization header, which no cross-site form can send.
'use strict';

const KEY = 'portcullis.approvals.token';

// #11 item 15: control, bidi and invisible characters are shown as escapes (admin-page.js), with the
// short forms \n, \r, \t and \0. A <pre> keeps its own line breaks (JSON.stringify already escaped
// those inside strings).
const visible = (s) => escapeHidden(s, true);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) {
    e.className = cls;
  }
  if (text !== undefined) {
    e.textContent = tag === 'pre' ? String(text).split('\n').map(visible).join('\n') : visible(text);
  }
  return e;
}

function row(dl, key, value) {
  dl.append(el('dt', null, key), el('dd', null, value === null || value === undefined || value === '' ? '-' : String(value)));
}

async function load() {
  if (!token()) {
    status('Paste your access token to see the requests you may decide.');
    $('requests').replaceChildren();
    return;
  }
  status('Loading...');
  let res;
  try {
    res = await fetch('/admin/api/approvals?status=pending', { headers: headers(false), cache: 'no-store' });
  } catch (e) {
    status('The gateway cannot be reached: ' + e);
    return;
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    status('Refused (HTTP ' + res.status + '): ' + ((body && (body.error && body.error.message || body.error)) || ''));
    return;
  }
  const root = $('requests');
  root.replaceChildren();
  for (const a of body) {
    root.append(card(a));
  }
  status(body.length === 0 ? 'No pending requests.' : body.length + ' pending request(s).');
}

function card(a) {
  const c = el('article', 'request');
  c.dataset.approvalId = a.id;
  c.append(el('h2', null, a.tool + ' in ' + a.environment));
  const r = a.requester || {};
  const dl = el('dl');
  row(dl, 'Approval id', a.id);
  row(dl, 'Requested by', (r.display_name || r.subject) + ' (' + r.subject + ', ' + r.kind + ', ' + r.auth_method + ')');
  row(dl, 'Their roles', (r.roles || []).join(', '));
  row(dl, 'Client', a.client);
  row(dl, 'Session', a.session);
  row(dl, 'User request', a.user_request ? a.user_request.text : null);
  row(dl, 'Reason', a.reason);
  row(dl, 'Rules', (a.rule_ids || []).join(', '));
  row(dl, 'Needs', a.quorum + ' approval(s) by ' + (a.approver_roles || []).join(' or ') + '; ' + a.approvals + ' so far');
  row(dl, 'Requested at', a.created);
  row(dl, 'Expires', a.expires);
  row(dl, 'Arguments SHA-256', a.arguments_sha256);
  c.append(dl);
  // #11 item 11: the arguments exactly as they will be sent; the page says what was masked and why
  c.append(el('h3', null, 'Arguments'));
  c.append(el('p', 'masked-note', a.masked_note || ''));
  if (a.hidden_characters && a.hidden_characters.length > 0) {
    c.append(el('p', 'hidden-warning', 'Warning: the values at ' + a.hidden_characters.join(', ')
      + ' contain control, bidi or invisible characters, shown below as \\u escapes.'));
  }
  c.append(el('pre', 'args', JSON.stringify(a.arguments, null, 2)));
  const comment = el('textarea', 'comment');
  comment.placeholder = 'Comment, recorded with your decision';
  comment.maxLength = 2000;
  comment.setAttribute('aria-label', 'Comment for ' + a.id);
  const approve = el('button', 'approve', 'Approve');
  const deny = el('button', 'deny', 'Deny');
  approve.type = 'button';
  deny.type = 'button';
  const out = el('p', 'result');
  out.setAttribute('role', 'status');
  approve.addEventListener('click', () => decide(a.id, 'approve', comment.value, out, [approve, deny]));
  deny.addEventListener('click', () => decide(a.id, 'deny', comment.value, out, [approve, deny]));
  c.append(comment, approve, deny, out);
  return c;
}

async function decide(id, verdict, comment, out, buttons) {
  buttons.forEach((b) => { b.disabled = true; });
  let res;
  let body = null;
  try {
    res = await fetch('/admin/api/approvals/' + encodeURIComponent(id) + '/' + verdict, {
      method: 'POST', headers: headers(true), body: JSON.stringify({ comment: comment }), cache: 'no-store',
    });
    body = await res.json().catch(() => null);
  } catch (e) {
    out.textContent = 'The gateway cannot be reached: ' + e;
    out.className = 'result error';
    buttons.forEach((b) => { b.disabled = false; });
    return;
  }
  if (res.ok) {
    out.textContent = (verdict === 'approve' ? 'Approved' : 'Denied') + ': the request is now ' + body.status + '.';
    out.className = 'result ok';
  } else {
    out.textContent = 'Refused (HTTP ' + res.status + '): ' + ((body && body.error) || '');
    out.className = 'result error';
    buttons.forEach((b) => { b.disabled = false; });
  }
}

document.addEventListener('DOMContentLoaded', () => {
  bindSignIn(load);
  load();
});
