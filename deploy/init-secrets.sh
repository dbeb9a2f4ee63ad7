#!/bin/sh
# The `secrets` service of docker-compose.yml: creates this installation's secrets on the first `docker compose up`
# and keeps them on every later one, so the stack starts with one command and no password is ever committed.
#
# Each service gets its own volume, readable only by the user that service runs as:
#   app           metrics_token (bearer token of /metrics), admin_token (admin routes of the reference app)
#   prometheus    metrics_token (to scrape the app), prometheus_password (self-scrape), web.yml (basic auth),
#                 alertmanager_password (to send alerts)
#   alertmanager  web.yml (basic auth)
#   grafana       admin_password (the `admin` user), prometheus_password (its data source)
#
# Each web.yml is the project's (prometheus/web.yml, alertmanager/web.yml) with the bcrypt hash of its user replaced
# by the hash of this installation's password: rewritten on every start, so it follows both the password and the
# committed file.
#
# Runs in the httpd image for its `htpasswd` (the reference bcrypt implementation); POSIX sh, no network.
# Every path and user id is an environment variable, so test/compose-secrets.test.ts runs this very script.
set -eu
umask 077

SECRETS_ROOT="${SECRETS_ROOT:-/secrets}"
WEB_CONFIG_TEMPLATE="${WEB_CONFIG_TEMPLATE:-/init/web.yml}"
ALERTMANAGER_WEB_CONFIG_TEMPLATE="${ALERTMANAGER_WEB_CONFIG_TEMPLATE:-/init/alertmanager-web.yml}"
PROMETHEUS_USER="${PROMETHEUS_USER:-quietcount}"
ALERTMANAGER_USER="${ALERTMANAGER_USER:-quietcount}"
# The users the images run as: node (app), nobody (prom/prometheus, prom/alertmanager), grafana (grafana/grafana).
APP_UID="${APP_UID:-1000}"
PROMETHEUS_UID="${PROMETHEUS_UID:-65534}"
ALERTMANAGER_UID="${ALERTMANAGER_UID:-65534}"
GRAFANA_UID="${GRAFANA_UID:-472}"
BCRYPT_COST=12

app="$SECRETS_ROOT/app"
prometheus="$SECRETS_ROOT/prometheus"
alertmanager="$SECRETS_ROOT/alertmanager"
grafana="$SECRETS_ROOT/grafana"

fail() {
  echo "init-secrets: $*" >&2
  exit 1
}

# 40 characters of [A-Za-z0-9] (about 238 bits), no trailing newline: every consumer reads the file as it is.
random_secret() {
  LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40
}

created=""
# Creates $1 with a random secret unless it already holds one. Written beside and renamed, so an interrupted run
# never leaves a half-written secret behind.
ensure_secret() {
  if [ ! -s "$1" ]; then
    random_secret >"$1.new"
    [ "$(wc -c <"$1.new" | tr -d ' ')" = 40 ] || fail "could not read 40 random characters for $1"
    mv "$1.new" "$1"
    created="$created $1"
  fi
}

# Copies $1 to $2 (a secret two services need), replacing $2 atomically.
share() {
  cp "$1" "$2.new"
  mv "$2.new" "$2"
}

# Gives directory $1 and its files to user $2: only that user can read them, nobody can change them.
hand_over() {
  chown -R "$2:$2" "$1"
  chmod 0400 "$1"/*
  chmod 0500 "$1"
}

# Writes $4: web config template $1 with the bcrypt hash of user $2 replaced by the hash of the password in file $3.
write_web_config() {
  # htpasswd prints "user:hash"; the password goes in on stdin (-i), never on a command line.
  hash="$(htpasswd -niB -C "$BCRYPT_COST" "$2" <"$3" | cut -d: -f2-)"
  # shellcheck disable=SC2016 # a literal "$2?$" prefix (bcrypt), not an expansion
  case "$hash" in
    '$2'?'$'*) ;;
    *) fail "htpasswd did not return a bcrypt hash" ;;
  esac
  # The bcrypt alphabet ([./A-Za-z0-9$]) has neither "|" nor "&" nor "\": safe in a sed replacement.
  sed "s|^  $2: .*|  $2: $hash|" "$1" >"$4.new"
  mv "$4.new" "$4"
}

# Fails unless web config template $1 can be read and has a basic_auth_users entry for user $2.
check_template() {
  [ -r "$1" ] || fail "cannot read the web config template $1"
  grep -q "^  $2: " "$1" || fail "$1 has no basic_auth_users entry for $2"
}

command -v htpasswd >/dev/null || fail "htpasswd not found (apache2-utils, or the httpd image)"
check_template "$WEB_CONFIG_TEMPLATE" "$PROMETHEUS_USER"
check_template "$ALERTMANAGER_WEB_CONFIG_TEMPLATE" "$ALERTMANAGER_USER"

mkdir -p "$app" "$prometheus" "$alertmanager" "$grafana"
# A later run finds the directories handed over (read-only): take them back for the time of the run.
chmod 0700 "$app" "$prometheus" "$alertmanager" "$grafana"
for file in "$app"/* "$prometheus"/* "$alertmanager"/* "$grafana"/*; do
  if [ -e "$file" ]; then chmod 0600 "$file"; fi
done

ensure_secret "$app/metrics_token"
ensure_secret "$app/admin_token"
ensure_secret "$grafana/admin_password"
ensure_secret "$grafana/prometheus_password"
ensure_secret "$prometheus/alertmanager_password"
share "$app/metrics_token" "$prometheus/metrics_token"
share "$grafana/prometheus_password" "$prometheus/prometheus_password"

write_web_config "$WEB_CONFIG_TEMPLATE" "$PROMETHEUS_USER" "$grafana/prometheus_password" "$prometheus/web.yml"
write_web_config "$ALERTMANAGER_WEB_CONFIG_TEMPLATE" "$ALERTMANAGER_USER" "$prometheus/alertmanager_password" "$alertmanager/web.yml"

hand_over "$app" "$APP_UID"
hand_over "$prometheus" "$PROMETHEUS_UID"
hand_over "$alertmanager" "$ALERTMANAGER_UID"
hand_over "$grafana" "$GRAFANA_UID"

if [ -n "$created" ]; then
  echo "init-secrets: created$created"
  echo "init-secrets: Grafana is at http://localhost:3000 (user admin). Its password:"
  echo "init-secrets:   docker compose exec grafana cat /run/secrets/admin_password"
else
  echo "init-secrets: secrets already in place; web.yml of Prometheus and Alertmanager refreshed"
fi
