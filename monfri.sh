#!/usr/bin/env bash
# Monfri developer entry point.
#   ./monfri.sh run   [args...]        build and start the web app (needs PostgreSQL binaries)
#   ./monfri.sh test  [--filter EXPR]  build and run every test project against one shared cluster
#   ./monfri.sh fuzz  [ROUNDS] [SEED]  the long run of the REST API fuzz test
# Works on a fresh Debian/Ubuntu box with only the .NET 10 SDK, as root or as a sudo user.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$REPO"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  cat <<'EOF'
Usage: ./monfri.sh <command> [options]

Commands:
  run [args...]          Build (Release) and start Monfri.Web; extra args go to the app.
                         ASPNETCORE_URLS defaults to http://localhost:5080,
                         Monfri__DataDirectory defaults to ./.monfri.
  test [--filter EXPR]   Build (Release), start a throwaway PostgreSQL cluster and run
                         every tests/**/*.Tests.csproj. TRX files go to ./.test-results.
  fuzz [ROUNDS] [SEED]   The long run of the REST API fuzz test (ApiFuzzTests): every junk
                         value to every parameter and body field, then ROUNDS-1 seeded rounds
                         (default 20 rounds, the test's fixed seed). `test` runs one short round.
  help                   Show this help.
EOF
}

log() { printf '==> %s\n' "$*"; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# apt needs root; a sudo user gets sudo. `apt-get update` only once per run.
APT_UPDATED=0
apt_install() {
  local sudo=()
  is_root || sudo=(sudo)
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "Updating apt package lists"
    "${sudo[@]}" apt-get update -qq
    APT_UPDATED=1
  fi
  log "Installing: $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@"
}

# Echo the PostgreSQL bin dir: highest /usr/lib/postgresql/<ver>/bin, else initdb on PATH.
find_pg_bin() {
  local best d
  # `sort -V` so 9.6 < 15 < 16.
  best="$(for d in /usr/lib/postgresql/*/bin; do
            if [ -x "$d/initdb" ]; then echo "$d"; fi
          done | sort -V | tail -n 1)"
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(command -v initdb)")"
  fi
  [ -n "$best" ] && echo "$best"
}

