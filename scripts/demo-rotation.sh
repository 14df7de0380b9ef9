#!/usr/bin/env bash
# Rotation with an overlap, against a running Unlatch: both secrets work during the overlap,
# then only the new one. Starts nothing itself; needs curl and sed only.
#
#   scripts/demo-rotation.sh BASE_URL ADMIN_USERNAME ADMIN_PASSWORD [OVERLAP_SECONDS]
#   scripts/demo-rotation.sh http://localhost:4242 admin 'the password' 60
#
# OVERLAP_SECONDS defaults to 60; a shorter one (e.g. 5) makes a quicker demo. Secrets are
# shown shortened: the full ones never leave this script's variables. The demo's tokens are
# deleted at the end.
set -euo pipefail

BASE=${1:?usage: $0 BASE_URL ADMIN_USERNAME ADMIN_PASSWORD [OVERLAP_SECONDS]}
USERNAME=${2:?admin username}
PASSWORD=${3:?admin password}
OVERLAP=${4:-60}

JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT

field() { sed -nE "s/.*\"$1\":\"?([^\",}]*)\"?.*/\1/p"; }
short() { printf '%s…' "${1:0:30}"; }
status_with() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $1" "$BASE/api/admin/user"; }
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

echo "== sign in as $USERNAME"
curl -s -c "$JAR" -o /dev/null -w 'login: %{http_code}\n' -H 'Content-Type: application/json' \
  -d "{\"username\":\"$(json_escape "$USERNAME")\",\"password\":\"$(json_escape "$PASSWORD")\"}" \
  "$BASE/auth/simple/login"

echo "== create a token that expires in 30 days"
EXPIRES=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
CREATED=$(curl -s -b "$JAR" -H 'Content-Type: application/json' \
  -d "{\"description\":\"demo rotation $(date +%s)\",\"expiresAt\":\"$EXPIRES\"}" \
  "$BASE/api/admin/user/tokens")
OLD_ID=$(printf '%s' "$CREATED" | field id)
OLD=$(printf '%s' "$CREATED" | field secret)
echo "old token: id $OLD_ID, secret $(short "$OLD")"
echo "old token -> GET /api/admin/user: $(status_with "$OLD")"

echo "== rotate it (with itself as the credential), overlap ${OVERLAP} s"
ROTATED=$(curl -s -D - -H "Authorization: $OLD" -H 'Content-Type: application/json' \
  -d "{\"overlapSeconds\":$OVERLAP}" "$BASE/api/admin/user/tokens/$OLD_ID/rotate")
echo "$ROTATED" | sed -nE 's/^(HTTP\/[0-9.]+ [0-9]+).*/\1/p; s/^(location: .*)\r?$/\1/Ip'
BODY=$(printf '%s' "$ROTATED" | tail -n 1)
NEW_ID=$(printf '%s' "$BODY" | field id)
NEW=$(printf '%s' "$BODY" | field secret)
echo "new token: id $NEW_ID, description \"$(printf '%s' "$BODY" | field description)\", expires $(printf '%s' "$BODY" | field expiresAt), secret $(short "$NEW")"

echo "== the old token as the list shows it during the overlap"
curl -s -H "Authorization: $NEW" "$BASE/api/admin/user/tokens" |
  sed -E 's/\},\{/}\n{/g' | grep "\"id\":$OLD_ID," | sed -E 's/^\{?"pats":\[//; s/\]\}$//'

echo "== during the overlap"
echo "old token -> $(status_with "$OLD")"
echo "new token -> $(status_with "$NEW")"

echo "== rotating the old token again (a retried request)"
AGAIN=$(curl -s -w '\n%{http_code}' -b "$JAR" -H 'Content-Type: application/json' -d '{}' \
  "$BASE/api/admin/user/tokens/$OLD_ID/rotate")
echo "$(printf '%s' "$AGAIN" | tail -n 1): $(printf '%s' "$AGAIN" | head -n 1 | field name): $(printf '%s' "$AGAIN" | head -n 1 | field message)"

echo "== waiting $((OVERLAP + 1)) s for the overlap to end"
sleep $((OVERLAP + 1))
echo "old token -> $(status_with "$OLD")"
echo "new token -> $(status_with "$NEW")"

echo "== clean up: delete the demo's tokens"
for ID in "$NEW_ID" "$OLD_ID"; do
  curl -s -o /dev/null -w "DELETE token $ID: %{http_code}\n" -X DELETE -b "$JAR" \
    "$BASE/api/admin/user/tokens/$ID"
done
