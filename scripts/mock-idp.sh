#!/usr/bin/env bash
# Starts a local OAuth 2.0 / OIDC server for trying identity out: no.nav.security:mock-oauth2-server
# (the one the integration tests use), on 127.0.0.1:${PORT:-9000}, issuer http://127.0.0.1:9000/default,
# no login page (the authorize endpoint signs you in at once). Never for production.
#
#   scripts/mock-idp.sh &
#   curl -s -d grant_type=client_credentials -d client_id=demo-client -d client_secret=x \
#        -d scope=http://127.0.0.1:8080/mcp http://127.0.0.1:9000/default/token
#
# Its configuration is scripts/mock-idp.json: besides the issuer `default` (examples/oauth.yaml),
# the issuer http://127.0.0.1:9000/approvers signs in two people for examples/approvals.yaml:
# client_id=dana is Dana Ortiz with role `approver`, client_id=sam is Sam Lee with role `support`
# (docs/operations/approvals.md, "Walkthrough").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
if [ ! -f target/mock-idp.classpath ] || [ pom.xml -nt target/mock-idp.classpath ]; then
  mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/mock-idp.classpath >&2
fi
JSON_CONFIG=$(cat scripts/mock-idp.json)
export SERVER_HOSTNAME=127.0.0.1 SERVER_PORT="${PORT:-9000}" JSON_CONFIG
exec "$JAVA_HOME/bin/java" -cp "$(cat target/mock-idp.classpath)" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt
