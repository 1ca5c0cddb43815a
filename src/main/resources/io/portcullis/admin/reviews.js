// #15 item 2 (C7.2), "the admin page, showing the diff ... and the findings": the console's review
// queue. Loaded after console-views.js, it replaces VIEWS.reviews: the queue as a table, then for each
// definition its diff (pinned vs served, member by member, as text), the scanner's findings, and
// Accept (with an override when a finding blocks) / Reject (with a reason), POSTed to
// /admin/api/reviews/accept|reject like every console action: Authorization header and a JSON body,
// which no cross-site form can send. Everything an upstream wrote is put in as text (textContent),
// hidden characters as escapes; nothing is parsed as HTML.
'use strict';

// A member's value as lines of text: a string as written, anything else as indented JSON.
function asText(v) {
  if (v === undefined || v === null) {
    return '(absent)';
  }
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

// A <pre> of several lines, each line with its hidden characters escaped (console.js visible()).
function block(cls, prefix, text) {
  const pre = el('pre', 'args ' + cls);
  pre.textContent = text.split('\n').map((l) => prefix + visible(l)).join('\n');
  return pre;
}

function reviewCard(x) {
  const c = el('article', 'request review');
  c.dataset.reviewId = x.id;
  c.append(el('h3', null, x.kind + ' ' + x.upstream + '/' + x.name + ': ' + x.state + ' since ' + x.since),
    el('p', null, 'Pinned ' + (x.pinned_hash || '(new: nothing pinned)') + ', served ' + x.served_hash));
  const diff = el('div', 'diff');
  for (const d of x.diff) {
    diff.append(el('h4', null, d.member), block('old', '- ', asText(d.pinned)), block('new', '+ ', asText(d.served)));
  }
  const findings = el('ul', 'findings');
  findings.append(...(x.findings.length ? x.findings.map((f) => el('li', 'finding ' + f.severity, f.severity + ' ' + f.code + ': ' + f.detail))
    : [el('li', 'empty', 'the scanner found nothing')]));
  c.append(el('h4', null, 'Diff (pinned -, served +)'), diff, el('h4', null, 'Scanner findings'), findings);
  const override = el('input', 'override');
  override.type = 'text';
  override.maxLength = 2000;
  override.placeholder = 'Override (needed when a finding blocks acceptance; recorded)';
  override.setAttribute('aria-label', 'Override for ' + x.id);
  const reason = el('textarea', 'comment');
  reason.maxLength = 2000;
  reason.placeholder = 'Reason for rejecting';
  reason.setAttribute('aria-label', 'Reason for rejecting ' + x.id);
  const out = el('p', 'result');
  const buttons = ['accept', 'reject'].map((verdict) => {
    const b = el('button', verdict === 'accept' ? 'approve accept' : 'deny reject', verdict === 'accept' ? 'Accept' : 'Reject');
    b.type = 'button';
    b.addEventListener('click', async () => {
      buttons.forEach((y) => { y.disabled = true; });
      const body = verdict === 'accept' ? { id: x.id, hash: x.served_hash, override: override.value || null }
        : { id: x.id, hash: x.served_hash, reason: reason.value };
      const d = await api('/admin/api/reviews/' + verdict, body);
      say(out, d.ok, d.ok ? 'Decided: ' + d.body.decision + ' (' + x.id + ').' : refusal(d));
      buttons.forEach((y) => { y.disabled = d.ok; });
    });
    return b;
  });
  c.append(override, reason, ...buttons, out);
  return c;
}

VIEWS.reviews = async function () {
  const r = await api('/admin/api/reviews');
  if (!r.ok) {
    return [refusal(r)];
  }
  fill('reviews', r.body.map((x) => tr([x.id, x.state, x.since, x.diff.map((d) => d.member).join(', '),
    x.findings.map((f) => f.severity + ' ' + f.code + ': ' + f.detail).join('; ')])), 'nothing waits for review');
  $('review-cards').replaceChildren(...r.body.map(reviewCard));
  return [];
};

// #15 item 4 (C7.2), "the gateway keeps running on the last approved config and says so in ... the admin
// page": the console's view of held config changes, VIEWS.changes (here rather than in a file of its
// own: the console loads a fixed set of four scripts). What the gateway runs on, the held and decided
// changes as a table, then for each held change its author, environments and diff (the effective config's widening and narrowing lines, as
// text), with Approve and Reject (with a reason), POSTed to /admin/api/changes/approve|reject like every
// console action: Authorization header and a JSON body, which no cross-site form can send. The admin
// API decides who may (a role of change_control.reviewers, never the change's author); the page only
// shows its answer. Everything a config author wrote (rule ids, conditions) is put in as text
// (textContent), hidden characters as escapes; nothing is parsed as HTML.
function changeCard(x) {
  const c = el('article', 'request change');
  c.dataset.changeId = x.id;
  c.append(el('h3', null, 'Config change ' + x.id + ': ' + x.state + ' since ' + x.held_at),
    el('p', 'details', 'Author: ' + (x.author || '(not named)') + (x.file_owner ? '; file owner: ' + x.file_owner : '')
      + '; widens: ' + (x.environments.length ? x.environments.join(', ') : '-') + '; approvals needed: ' + x.quorum
      + (x.approvers.length ? ' (approved by ' + x.approvers.join(', ') + ')' : '')),
    el('p', 'details', 'Source: ' + x.source + '; config hash ' + (x.config_hash || '').substring(0, 16)));
  const diff = el('pre', 'args diff');
  diff.textContent = (x.diff.length ? x.diff : ['(no difference in the effective config)']).map(visible).join('\n');
  c.append(el('h4', null, 'Diff of the effective config'), diff);
  if (x.state !== 'held') {
    return c;
  }
  const reason = el('textarea', 'comment');
  reason.maxLength = 2000;
  reason.placeholder = 'Reason for rejecting';
  reason.setAttribute('aria-label', 'Reason for rejecting ' + x.id);
  const out = el('p', 'result');
  const buttons = ['approve', 'reject'].map((verdict) => {
    const b = el('button', verdict === 'approve' ? 'approve' : 'deny reject', verdict === 'approve' ? 'Approve' : 'Reject');
    b.type = 'button';
    b.addEventListener('click', async () => {
      buttons.forEach((y) => { y.disabled = true; });
      const body = verdict === 'approve' ? { id: x.id } : { id: x.id, reason: reason.value };
      const d = await api('/admin/api/changes/' + verdict, body);
      say(out, d.ok, d.ok ? 'Decided: ' + d.body.state + ' (' + x.id + ').' : refusal(d));
      buttons.forEach((y) => { y.disabled = d.ok; });
    });
    return b;
  });
  c.append(reason, ...buttons, out);
  return c;
}

VIEWS.changes = async function () {
  const r = await api('/admin/api/changes');
  if (!r.ok) {
    return [refusal(r)];
  }
  const running = $('changes-running');
  running.textContent = visible('Running on ' + r.body.running_on + '.');
  running.className = 'result ' + (r.body.waiting ? 'error' : 'ok');
  fill('changes', r.body.changes.map((x) => tr([x.id, x.state, x.held_at, x.author, x.environments.join(', '),
    x.approvers.join(', '), x.diff.length + ' line(s)'])), 'no config change is held or was decided');
  $('change-cards').replaceChildren(...r.body.changes.filter((x) => x.state === 'held').map(changeCard));
  return [];
};
