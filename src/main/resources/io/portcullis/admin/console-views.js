// The operator console's views besides the overview (#18 item 4): tools with their kill switches,
// the audit log (search, one request's chain, verify), readiness, approvals, the review queue and
// the changelog. Same rules as console.js: data only from the admin API, shown as text only.
'use strict';

function switchOf(tool, active) {
  return active.find((s) => s.scope === 'tool' && s.name === tool.name && !s.environment);
}

VIEWS.tools = async function () {
  const [tools, kills] = await Promise.all([api('/admin/api/console/tools'), api('/admin/api/kill-switches')]);
  if (!tools.ok || !kills.ok) {
    return [tools, kills].filter((r) => !r.ok).map(refusal);
  }
  fill('tools', tools.body.tools.map((t) => {
    const killed = switchOf(t, kills.body.active);
    const cell = el('div', 'flip');
    if (killed) {
      cell.append(el('span', 'killed', 'KILLED by ' + killed.by + ': ' + killed.reason));
    }
    const reason = el('input', 'flip-reason');
    reason.type = 'text';
    reason.maxLength = 2000;
    reason.placeholder = killed ? 'Reason for lifting it' : 'Reason for killing it';
    reason.setAttribute('aria-label', 'Reason for the kill switch of ' + t.name);
    const button = el('button', killed ? 'unkill' : 'kill', killed ? 'Unkill' : 'Kill');
    button.type = 'button';
    button.addEventListener('click', async () => {
      button.disabled = true;
      const r = await api('/admin/api/kill-switches', { action: killed ? 'unkill' : 'kill', scope: 'tool', name: t.name, reason: reason.value });
      button.disabled = false;
      say($('tools-result'), r.ok, r.ok ? (killed ? 'Lifted: ' : 'Killed: ') + r.body.describe + ' (#' + r.body.seq + ')' : refusal(r));
      if (r.ok) {
        await VIEWS.tools();
      }
    });
    cell.append(reason, button);
    const pin = t.pin === 'quarantined' ? 'quarantined: ' + t.quarantine_reason : t.pin;
    const row = tr([t.name, t.description, t.owner, t.risk + (t.risk_source === 'catalog' ? '' : ' (from ' + t.risk_source + ')'),
      t.environments.join(', ') || 'none', pin, t.review || '-', cell], killed ? 'bad' : null);
    row.dataset.tool = t.name;
    return row;
  }));
  return [];
};

function query() {
  const q = new URLSearchParams();
  for (const [field, param] of [['q-principal', 'principal'], ['q-tool', 'tool'], ['q-env', 'env'], ['q-decision', 'decision'],
    ['q-since', 'since'], ['q-until', 'until']]) {
    const v = $(field).value.trim();
    if (v) {
      q.set(param, v);
    }
  }
  q.set('limit', '200');
  return q;
}

function requestId(r) {
  const q = r.request || {};
  return q.user_request_id || q.trace_id || null;
}

function rules(d) {
  const ids = (d && d.rule_ids) || [];
  return [(d && d.control) || null, ids.length ? 'rules ' + ids.join(', ') : null].filter((x) => x).join('; ');
}

async function search() {
  const r = await api('/admin/api/audit/records?' + query());
  if (!r.ok) {
    $('search-result').textContent = visible(refusal(r));
    return;
  }
  $('search-result').textContent = r.body.records.length + ' record(s), newest first.';
  fill('records', r.body.records.map((x) => {
    const id = requestId(x);
    let open = null;
    if (id) {
      open = el('button', 'open-chain', id);
      open.type = 'button';
      open.title = 'Show every record of this request';
      open.addEventListener('click', () => chain(id));
    }
    const d = x.decision || {};
    return tr([x.time, x.kind, x.environment, x.principal && x.principal.subject, x.tool && x.tool.name, d.outcome, rules(d),
      open || '-']);
  }), 'no record matches');
}

function labels(x) {
  const c = x.conversation;
  if (!c) {
    return null;
  }
  return 'labels: ' + ((c.had || []).join(', ') || 'none') + ((c.gained || []).length ? ' (gained ' + c.gained.join(', ') + ')' : '');
}

async function chain(id) {
  const r = await api('/admin/api/audit/trace/' + encodeURIComponent(id));
  $('chain').hidden = false;
  $('chain-id').textContent = visible(id);
  if (!r.ok) {
    $('timeline').replaceChildren(el('li', 'error', refusal(r)));
    return;
  }
  $('timeline').replaceChildren(...r.body.records.map((x) => {
    const d = x.decision || {};
    const li = el('li', 'step ' + (d.outcome || x.kind));
    li.append(el('span', 'when', x.time), ' ', el('strong', 'what', x.kind + ' ' + ((x.tool && x.tool.name) || (x.approval && 'approval ' + x.approval.id) || '')),
      ' ', el('span', 'outcome', d.outcome || (x.approval && x.approval.status) || '-'));
    const details = [rules(d), d.reason, labels(x), (d.approval_ids || []).length ? 'approvals ' + d.approval_ids.join(', ') : null,
      x.principal && 'by ' + x.principal.subject, x.node && 'node ' + x.node].filter((s) => s);
    li.append(el('div', 'details', details.join(' | ')));
    if (x.arguments !== undefined) {
      li.append(el('pre', 'args', JSON.stringify(x.arguments)));
    }
    return li;
  }));
  if (r.body.records.length === 0) {
    $('timeline').replaceChildren(el('li', null, 'no record carries this request id'));
  }
}

