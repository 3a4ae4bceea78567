#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the River
# adapter's tests (migrate/riverjobs) and prints the URL of its database:
#
#	url=$(bash .ci/postgres.sh start DIR PORT)   # DIR: new or empty
#	bash .ci/postgres.sh stop DIR
#
# Installs Debian's postgresql package when no server binaries are found
# and we are root. The cluster runs as the postgres user (nobody if there
# is none), trusts local connections and listens on loopback only.
set -euo pipefail

pgbin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/pg_ctl" ] && { echo "$d"; return; }
	done
	command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return; }
	return 1
}

runas() {
	if [ "$(id -u)" = 0 ]; then
		local u=postgres
		id "$u" >/dev/null 2>&1 || u=nobody
		runuser -u "$u" -- "$@"
	else
		"$@"
	fi
}

case "${1:-}" in
start)
	dir=$2 port=$3 # DIR may exist (mktemp -d): it becomes the cluster owner's
	if ! bin=$(pgbin); then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
			echo "installing postgresql" >&2
			(timeout 600 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq postgresql >/dev/null) >&2 || true
		fi
		bin=$(pgbin) || { echo "no PostgreSQL server binaries" >&2; exit 1; }
	fi
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		u=postgres; id "$u" >/dev/null 2>&1 || u=nobody
		chown "$u" "$dir"
	fi
	runas timeout 120 "$bin/initdb" -D "$dir/data" -A trust -U fediport -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	runas timeout 120 "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
		|| { cat "$dir/server.log" >&2; exit 1; }
	runas timeout 60 "$bin/createdb" -h 127.0.0.1 -p "$port" -U fediport fediport >&2
	echo "postgres://fediport@127.0.0.1:$port/fediport?sslmode=disable"
	;;
stop)
	dir=$2
	bin=$(pgbin) || exit 0
	[ -f "$dir/data/postmaster.pid" ] && runas timeout 60 "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >&2 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2
	;;
esac
