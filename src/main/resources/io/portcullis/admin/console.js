// The operator console (#18 item 4): the frame (sign-in, views by URL fragment) and the overview.
// The other views are in console-views.js. Everything shown comes from the admin API with the
// admin's own bearer token and is put into the page as text (never parsed as HTML);
// every POST carries the Authorization header and a JSON body, which no cross-site form can send.
'use strict';

const KEY = 'portcullis.console.token';
const VIEWS = {};

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

// A table row of text cells; a cell may also be an element (a button, a form).
function tr(cells, cls) {
  const row = el('tr', cls);
  for (const c of cells) {
    if (c instanceof Node) {
      const td = el('td');
      td.append(c);
      row.append(td);
    } else {
      // a value of several lines (a readiness fix) keeps its lines; each line is escaped as usual
      const text = c === undefined || c === null ? '' : String(c);
      const td = el('td', text.includes('\n') ? 'lines' : null);
      td.textContent = text === '' ? '-' : text.split('\n').map(visible).join('\n');
      row.append(td);
    }
  }
  return row;
}

// Fills a table's body; an empty list shows one row saying so.
function fill(id, rows, empty) {
  const body = $(id).tBodies[0];
  if (rows.length === 0) {
    const td = el('td', 'empty', empty || 'none');
    td.colSpan = $(id).tHead.rows[0].cells.length;
    const row = el('tr');
    row.append(td);
    body.replaceChildren(row);
  } else {
    body.replaceChildren(...rows);
  }
}

function refusal(r) {
  const b = r.body;
  return 'Refused (HTTP ' + r.status + '): ' + ((b && (b.error && b.error.message || b.error)) || '');
}

// GET or POST to the admin API: { ok, status, body }; a network failure is status 0.
async function api(path, post) {
  const init = { headers: headers(post !== undefined), cache: 'no-store' };
  if (post !== undefined) {
    init.method = 'POST';
    init.body = JSON.stringify(post);
  }
  try {
    const res = await fetch(path, init);
    const body = await res.json().catch(() => null);
    return { ok: res.ok && body !== null, status: res.status, body };
  } catch (e) {
    return { ok: false, status: 0, body: { error: 'the gateway cannot be reached: ' + e } };
  }
}

function say(out, ok, text) {
  out.textContent = visible(text);
  out.className = 'result ' + (ok ? 'ok' : 'error');
}

function requester(a) {
  const r = a.requester || {};
  return (r.display_name || r.subject || '-') + (r.subject ? ' (' + r.subject + ')' : '');
}

VIEWS.overview = async function () {
  const [ov, ups, ready, open, kills, nodes] = await Promise.all([api('/admin/api/console/overview'), api('/admin/api/upstreams'),
    api('/admin/api/readiness'), api('/admin/api/approvals?status=pending'), api('/admin/api/kill-switches'),
    api('/admin/api/nodes')]);
  const problems = [ov, ups, ready, open, kills, nodes].filter((r) => !r.ok).map(refusal);
  if (ov.ok) {
    const a = ov.body.activity;
    $('ov-minutes').textContent = String(a.minutes);
    $('ov-calls').textContent = String(a.calls);
    $('ov-rate').textContent = a.calls_per_second + ' calls/s';
    $('ov-refused').textContent = String(a.refused);
    $('ov-quarantined').textContent = String(ov.body.quarantined.length);
    showNodes(ov.body.node, nodes);
    const most = Math.max(1, ...a.per_minute.map((m) => m.allowed + m.refused + m.failed + m.error));
    fill('ov-activity', a.per_minute.slice().reverse().map((m) => {
      const meter = el('meter');
      meter.max = most;
      meter.value = m.allowed + m.refused + m.failed + m.error;
      return tr([m.minute.substring(0, 16).replace('T', ' '), m.allowed, m.refused, m.failed, m.error, meter]);
    }));
    fill('ov-quarantine', ov.body.quarantined.map((q) => tr([q.tool, q.upstream, q.reason])));
  }
  if (ups.ok) {
    fill('ov-upstreams', ups.body.map((u) => tr([u.name, u.transport, u.state, u.era, u.tools, u.last_error],
      u.state === 'ready' ? 'ok' : 'bad')));
  }
  if (ready.ok) {
    const failing = [];
    for (const e of ready.body.environments) {
      for (const l of e.lines.filter((x) => x.status === 'fail')) {
        failing.push(tr([e.name, l.id, l.text, l.fix]));
      }
    }
    $('ov-failing').textContent = String(failing.length);
    fill('ov-readiness', failing);
  }
  if (open.ok) {
    $('ov-approvals').textContent = String(open.body.length);
    fill('ov-open', open.body.map((a) => tr([a.id, a.tool, a.environment, requester(a), a.reason])));
  }
  if (kills.ok) {
    $('ov-kills').textContent = String(kills.body.active.length);
    fill('ov-active', kills.body.active.map((s) => tr([s.describe, s.reason, s.by, s.at])));
  }
  return problems;
};

// #18 item 4 "overview: nodes": every node the cluster's membership lists (#19 item 2, /admin/api/nodes),
// a node whose config hash differs from the other live nodes' flagged; this node alone when the list cannot be read.
function showNodes(self, nodes) {
  if (!nodes.ok) {
    fill('ov-nodes', [tr([self.id + ' (this node)', self.version, '-', '-', self.started, '-', '-',
      'the node list could not be read'], 'bad')]);
    $('ov-nodes-note').textContent = '';
    return;
  }
  fill('ov-nodes', nodes.body.nodes.map((n) => tr([n.id + (n.id === self.id ? ' (this node)' : ''), n.version,
    (n.config_hash || '').substring(0, 12), n.address, n.started, n.last_seen, n.state,
    n.config_differs ? 'CONFIG DIFFERS from the other live nodes' : ''],
  n.config_differs || n.state !== 'up' ? 'bad' : 'ok')));
  $('ov-nodes-note').textContent = nodes.body.config_differs
    ? 'The live nodes do not all run the same config: apply the same file on every node (docs/operations/cluster.md).'
    : nodes.body.nodes.length + ' node(s); every live node runs the same config.';
  $('ov-nodes-note').className = 'result ' + (nodes.body.config_differs ? 'error' : 'ok');
}

function current() {
  const v = location.hash.replace('#', '');
  return VIEWS[v] ? v : 'overview';
}

async function load() {
  const view = current();
  for (const s of document.querySelectorAll('.view')) {
    s.hidden = s.id !== 'view-' + view;
  }
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.view === view);
  }
  if (!token()) {
    status('Paste your access token (an admin role) to use the console.');
    return;
  }
  status('Loading ' + view + '...');
  const problems = await VIEWS[view]();
  status(problems.length === 0 ? 'Signed in: ' + view + ' as of ' + new Date().toISOString().substring(11, 19) + ' UTC.'
    : visible(problems.join('; ')));
}

document.addEventListener('DOMContentLoaded', () => {
  bindSignIn(load);
  window.addEventListener('hashchange', load);
  if (typeof bindViews === 'function') {
    bindViews();
  }
  load();
});
