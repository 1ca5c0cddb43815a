# Sourced by bench/run.sh: the full-stack profile (BENCH_PROFILE=full, #20 item 1). Every control on
# as a real deployment runs it. full_sections WITHOUT prints the top-level YAML of the gateway
# config, leaving out the controls named in WITHOUT (comma-separated; BENCH_A_WITHOUT gives them
# for gateway A only, so that B's "added" columns are those controls' cost, measured side by side):
#
#   identity     JWT callers of a local issuer (bench Sidecar: JWKS over HTTP, RS256 tokens of
#                BENCH_USERS users) and API keys (made with `portcullis keys create`); without
#                it the gateway is open (callers anonymous)
#   constraints  argument constraints on the echo tool's `message` (catalog, C2.3)
#   policy       200 rules (1 allows the calls; 99 allow other teams' upstreams, 60 deny, 40 hold
#                for approval in production); without it the shipped default policy
#   conversation conversation memory + the shipped chain rules (chain_rules: default)
#   rate_limits  per-principal buckets, the loop breaker, concurrency and new-session limits, far
#                above the offered load (nothing refused); in process, or on Redis with
#                BENCH_REDIS=1 (127.0.0.1:6379, a key prefix of this run's own)
#   tracing      OTLP/HTTP to the Sidecar's sink at 1% sampling
#   egress       the egress scanner (on by default; "without" writes egress: {enabled: false})
#   breakers     breaker + retries on every upstream (on by default; "without" turns them off)
#
# Always on, no switch: the durable audit log (every answer waits for its record in the store),
# kill switches (checked on every call), metrics (/metrics is always served), the bulkheads.
# Needs: $p_gw (A's port: the tokens' audience is A's resource URL, which B also declares),
# $p_side (the Sidecar's port).

full_has() { # full_has <control> <without-list>: whether the control stays on
  case ",$2," in *",$1,"*) return 1 ;; *) return 0 ;; esac
}

full_upstream_lines() { # under every upstream (4 spaces in)
  if ! full_has breakers "$1"; then
    echo "    breaker: {enabled: false}"
    echo "    retry: {max_attempts: 1}"
  fi
}

full_catalog() { # full_catalog <without> <upstream>...
  local without=$1; shift
  echo "catalog:"
  echo "  upstreams:"
  for u in "$@"; do echo "    $u: {owner: bench}"; done
  echo "  tools:"
  for u in "$@"; do
    if full_has constraints "$without"; then
      echo "    ${u}__echo: {purpose: Benchmark echo., risk: read_only, labels: [bench], constraints: {message: {max_length: 65536, pattern: \"[ -~]*\"}}}"
    else
      echo "    ${u}__echo: {purpose: Benchmark echo., risk: read_only, labels: [bench]}"
    fi
  done
}

full_policy() { # 200 rules; only bench-read-only matches a benchmark call
  echo "policy:"
  echo "  rules:"
  echo "    - {id: bench-read-only, effect: allow, when: 'tool.risk == \"read_only\" && principal.subject != \"\"'}"
  local i
  for i in $(seq 1 99); do
    echo "    - {id: team-$i, effect: allow, when: '\"team-$i\" in principal.roles && tool.upstream == \"svc-$i\"'}"
  done
  for i in $(seq 1 60); do
    echo "    - {id: deny-$i, effect: deny, when: 'tool.name == \"svc-${i}__drop_all\" || (tool.upstream == \"svc-$i\" && has(args.force) && args.force == true)'}"
  done
  for i in $(seq 1 40); do
    echo "    - {id: prod-$i, effect: require_approval, approvers: [approver], when: 'production && tool.upstream == \"svc-$i\" && tool.risk != \"read_only\"'}"
  done
}

full_sections() { # full_sections <without>: the top-level sections
  local without=$1
  if full_has identity "$without"; then
    cat <<EOF
identity:
  resource: http://127.0.0.1:$p_gw/mcp
  issuers:
    - issuer: http://127.0.0.1:$p_side
      jwks_uri: http://127.0.0.1:$p_side/jwks
  api_keys: {enabled: true, max_lifetime: 90d}
EOF
  fi
  if full_has policy "$without"; then full_policy; fi
  if full_has conversation "$without"; then echo "conversation: {enabled: true, chain_rules: default}"; fi
  if full_has rate_limits "$without"; then
    local redis=""
    if [ "${BENCH_REDIS:-0}" = 1 ]; then redis="redis: {url: \"redis://127.0.0.1:6379\", key_prefix: \"bench-$$:\"}, "; fi
    echo "rate_limits: {${redis}environments: {default: {limits: [{id: bench-user, per: principal, limit: 1000000000, every: 1s}," \
      "{id: bench-tool, per: tool, limit: 1000000000, every: 1s}], loop: {max: 1000000000, within: 1s}," \
      "concurrency_per_principal: 100000, new_sessions: {limit: 100000, every: 1s}}}}"
  fi
  if full_has tracing "$without"; then
    echo "tracing: {endpoint: \"http://127.0.0.1:$p_side\", sampling: 0.01, service_name: portcullis-bench}"
  fi
  if ! full_has egress "$without"; then echo "egress: {enabled: false}"; fi
  return 0
}
