#!/usr/bin/env bash
# report_imap.test.sh - `mxray report imaps://...` against a real Dovecot (dovecot-imapd) in a
# network namespace this test creates (traffic only on its loopback), serving a Maildir of
# the sample reports (tests/data/tlsrpt/make_inputs.py) over IMAPS with a certificate from a
# CA made here. Checks: the summary equals the Maildir's read from disk; the password comes
# from ~/.netrc; nothing is marked seen, moved or deleted (Dovecot's mail_log plugin logs
# every flag change, expunge, copy and save; doveadm shows no \Seen; the Maildir files are
# unchanged); a wrong password and an unknown folder are errors naming the URL (exit 65).
# Needs root (ip netns). Usage: bash tests/integration/report_imap.test.sh /path/to/mxray
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP report_imap: $*"; exit 77; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || skip "usage: $0 /path/to/mxray"
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
command -v dovecot >/dev/null || skip "dovecot missing (sh scripts/deps.sh test installs dovecot-imapd)"
id mail >/dev/null 2>&1 && id dovenull >/dev/null 2>&1 || skip "the mail and dovenull users are missing"
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || skip "python3 missing"

NS="mxray-imap-$$"
T="$(mktemp -d "${TMPDIR:-/tmp}/report-imap-test.XXXXXX")"
chmod 755 "$T"
cleanup() {
    ip netns exec "$NS" doveadm -c "$T/dovecot.conf" stop >/dev/null 2>&1
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null; done
    ip netns del "$NS" 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS" || skip "ip netns add failed (no network namespaces here)"
ip netns exec "$NS" ip link set lo up

# a CA and a server certificate for 127.0.0.1
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" \
    -out "$T/ca.pem" -days 2 -subj "/CN=mxray imap test CA $$" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" \
    -out "$T/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
    -out "$T/server.pem" -days 2 -extfile "$T/ext" 2>/dev/null
[ -s "$T/server.pem" ] || { bad "certificate"; exit 1; }

"$PYTHON" "$ROOT/tests/data/tlsrpt/make_inputs.py" "$T/in"
mkdir -p "$T/home/reports" "$T/run"
cp -r "$T/in/Maildir" "$T/home/reports/Maildir"
chown -R mail:mail "$T/home"
echo 'reports:{PLAIN}s3cret-imap' >"$T/passwd"
cat >"$T/dovecot.conf" <<EOC
base_dir = $T/run
state_dir = $T/run
listen = 127.0.0.1
protocols = imap
ssl = required
ssl_cert = <$T/server.pem
ssl_key = <$T/server.key
mail_location = maildir:~/Maildir
first_valid_uid = 1
mail_plugins = \$mail_plugins mail_log notify
plugin {
  mail_log_events = delete undelete expunge copy mailbox_delete mailbox_rename flag_change save mailbox_create
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $T/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$T/home/%u
}
log_path = $T/dovecot.log
auth_mechanisms = plain
disable_plaintext_auth = no
default_login_user = dovenull
default_internal_user = dovecot
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 993
  }
  chroot =
}
service anvil {
  chroot =
}
EOC
ip netns exec "$NS" dovecot -c "$T/dovecot.conf" || { bad "dovecot did not start"; exit 1; }
for _ in $(seq 1 50); do
    ip netns exec "$NS" ss -Hltn 2>/dev/null | grep -q '127.0.0.1:993' && break
    sleep 0.1
done
maildir_files() { (cd "$T/home/reports/Maildir" && find cur new tmp -type f | sort); }
maildir_files >"$T/files.before"

mkdir -p "$T/user"
printf 'machine 127.0.0.1 login reports password s3cret-imap\n' >"$T/user/.netrc"
chmod 600 "$T/user/.netrc"
# setsid: no controlling terminal, so a refused login cannot turn into a password prompt
inns() { ip netns exec "$NS" env HOME="$T/user" setsid "$@"; }

rc=0
inns timeout 60 "$MXRAY" report --json --ca-file "$T/ca.pem" --timeout 10 \
    "imaps://reports@127.0.0.1/INBOX" >"$T/imap.json" 2>"$T/imap.err" </dev/null || rc=$?