async function verify() {
  const r = await api('/admin/api/audit/verify');
  if (!r.ok) {
    say($('verify-result'), false, refusal(r));
    return;
  }
  const b = r.body;
  const chains = b.chains || [];
  const problems = chains.flatMap((c) => c.problems || []).concat(b.checkpointProblems || b.checkpoint_problems || [])
    .map((p) => (p.chain ? p.chain + '#' + p.seq + ': ' : '') + p.message);
  say($('verify-result'), b.intact, (b.intact ? 'Intact: every chain verifies' : 'NOT intact: ' + problems.join('; '))
    + ' (' + b.records + ' records in ' + chains.length + ' chain(s), ' + b.checkpoints + ' signed checkpoint(s))');
}

VIEWS.audit = async function () {
  await search();
  return [];
};

VIEWS.readiness = async function () {
  const r = await api('/admin/api/readiness');
  if (!r.ok) {
    return [refusal(r)];
  }
  $('readiness').replaceChildren(...r.body.environments.map((e) => {
    const box = el('section', 'env');
    const g = e.gate;
    box.append(el('h3', null, e.name + (e.production ? ' (production)' : '') + ': gate ' + g.state + (g.enforced ? '' : ' (not enforced)')),
      el('p', null, e.summary.pass + ' pass, ' + e.summary.fail + ' fail, ' + e.summary.not_applicable + ' not applicable'));
    const table = el('table', 'lines');
    const head = el('thead');
    head.append(tr(['Line', 'Status', 'What', 'Evidence', 'Fix']));
    table.append(head, el('tbody'));
    table.tBodies[0].append(...e.lines.map((l) => tr([l.id, l.status, l.text, (l.evidence || []).join('; '), l.fix], l.status === 'fail' ? 'bad' : null)));
    box.append(table);
    return box;
  }));
  return [];
};

VIEWS.approvals = async function () {
  const r = await api('/admin/api/approvals?status=pending');
  if (!r.ok) {
    return [refusal(r)];
  }
  const cards = r.body.map((a) => {
    const c = el('article', 'request');
    c.dataset.approvalId = a.id;
    c.append(el('h3', null, a.tool + ' in ' + a.environment),
      el('p', null, 'Requested by ' + requester(a) + ' at ' + (a.created || a.requested_at || '-') + '; approval ' + a.id),
      el('p', 'reason', 'Reason: ' + (a.reason || '-')),
      el('pre', 'args', JSON.stringify(a.arguments)));
    const comment = el('textarea', 'comment');
    comment.maxLength = 2000;
    comment.setAttribute('aria-label', 'Comment for ' + a.id);
    const out = el('p', 'result');
    const buttons = ['approve', 'deny'].map((verdict) => {
      const b = el('button', verdict, verdict === 'approve' ? 'Approve' : 'Deny');
      b.type = 'button';
      b.addEventListener('click', async () => {
        buttons.forEach((x) => { x.disabled = true; });
        const d = await api('/admin/api/approvals/' + encodeURIComponent(a.id) + '/' + verdict, { comment: comment.value });
        say(out, d.ok, d.ok ? (verdict === 'approve' ? 'Approved' : 'Denied') + ': the request is now ' + d.body.status + '.' : refusal(d));
        buttons.forEach((x) => { x.disabled = d.ok; });
      });
      return b;
    });
    c.append(comment, ...buttons, out);
    return c;
  });
  $('approvals').replaceChildren(...(cards.length ? cards : [el('p', 'empty', 'No request waits for a decision.')]));
  return [];
};

VIEWS.reviews = async function () {
  const r = await api('/admin/api/reviews');
  if (!r.ok) {
    return [refusal(r)];
  }
  fill('reviews', r.body.map((x) => tr([x.id, x.state, x.since, x.diff.map((d) => d.member).join(', '),
    x.findings.map((f) => f.severity + ' ' + f.code + ': ' + f.detail).join('; ')])), 'nothing waits for review');
  return [];
};

VIEWS.changelog = async function () {
  const r = await api('/admin/api/changelog?since=7d');
  if (!r.ok) {
    return [refusal(r)];
  }
  fill('changelog', r.body.entries.slice().reverse().map((e) => tr([e.at, e.kind, e.subject, e.tool, e.who, e.summary])),
    'no change in the last 7 days');
  return [];
};

function bindViews() {
  $('search').addEventListener('click', search);
  $('verify').addEventListener('click', verify);
}