ensure_postgres() {
  if ! find_pg_bin >/dev/null; then apt_install postgresql; fi
  MONFRI_PG_BIN="$(find_pg_bin)" || { echo "PostgreSQL binaries not found after install" >&2; exit 1; }
  export MONFRI_PG_BIN
  # initdb/pg_ctl refuse to run as root, so as root we need a postgres OS user to run them as.
  if is_root && ! id -u postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium fonts-liberation
  # Ubuntu ships chromium only as a snap wrapper, which does not work in containers/CI.
  [ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium missing after install" >&2; exit 1; }
  # Debian's chromium carries only en-US; the date-input tests run the browser in German, whose date controls
  # order their fields from the language pack (without it a typed 31.03.2027 lands as a US date).
  [ -f /usr/lib/chromium/locales/de.pak ] || apt_install chromium-l10n
  export MONFRI_CHROMIUM=/usr/bin/chromium
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
}

build() {
  # .NET 10 `dotnet new sln` creates .slnx, so accept either.
  local sln=Monfri.sln
  [ -f "$sln" ] || { [ -f Monfri.slnx ] && sln=Monfri.slnx; }
  echo "Building Monfri…"
  dotnet build "$sln" -c Release -nologo -v q
}

# ---------- shared throwaway PostgreSQL cluster for `test` ----------
PG_TMP=""
pg() { # run a PostgreSQL tool, as the postgres user when we are root (initdb/pg_ctl refuse root)
  if is_root; then (cd "$PG_TMP" && runuser -u postgres -- "$@"); else "$@"; fi
}

free_port() {
  local p=$((20000 + RANDOM % 20000)) i
  for ((i = 0; i < 500; i++, p++)); do
    [ "$p" -gt 40000 ] && p=20000
    # A connection that fails means nothing is listening there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

stop_pg() {
  [ -n "$PG_TMP" ] || return 0
  if [ -f "$PG_TMP/data/postmaster.pid" ]; then
    pg "$MONFRI_PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_TMP"
}

start_pg() {
  PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/monfri-pg.XXXXXX")"
  trap stop_pg EXIT
  trap 'exit 130' INT TERM   # make Ctrl-C / kill go through the EXIT trap
  if is_root; then chown -R postgres "$PG_TMP"; chmod 755 "$PG_TMP"; fi
  local init=("$MONFRI_PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8)
  if ! pg "${init[@]}" --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1; then
    # Older PostgreSQL / minimal images may lack the C.UTF-8 locale.
    rm -rf "$PG_TMP/data"
    pg "${init[@]}" --locale=C >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; exit 1; }
  fi
  local port; port="$(free_port)"
  log "Starting PostgreSQL on 127.0.0.1:$port"
  pg "$MONFRI_PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/pg.log" -w \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB" \
    start >/dev/null || { cat "$PG_TMP/pg.log" >&2; exit 1; }
  export MONFRI_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Password=;Database=postgres;Include Error Detail=true"
}

# Echo "passed failed skipped" for one TRX. Attributes can come in any order, so each is
# pulled out separately from the <Counters .../> element.
trx_counts() {
  local counters n out=""
  counters="$(tr '\n\r\t' '   ' <"$1" | grep -o '<Counters [^>]*>' | head -n 1)" || true
  for n in passed failed notExecuted; do
    out+="$(printf '%s' "$counters" | grep -o "[[:space:]]$n=\"[0-9]*\"" | head -n 1 | grep -o '[0-9]\+' || echo 0) "
  done
  echo "$out"
}

cmd_test() {
  local filter=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --filter) [ $# -ge 2 ] || { echo "--filter needs a value" >&2; exit 2; }; filter=(--filter "$2"); shift 2 ;;
      --filter=*) filter=(--filter "${1#--filter=}"); shift ;;
      *) echo "Unknown test option: $1" >&2; usage >&2; exit 2 ;;
    esac
  done

  ensure_postgres; ensure_chromium; ensure_node
  build
  start_pg

  local results="$REPO/.test-results"
  rm -rf "$results"; mkdir -p "$results"

  local projects=() proj name rc any_nonzero=0 missing=()
  mapfile -t projects < <(find tests -name '*.Tests.csproj' | sort)
  [ ${#projects[@]} -gt 0 ] || { echo "No test projects found under tests/" >&2; exit 1; }

  for proj in "${projects[@]}"; do
    name="$(basename "$proj" .csproj)"
    log "Testing $name"
    rc=0
    dotnet test "$proj" -c Release --no-build --nologo "${filter[@]}" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" || rc=$?
    if [ "$rc" -ne 0 ]; then
      any_nonzero=1
      [ -f "$results/$name.trx" ] || missing+=("$name")
    fi
  done

  local passed=0 failed=0 skipped=0 trx p f s
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    read -r p f s < <(trx_counts "$trx")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  done
  for name in "${missing[@]}"; do
    echo "!! $name: dotnet test failed and produced no results (crash or build problem)" >&2
    failed=$((failed + 1))
  done

  stop_pg; PG_TMP=""
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ] && [ "$any_nonzero" -eq 0 ]
}

cmd_fuzz() {
  local rounds="${1:-20}" seed="${2:-}"
  [[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -ge 2 ] || { echo "fuzz: ROUNDS is a whole number of at least 2" >&2; exit 2; }
  [ -z "$seed" ] || [[ "$seed" =~ ^-?[0-9]+$ ]] || { echo "fuzz: SEED is a whole number" >&2; exit 2; }
  ensure_postgres
  build
  start_pg
  local rc=0
  MONFRI_FUZZ_ROUNDS="$rounds" MONFRI_FUZZ_SEED="$seed" dotnet test tests/Monfri.Web.Tests -c Release --no-build --nologo \
    --filter "FullyQualifiedName~ApiFuzzTests" --logger "console;verbosity=normal" || rc=$?
  stop_pg; PG_TMP=""
  return "$rc"
}

cmd_run() {
  ensure_postgres
  build
  export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:5080}"
  export Monfri__DataDirectory="${Monfri__DataDirectory:-$REPO/.monfri}"
  exec dotnet run --project Monfri.Web -c Release --no-build --no-launch-profile "$@"
}

case "${1:-help}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  fuzz) shift; cmd_fuzz "$@" ;;
  help | -h | --help) usage ;;
  *) echo "Unknown command: $1" >&2; usage >&2; exit 2 ;;
esac