[ "$rc" = 1 ] && ok "imap: exit 1 (failed sessions)" || bad "imap: exit $rc: $(head -c 300 "$T/imap.err")"
"$MXRAY" report --json "$T/in/Maildir" >"$T/disk.json" 2>/dev/null
"$PYTHON" - "$T/imap.json" "$T/disk.json" <<'PY' && ok "imap: same summary as the Maildir on disk" || bad "imap: summary"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
errs = []
if a["errors"]: errs.append(f"errors {a['errors']}")
if a["skipped"] != 3: errs.append(f"skipped {a['skipped']}")
if len(a["reports"]) != 5: errs.append(f"{len(a['reports'])} reports")
if not all(";UID=" in r["source"] and r["source"].startswith("imaps://reports@127.0.0.1/INBOX")
           for r in a["reports"]): errs.append("sources " + str([r["source"] for r in a["reports"]]))
strip = lambda d: [{k: v for k, v in x.items()} for x in d["domains"]]
if strip(a) != strip(b): errs.append("domains differ")
for e in errs: print("  ", e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
# read-only: no flag change, expunge, copy or save logged; no \Seen; the same files
if grep -E 'flag_change|expunge|copy|save|delete' "$T/dovecot.log" | grep -v 'expunged=0' | grep -q .; then
    bad "imap: the mailbox was changed: $(grep -E 'flag_change|expunge|copy|save|delete' "$T/dovecot.log" | head -3)"
else
    ok "imap: no change logged by Dovecot's mail_log"
fi
grep -q 'Logged in\|Login: user=<reports>' "$T/dovecot.log" && ok "imap: logged in with the .netrc password" ||
    bad "imap: no login in the Dovecot log"
seen="$(ip netns exec "$NS" doveadm -c "$T/dovecot.conf" fetch -u reports flags all 2>&1 | grep -c Seen)"
[ "$seen" = 0 ] && ok "imap: no message marked \\Seen" || bad "imap: $seen messages marked \\Seen"
maildir_files >"$T/files.after"
cmp -s "$T/files.before" "$T/files.after" && ok "imap: Maildir files unchanged" ||
    bad "imap: Maildir files changed: $(diff "$T/files.before" "$T/files.after" | head -5)"

# the control: a real flag change is logged, so the check above can fail
ip netns exec "$NS" curl -sS --cacert "$T/ca.pem" -u reports:s3cret-imap \
    "imaps://127.0.0.1/INBOX" -X 'STORE 1 +FLAGS (\Flagged)' >/dev/null 2>&1
sleep 0.2
grep -q 'flag_change' "$T/dovecot.log" && ok "control: Dovecot logs a flag change" ||
    bad "control: a flag change was not logged, so the read-only check proves nothing"

# a wrong password and a folder that does not exist: errors naming the URL, exit 65
printf 'machine 127.0.0.1 login reports password wrong\n' >"$T/user/.netrc"
rc=0
inns timeout 60 "$MXRAY" report --json --ca-file "$T/ca.pem" --timeout 10 \
    "imaps://reports@127.0.0.1/INBOX" "$ROOT/tests/data/tlsrpt/google-no-policy.json" \
    >"$T/wrong.json" 2>&1 </dev/null || rc=$?
[ "$rc" = 65 ] && ok "wrong password: exit 65" || bad "wrong password: exit $rc"
"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d["errors"]
sys.exit(0 if len(e) == 1 and e[0]["source"].startswith("imaps://reports@127.0.0.1") and "EXAMINE" in e[0]["message"] and len(d["reports"]) == 1 else 1)' "$T/wrong.json" &&
    ok "wrong password: error names the URL, the file beside it still read" || bad "wrong password: $(head -c 400 "$T/wrong.json")"
printf 'machine 127.0.0.1 login reports password s3cret-imap\n' >"$T/user/.netrc"
rc=0
inns timeout 60 "$MXRAY" report --ca-file "$T/ca.pem" --timeout 10 \
    "imaps://reports@127.0.0.1/No%20Such%20Folder" >"$T/nofolder.out" 2>&1 </dev/null || rc=$?
[ "$rc" = 65 ] && grep -q "No%20Such%20Folder: EXAMINE" "$T/nofolder.out" && ok "unknown folder: error, exit 65" ||
    bad "unknown folder: exit $rc: $(head -c 300 "$T/nofolder.out")"
# an untrusted certificate (no --ca-file) is refused
rc=0
inns timeout 60 "$MXRAY" report --timeout 10 "imaps://reports@127.0.0.1/INBOX" >"$T/untrusted.out" 2>&1 </dev/null || rc=$?
[ "$rc" = 65 ] && ok "untrusted certificate: refused" || bad "untrusted certificate: exit $rc"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
