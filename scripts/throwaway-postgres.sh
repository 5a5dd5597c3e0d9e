# A throwaway PostgreSQL for the tests and the benchmarks: a fresh cluster in a temp dir,
# on a loopback port, password auth over TCP like production, durability off (it is
# deleted at exit). Source it, then:
#   start_postgres DIR PORT   exports DATABASE_URL (user and database "callback", a superuser
#                             so that pytest-django can create its test database)
#   stop_postgres DIR         stops the server if it runs (call it from an EXIT trap)
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.

as_postgres() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_bin() {
  compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n1
}

start_postgres() {
  local dir=$1 port=$2 bin
  bin=$(postgres_bin) || { echo "No PostgreSQL server: apt-get install postgresql" >&2; return 1; }
  [[ $EUID -ne 0 ]] || chown postgres: "$dir"
  echo callback > "$dir/pwfile"
  as_postgres "$bin/initdb" -D "$dir/data" -U callback --pwfile="$dir/pwfile" -E UTF8 \
    --no-locale --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" \
    || { cat "$dir/initdb.log" >&2; return 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w start >/dev/null \
    || { cat "$dir/postgresql.log" >&2; return 1; }
  as_postgres "$bin/createdb" -h "$dir" -p "$port" -U callback callback
  export DATABASE_URL="postgres://callback:callback@127.0.0.1:$port/callback"
}

stop_postgres() {
  local dir=$1
  [[ -f $dir/data/postmaster.pid ]] || return 0
  as_postgres "$(postgres_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}
