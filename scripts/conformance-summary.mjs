// Compares two conformance result dirs (<out>/direct and <out>/gateway, each written by
// `conformance server -o`): a scenario passes when none of its checks has status FAILURE.
// Prints both counts and the scenarios lost through the gateway; writes <out>/summary.md and
// <out>/summary.json; exits 1 when a scenario is lost or a run has no results.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];

// <dir>/server-<scenario>-<timestamp>/checks.json; the timestamp starts with the year.
function load(dir) {
  const results = new Map();
  if (!existsSync(dir)) return results;
  for (const entry of readdirSync(dir)) {
    const m = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry);
    const file = join(dir, entry, "checks.json");
    if (!m || !existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, "utf8"));
    const failures = checks.filter((c) => c.status === "FAILURE");
    results.set(m[1], {
      pass: failures.length === 0,
      passed: checks.filter((c) => c.status === "SUCCESS").length,
      failed: failures.length,
      reason: failures.map((c) => c.errorMessage || c.id).join("; "),
    });
  }
  return results;
}

const direct = load(join(out, "direct"));
const gateway = load(join(out, "gateway"));
const scenarios = [...new Set([...direct.keys(), ...gateway.keys()])];
const count = (r) => [...r.values()].filter((s) => s.pass).length;
const lost = scenarios.filter((s) => direct.get(s)?.pass && !gateway.get(s)?.pass);
const gained = scenarios.filter((s) => !direct.get(s)?.pass && gateway.get(s)?.pass);

const cell = (r) => (r === undefined ? "not run" : `${r.pass ? "PASS" : "FAIL"} (${r.passed}/${r.passed + r.failed})`);
const esc = (s) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 160);
const lines = [
  `Scenarios passing directly: ${count(direct)}/${direct.size}; through Portcullis: ${count(gateway)}/${gateway.size}.`,
  "",
  "| scenario | direct | through Portcullis | why it fails (direct; through Portcullis when different) |",
  "|---|---|---|---|",
  ...scenarios.map((s) => {
    const d = direct.get(s);
    const g = gateway.get(s);
    const why = [d?.reason, g && g.reason !== d?.reason ? g.reason : ""].filter(Boolean).map(esc).join(" / ");
    return `| ${s} | ${cell(d)} | ${cell(g)} | ${why} |`;
  }),
];
writeFileSync(join(out, "summary.md"), lines.join("\n") + "\n");
writeFileSync(
  join(out, "summary.json"),
  JSON.stringify({ direct: { passed: count(direct), scenarios: direct.size },
    gateway: { passed: count(gateway), scenarios: gateway.size }, lost, gained,
    results: Object.fromEntries(scenarios.map((s) => [s, { direct: direct.get(s) ?? null, gateway: gateway.get(s) ?? null }])) }, null, 2) + "\n",
);

console.log(`direct:  ${count(direct)}/${direct.size} scenarios pass`);
console.log(`gateway: ${count(gateway)}/${gateway.size} scenarios pass`);
if (gained.length) console.log(`pass only through the gateway: ${gained.join(", ")}`);
if (direct.size === 0 || gateway.size === 0) {
  console.log("FAILED: a run produced no results (see direct.txt / gateway.txt)");
  process.exit(1);
}
if (lost.length) {
  console.log(`LOST through the gateway: ${lost.join(", ")}`);
  for (const s of lost) console.log(`  ${s}: ${gateway.get(s)?.reason || "not run"}`);
  process.exit(1);
}
console.log("no scenario is lost through the gateway");
