# lab.sh - the real-server MTA-STS lab: nsd + unbound + nginx + Postfix in a network namespace.
#
# A bash library, sourced by the integration tests (needs root, ip netns, the servers from
# `scripts/deps.sh test`). It reads scenario files (see scenarios.txt for the format), makes a
# throwaway CA and the server certificates with the openssl CLI, writes every server's config
# into a private temp directory and starts the servers inside a fresh network namespace, each on
# its real port of its own 127.x address:
#   127.0.0.2:53   nsd, authoritative for lab.test (every scenario is NAME.lab.test)
#   127.0.0.3:53   unbound, recursive and validating, stub zone lab.test -> nsd; the
#                  namespace's resolv.conf. Scenarios with "dnssec signed" (or "dnssec
#                  bogus-tlsa") are zones of their own, NAME.lab.test, signed at lab start with
#                  ldns-signzone; unbound holds their keys as trust anchors, so the AD bit it
#                  sets is real. bogus-tlsa corrupts the signature over the TLSA RRset.
#   127.0.0.10:443 nginx, one server block (SNI) per policy host mta-sts.NAME.lab.test
#   127.0.0.21-25:25 Postfix, one smtpd per address: good, expired, selfsigned, wrongname,
#                  nostarttls certificate/TLS behaviour (see LAB_SMTP_ADDR)
#
# Usage (from a test script running with `set -euo pipefail`):
#   source tests/integration/lab/lab.sh
#   lab_up tests/integration/lab/scenarios.txt   # installs an EXIT/INT/TERM trap -> lab_down
#   lab_run dig +short MX good.lab.test          # any command inside the namespace, with
#                                                # SSL_CERT_FILE=$LAB_CA (the lab root CA)
#   lab_down                                     # idempotent; also runs from the trap
# After lab_up: LAB_NS (namespace), LAB_DIR (temp dir), LAB_CA (root CA bundle), LAB_SCENARIOS
# (names, file order), LAB_WEB_MODE[NAME], LAB_POLICY[NAME] (body), LAB_MXHOSTS[NAME]
# ("fqdn=kind ..."), LAB_TXTCOUNT["NAME _mta-sts"] / ["NAME _smtp._tls"] (TXT records published).
# Set LAB_KEEP=1 to keep the temp dir (logs, configs) after lab_down, for debugging.

LAB_TLD="lab.test"
LAB_NSD_ADDR="127.0.0.2"
LAB_DNS_ADDR="127.0.0.3"
LAB_WEB_ADDR="127.0.0.10"
declare -gA LAB_SMTP_ADDR=(
    [good]="127.0.0.21" [expired]="127.0.0.22" [selfsigned]="127.0.0.23"
    [wrongname]="127.0.0.25" [nostarttls]="127.0.0.24"
)
LAB_SMTP_KINDS=(good expired selfsigned wrongname nostarttls)
LAB_WAIT_TENTHS="${LAB_WAIT_TENTHS:-150}"   # bounded wait per server, in 0.1 s steps

LAB_NS=""
LAB_DIR=""
LAB_POSTFIX_PID=""
LAB_CA=""
LAB_SCENARIOS=()
declare -gA LAB_WEB_MODE=() LAB_POLICY=() LAB_MXHOSTS=() LAB_TXTCOUNT=() LAB_SANS=()
declare -gA LAB_DNSSEC=() LAB_ZTEXT=()   # NAME -> signed|bogus-tlsa; NAME -> its zone lines

# lab__say - print a message about the lab on stderr.
lab__say() {
    printf 'lab: %s\n' "$*" >&2
}

# lab__fail_server - report that server NAME failed, with the tail of its LOG; returns 1.
lab__fail_server() {
    local name="$1" log="$2" why="$3"
    lab__say "$name failed: $why"
    if [ -s "$log" ]; then
        lab__say "last lines of $log:"
        tail -n 25 "$log" | sed 's/^/    /' >&2
    else
        lab__say "($log is empty or missing)"
    fi
    return 1
}

# lab__dns_line - add one scenario dns line to the zone, mapping @tokens to lab addresses.
lab__dns_line() {
    local name="$1" owner="$2" type="$3" rdata="$4" ttl="${5:-60}" kind addr fqdn
    fqdn="$owner.$name.$LAB_TLD"
    [ "$owner" = "@" ] && fqdn="$name.$LAB_TLD"
    case "$rdata" in
        @web) rdata="$LAB_WEB_ADDR"
              LAB_SANS[web]+=" $fqdn" ;;
        @smtp-*)
            kind="${rdata#@smtp-}"
            addr="${LAB_SMTP_ADDR[$kind]:-}"
            if [ -z "$addr" ]; then
                lab__say "scenario $name: unknown address token $rdata"
                return 1
            fi
            rdata="$addr"
            LAB_SANS[$kind]+=" $fqdn"
            LAB_MXHOSTS[$name]+=" $fqdn=$kind" ;;
        @tlsa-*) ;;  # a TLSA digest, made once the certificates exist
        @*) lab__say "scenario $name: unknown address token $rdata"
            return 1 ;;
    esac
    if [ "$type" = TXT ]; then
        LAB_TXTCOUNT["$name $owner"]=$(( ${LAB_TXTCOUNT["$name $owner"]:-0} + 1 ))
    fi
    # @tlsa-* tokens need the certificates: resolved in lab__write_zone.
    LAB_ZTEXT[$name]+="$owner $ttl IN $type $rdata"$'\n'
}

# lab__tlsa_data - "USAGE SELECTOR MTYPE HEX" for a token @tlsa-USM-REF (RFC 6698 2.1):
# REF good = the smtp-good leaf, issuing = the issuing CA (sent in every chain), other = a key
# no MX uses (the wrongname leaf's); selector 0 = certificate, 1 = public key; mtype 1 or 2.
lab__tlsa_data() {
    local tok="${1#@tlsa-}" usm ref crt dgst
    usm="${tok%%-*}"
    ref="${tok#*-}"
    case "$ref" in
        good) crt="$LAB_DIR/ca/smtp-good.crt" ;;
        issuing) crt="$LAB_DIR/ca/issuing.pem" ;;
        other) crt="$LAB_DIR/ca/smtp-wrongname.crt" ;;
        *) lab__say "unknown TLSA token $1"; return 1 ;;
    esac
    [[ "$usm" =~ ^[0-3][01][12]$ ]] || { lab__say "unknown TLSA token $1"; return 1; }
    dgst=-sha256
    [ "${usm:2:1}" = 2 ] && dgst=-sha512
    if [ "${usm:1:1}" = 1 ]; then
        openssl x509 -in "$crt" -noout -pubkey | openssl pkey -pubin -outform DER |
            openssl dgst "$dgst" -r | awk -v u="${usm:0:1} ${usm:1:1} ${usm:2:1}" '{print u, $1}'
    else
        openssl x509 -in "$crt" -outform DER |
            openssl dgst "$dgst" -r | awk -v u="${usm:0:1} ${usm:1:1} ${usm:2:1}" '{print u, $1}'
    fi
}

# lab__resolve_text - a scenario's zone lines with the @tlsa-* tokens replaced.
lab__resolve_text() {
    local line tok data
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        if [[ "$line" =~ (@tlsa-[0-9a-z-]+) ]]; then
            tok="${BASH_REMATCH[1]}"
            data="$(lab__tlsa_data "$tok")" || return 1
            line="${line/"$tok"/"$data"}"
        fi
        printf '%s\n' "$line"
    done <<<"$1"
}

# lab__parse - read scenario FILES into the LAB_* variables and the zone text.
lab__parse() {
    local file line key rest name="" owner type rdata ttl
    for file in "$@"; do
        [ -r "$file" ] || { lab__say "cannot read scenario file $file"; return 1; }
        while IFS= read -r line || [ -n "$line" ]; do
            line="${line%$'\r'}"
            case "$line" in ''|'#'*) continue ;; esac
            if [[ "$line" =~ ^\[([a-z0-9-]+)\]$ ]]; then
                name="${BASH_REMATCH[1]}"
                LAB_SCENARIOS+=("$name")
                continue
            fi
            [ -n "$name" ] || { lab__say "$file: line outside a scenario: $line"; return 1; }
            read -r key rest <<<"$line"
            case "$key" in
                dns)
                    read -r owner type rdata <<<"$rest"
                    ttl=60
                    if [[ "$type" =~ ^[0-9]+$ ]]; then  # dns OWNER TTL TYPE RDATA
                        read -r owner ttl type rdata <<<"$rest"
                    fi
                    lab__dns_line "$name" "$owner" "$type" "$rdata" "$ttl" || return 1 ;;
                web)
                    LAB_WEB_MODE[$name]="$rest" ;;
                policy)
                    LAB_POLICY[$name]+="$rest"$'\r\n' ;;
                dnssec)
                    case "$rest" in
                        signed|bogus-tlsa) LAB_DNSSEC[$name]="$rest" ;;
                        *) lab__say "scenario $name: dnssec is signed or bogus-tlsa"; return 1 ;;
                    esac ;;
                *) ;;  # about and the expectation keys belong to other readers
            esac
        done <"$file"
    done
    [ "${#LAB_SCENARIOS[@]}" -gt 0 ] || { lab__say "no scenarios in $*"; return 1; }
}

# lab__zone_head - $ORIGIN, $TTL, SOA and NS of zone ZONE.
lab__zone_head() {
    # shellcheck disable=SC2016  # $ORIGIN and $TTL are zone-file directives
    printf '$ORIGIN %s.\n$TTL 60\n' "$1"
    printf '@ IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 60\n' "$LAB_TLD" "$LAB_TLD"
    printf '@ IN NS ns.%s.\n' "$LAB_TLD"
}

# lab__sign_zone - sign zone NAME.lab.test with a fresh ECDSA P-256 key (KSK flag, one key
# for all) and keep the key as unbound's trust anchor; bogus-tlsa then breaks the signature
# over the TLSA RRset (one base64 character changed), as an attacker or a bad signer would.
lab__sign_zone() {
    local name="$1" zone="$1.$LAB_TLD" d="$LAB_DIR/nsd" key
    key="$(cd "$d" && ldns-keygen -a ECDSAP256SHA256 -k "$zone" 2>>"$d/sign.log")" \
        || { lab__fail_server ldns-keygen "$d/sign.log" "key for $zone"; return 1; }
    (cd "$d" && ldns-signzone -f "$zone.zone.signed" "$zone.zone" "$key") >>"$d/sign.log" 2>&1 \
        || { lab__fail_server ldns-signzone "$d/sign.log" "signing $zone"; return 1; }
    cat "$d/$key.key" >>"$LAB_DIR/unbound/anchors.key"
    if [ "${LAB_DNSSEC[$name]}" = bogus-tlsa ]; then
        awk 'BEGIN { OFS = "\t" }
             $4 == "RRSIG" && $5 == "TLSA" {
                 s = $NF; c = substr(s, 20, 1); r = (c == "A") ? "B" : "A"
                 $NF = substr(s, 1, 19) r substr(s, 21)
             } { print }' "$d/$zone.zone.signed" >"$d/$zone.zone.bogus" &&
            mv "$d/$zone.zone.bogus" "$d/$zone.zone.signed"
    fi
}

# lab__write_zone - write the lab.test zone file for nsd (and the signed scenario zones).
lab__write_zone() {
    local n text unsigned=""
    : >"$LAB_DIR/unbound/anchors.key"
    for n in "${LAB_SCENARIOS[@]}"; do
        text="$(lab__resolve_text "${LAB_ZTEXT[$n]:-}")" || return 1
        if [ -n "${LAB_DNSSEC[$n]:-}" ]; then
            { lab__zone_head "$n.$LAB_TLD"; printf '%s\n' "$text"; } \
                >"$LAB_DIR/nsd/$n.$LAB_TLD.zone"
            lab__sign_zone "$n" || return 1
            unsigned+="$n.$LAB_TLD. IN NS ns.$LAB_TLD."$'\n'   # delegation; no DS: anchored
        else
            unsigned+="\$ORIGIN $n.$LAB_TLD."$'\n'"$text"$'\n'
        fi
    done
    {
        lab__zone_head "$LAB_TLD"
        printf 'ns IN A %s\n' "$LAB_NSD_ADDR"
        printf '%s' "$unsigned"
    } >"$LAB_DIR/nsd/$LAB_TLD.zone"
}

# lab__san_ext - write an openssl extension file for a server certificate with SAN NAMES.
lab__san_ext() {
    local file="$1" san="" n
    shift
    for n in "$@"; do san+="${san:+,}DNS:$n"; done
    cat >"$file" <<EOF
[req]
distinguished_name = dn
x509_extensions = leaf
prompt = no
[dn]
CN = $1
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $san
EOF
}

# lab__leaf - issue leaf certificate BASE for NAMES from the issuing CA (key, .chain.pem with
# the intermediate, .postfix.pem = key + chain); "-- expired" after the names makes it valid
# only in 2020 (openssl ca, the one user of the CA database). Logs to BASE.log.
lab__leaf() {
    local base="$1" d="$LAB_DIR/ca" names=() expired=0
    shift
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do names+=("$1"); shift; done
    [ "${2:-}" = expired ] && expired=1
    lab__san_ext "$d/$base.ext" "${names[@]}"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$base.key" \
        -subj "/CN=${names[0]}" -out "$d/$base.csr" >>"$d/$base.log" 2>&1 || return 1
    if [ "$expired" = 1 ]; then
        openssl ca -batch -config "$d/ca.cnf" -name issuing -notext -extfile "$d/$base.ext" \
            -extensions leaf -startdate 20200101000000Z -enddate 20210101000000Z \
            -in "$d/$base.csr" -out "$d/$base.crt" >>"$d/$base.log" 2>&1 || return 1
    else
        openssl x509 -req -in "$d/$base.csr" -CA "$d/issuing.pem" -CAkey "$d/issuing.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 365 -sha256 -extfile "$d/$base.ext" \
            -extensions leaf -out "$d/$base.crt" >>"$d/$base.log" 2>&1 || return 1
    fi
    cat "$d/$base.crt" "$d/issuing.pem" >"$d/$base.chain.pem"
    cat "$d/$base.key" "$d/$base.crt" "$d/issuing.pem" >"$d/$base.postfix.pem"
}

# lab__selfsigned - make the self-signed certificate BASE for NAMES (key + cert in .postfix.pem).
lab__selfsigned() {
    local base="$1" d="$LAB_DIR/ca"
    shift
    lab__san_ext "$d/$base.ext" "$@"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$d/$base.key" -out "$d/$base.crt" -days 365 \
        -config "$d/$base.ext" -extensions leaf >>"$d/$base.log" 2>&1 || return 1
    cat "$d/$base.key" "$d/$base.crt" >"$d/$base.postfix.pem"
}

# lab__ca_conf - write the openssl ca config of the root and the issuing CA.
# shellcheck disable=SC2016  # $dir is expanded by openssl, not by the shell
lab__ca_conf() {
    local d="$1" sect
    for sect in root issuing; do
        printf '[%s]\ndir = %s\n' "$sect" "$d"
        if [ "$sect" = root ]; then
            printf 'certificate = $dir/ca.pem\nprivate_key = $dir/ca.key\n'
        else
            printf 'certificate = $dir/issuing.pem\nprivate_key = $dir/issuing.key\n'
        fi
        printf 'database = $dir/index.txt\nnew_certs_dir = $dir/new\nserial = $dir/serial\n'
        printf 'default_md = sha256\npolicy = anything\nunique_subject = no\n'
    done
    printf '[anything]\ncommonName = supplied\n'
    printf '[intermediate]\nbasicConstraints = critical,CA:TRUE,pathlen:0\n'
    printf 'keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n'
    printf 'authorityKeyIdentifier = keyid\n'
}

# lab__certs - make the root CA, the issuing CA, then every server certificate in parallel.
lab__certs() {
    local d="$LAB_DIR/ca" n wrong=() jobs=() job bad=0 base
    mkdir -p "$d/new"
    : >"$d/index.txt"
    echo 1000 >"$d/serial"
    lab__ca_conf "$d" >"$d/ca.cnf"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$d/ca.key" -out "$d/ca.pem" -days 30 -subj "/CN=mxray lab root CA $$" \
        >>"$d/ca.log" 2>&1 || { lab__fail_server openssl "$d/ca.log" "root CA"; return 1; }
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/issuing.key" \
        -subj "/CN=mxray lab issuing CA $$" -out "$d/issuing.csr" >>"$d/ca.log" 2>&1 \
        || { lab__fail_server openssl "$d/ca.log" "issuing CA key"; return 1; }
    openssl ca -batch -config "$d/ca.cnf" -name root -notext -extfile "$d/ca.cnf" \
        -extensions intermediate -days 30 -in "$d/issuing.csr" -out "$d/issuing.pem" \
        >>"$d/ca.log" 2>&1 || { lab__fail_server openssl "$d/ca.log" "issuing CA"; return 1; }
    for n in "${LAB_SCENARIOS[@]}"; do
        [ "${LAB_WEB_MODE[$n]:-}" = wrongname ] && wrong+=("www.$n.$LAB_TLD")
    done
    [ "${#wrong[@]}" -gt 0 ] || wrong=("www.unused.$LAB_TLD")
    # Policy hosts: one certificate for every correctly named host, one for the wrong names.
    # MX hosts: each certificate names every host whose A record points at its smtpd.
    # shellcheck disable=SC2086
    lab__leaf web ${LAB_SANS[web]:-unused.$LAB_TLD} &
    jobs+=("$!:web")
    lab__leaf web-wrongname "${wrong[@]}" &
    jobs+=("$!:web-wrongname")
    # shellcheck disable=SC2086
    lab__leaf smtp-good ${LAB_SANS[good]:-mx.unused.$LAB_TLD} &
    jobs+=("$!:smtp-good")
    # shellcheck disable=SC2086
    lab__leaf smtp-expired ${LAB_SANS[expired]:-mx.unused.$LAB_TLD} -- expired &
    jobs+=("$!:smtp-expired")
    lab__leaf smtp-wrongname "mail.elsewhere.$LAB_TLD" &
    jobs+=("$!:smtp-wrongname")
    # shellcheck disable=SC2086
    lab__selfsigned smtp-selfsigned ${LAB_SANS[selfsigned]:-mx.unused.$LAB_TLD} &
    jobs+=("$!:smtp-selfsigned")
    for job in "${jobs[@]}"; do
        base="${job#*:}"
        if ! wait "${job%%:*}"; then
            lab__fail_server openssl "$d/$base.log" "$base certificate" || true
            bad=1
        fi
    done
    [ "$bad" = 0 ] || return 1
    chmod 600 "$d"/*.key "$d"/*.postfix.pem
    LAB_CA="$d/ca.pem"
}

# lab__netns - create the namespace, its loopback addresses and its resolv.conf.
lab__netns() {
    local a
    LAB_NS="mxray-lab-$$"
    ip netns add "$LAB_NS" || { lab__say "ip netns add $LAB_NS failed"; LAB_NS=""; return 1; }
    ip -n "$LAB_NS" link set lo up
    for a in "$LAB_NSD_ADDR" "$LAB_DNS_ADDR" "$LAB_WEB_ADDR" "${LAB_SMTP_ADDR[@]}"; do
        ip -n "$LAB_NS" addr add "$a/8" dev lo
    done
    mkdir -p "/etc/netns/$LAB_NS"
    printf 'nameserver %s\noptions trust-ad\n' "$LAB_DNS_ADDR" >"/etc/netns/$LAB_NS/resolv.conf"
    printf '127.0.0.1 localhost\n' >"/etc/netns/$LAB_NS/hosts"
}

# lab__nsd - write nsd's config and start it in the namespace.
lab__nsd() {
    local d="$LAB_DIR/nsd"
    cat >"$d/nsd.conf" <<EOF
server:
    ip-address: $LAB_NSD_ADDR
    port: 53
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$d"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    pidfile: "$d/nsd.pid"
    logfile: "$d/nsd.log"
    verbosity: 1
    hide-version: yes
remote-control:
    control-enable: no
zone:
    name: "$LAB_TLD"
    zonefile: "$LAB_TLD.zone"
EOF
    local n
    for n in "${LAB_SCENARIOS[@]}"; do
        [ -n "${LAB_DNSSEC[$n]:-}" ] || continue
        printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "$n.$LAB_TLD" "$n.$LAB_TLD.zone.signed" \
            >>"$d/nsd.conf"
    done
    if command -v nsd-checkzone >/dev/null; then
        nsd-checkzone "$LAB_TLD" "$d/$LAB_TLD.zone" >>"$d/nsd.log" 2>&1 \
            || { lab__fail_server nsd "$d/nsd.log" "the zone built from the scenarios is invalid"; return 1; }
    fi
    ip netns exec "$LAB_NS" nsd -c "$d/nsd.conf" >>"$d/nsd.log" 2>&1 \
        || lab__fail_server nsd "$d/nsd.log" "nsd did not start"
}

# lab__unbound - write unbound's config (stub zone lab.test -> nsd) and start it.
lab__unbound() {
    local d="$LAB_DIR/unbound"
    cat >"$d/unbound.conf" <<EOF
server:
    interface: $LAB_DNS_ADDR
    port: 53
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    chroot: ""
    username: ""
    directory: "$d"
    pidfile: "$d/unbound.pid"
    logfile: "$d/unbound.log"
    use-syslog: no
    verbosity: 1
    num-threads: 1
    so-reuseport: no
    module-config: "validator iterator"
    trust-anchor-file: "$d/anchors.key"
    val-log-level: 2
    local-zone: "test." nodefault
    cache-max-ttl: 60
    cache-max-negative-ttl: 5
remote-control:
    control-enable: no
stub-zone:
    name: "$LAB_TLD"
    stub-addr: $LAB_NSD_ADDR
EOF
    local n
    for n in "${LAB_SCENARIOS[@]}"; do
        [ -n "${LAB_DNSSEC[$n]:-}" ] || continue
        printf 'stub-zone:\n    name: "%s"\n    stub-addr: %s\n' "$n.$LAB_TLD" "$LAB_NSD_ADDR" \
            >>"$d/unbound.conf"
    done
    ip netns exec "$LAB_NS" unbound -c "$d/unbound.conf" >>"$d/unbound.log" 2>&1 \
        || lab__fail_server unbound "$d/unbound.log" "unbound did not start"
}

# lab__nginx_server - print one nginx server block for scenario NAME's policy host.
lab__nginx_server() {
    local name="$1" mode="$2" host ca="$LAB_DIR/ca" cert=web
    host="mta-sts.$name.$LAB_TLD"
    [ "$mode" = wrongname ] && cert=web-wrongname
    printf '    server {\n        listen %s:443 ssl;\n        server_name %s;\n' "$LAB_WEB_ADDR" "$host"
    printf '        ssl_certificate %s/%s.chain.pem;\n' "$ca" "$cert"
    printf '        ssl_certificate_key %s/%s.key;\n' "$ca" "$cert"
    case "$mode" in
        serve|wrongname)
            mkdir -p "$LAB_DIR/www/$name/.well-known"
            printf '%s' "${LAB_POLICY[$name]:-}" >"$LAB_DIR/www/$name/.well-known/mta-sts.txt"
            printf '        location = /.well-known/mta-sts.txt {\n'
            printf '            root %s/www/%s;\n' "$LAB_DIR" "$name"
            printf '            types { }\n            default_type text/plain;\n        }\n'
            printf '        location / { return 404; }\n' ;;
        redirect)
            printf '        location / { return 301 https://www.%s.%s/.well-known/mta-sts.txt; }\n' \
                "$name" "$LAB_TLD" ;;
        notfound)
            printf '        location / { return 404; }\n' ;;
        *) lab__say "scenario $name: unknown web mode '$mode'"; return 1 ;;
    esac
    printf '    }\n'
}

# lab__nginx - write nginx's config (one SNI server per policy host) and start it.
lab__nginx() {
    local d="$LAB_DIR/nginx" n t conf="$LAB_DIR/nginx/nginx.conf"
    mkdir -p "$d/tmp" "$LAB_DIR/www"
    {
        printf 'daemon on;\nworker_processes 1;\npid %s/nginx.pid;\n' "$d"
        printf 'error_log %s/error.log info;\nevents { worker_connections 128; }\n' "$d"
        printf 'http {\n    access_log %s/access.log;\n' "$d"
        for t in client_body proxy fastcgi uwsgi scgi; do
            printf '    %s_temp_path %s/tmp/%s;\n' "$t" "$d" "$t"
        done
        printf '    ssl_protocols TLSv1.2 TLSv1.3;\n    server_tokens off;\n'
        printf '    server {\n        listen %s:443 ssl default_server;\n' "$LAB_WEB_ADDR"
        printf '        ssl_reject_handshake on;\n    }\n'
    } >"$conf"
    for n in "${LAB_SCENARIOS[@]}"; do
        [ -n "${LAB_WEB_MODE[$n]:-}" ] || continue
        lab__nginx_server "$n" "${LAB_WEB_MODE[$n]}" >>"$conf" || return 1
    done
    printf '}\n' >>"$conf"
    chmod -R a+rX "$LAB_DIR/www"
    ip netns exec "$LAB_NS" nginx -p "$d" -e "$d/error.log" -c "$conf" >>"$d/start.log" 2>&1 \
        || { cat "$d/start.log" >>"$d/error.log"; lab__fail_server nginx "$d/error.log" "nginx did not start"; }
}

# lab__postfix - write a private Postfix instance (one smtpd per MX address), start it in the
# background and set LAB_POSTFIX_PID.
lab__postfix() {
    local d="$LAB_DIR/postfix" ca="$LAB_DIR/ca" kind addr ifaces="" svc q
    mkdir -p "$d/conf" "$d/queue" "$d/data"
    chown postfix: "$d/data"
    for kind in "${LAB_SMTP_KINDS[@]}"; do ifaces+="${ifaces:+, }${LAB_SMTP_ADDR[$kind]}"; done
    cat >"$d/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
inet_interfaces = $ifaces
inet_protocols = ipv4
myhostname = mx.$LAB_TLD
mydomain = $LAB_TLD
myorigin = \$myhostname
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP mxray lab
smtputf8_enable = no
biff = no
maillog_file = $d/maillog
maillog_file_prefixes = $LAB_DIR
smtpd_tls_security_level = may
smtpd_tls_chain_files = $ca/smtp-good.postfix.pem
smtpd_tls_loglevel = 1
EOF
    {
        printf '# service type private unpriv chroot wakeup maxproc command\n'
        for kind in "${LAB_SMTP_KINDS[@]}"; do
            addr="${LAB_SMTP_ADDR[$kind]}"
            svc="$addr:25 inet n - n - - smtpd -o syslog_name=postfix-$kind"
            if [ "$kind" = nostarttls ]; then
                svc+=" -o smtpd_tls_security_level=none"
            else
                svc+=" -o smtpd_tls_chain_files=$ca/smtp-$kind.postfix.pem"
            fi
            printf '%s\n' "$svc"
        done
        cat <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    } >"$d/conf/master.cf"
    : >"$d/maillog"
    # Make the queue tree as `postfix set-permissions` would and skip postfix-script's slow
    # integrity checks (quick-start): the instance is fresh and throwaway.
    for q in active bounce corrupt defer deferred flush hold incoming private saved trace; do
        install -d -o postfix -g root -m 700 "$d/queue/$q"
    done
    install -d -o postfix -g postdrop -m 730 "$d/queue/maildrop"
    install -d -o postfix -g postdrop -m 710 "$d/queue/public"
    install -d -o root -g root -m 755 "$d/queue/pid"
    : >"$d/queue/quick-start"
    # Started in the background (it takes the longest); lab_up waits for LAB_POSTFIX_PID.
    ip netns exec "$LAB_NS" postfix -c "$d/conf" start >>"$d/maillog" 2>&1 &
    LAB_POSTFIX_PID=$!
}

# lab__listening - true when every ADDR:PORT given is a listening TCP socket in the namespace.
lab__listening() {
    local socks want
    socks="$(ip netns exec "$LAB_NS" ss -Hltn 2>/dev/null | awk '{print $4}')"
    for want in "$@"; do
        grep -qxF "$want" <<<"$socks" || return 1
    done
}

# lab__wait - retry CMD every 0.1 s up to LAB_WAIT_TENTHS times; else report server NAME + LOG.
lab__wait() {
    local name="$1" log="$2" i
    shift 2
    for ((i = 0; i < LAB_WAIT_TENTHS; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    lab__fail_server "$name" "$log" "not ready after $((LAB_WAIT_TENTHS / 10)) s ($*)"
}

# lab__dig_ok - true when a dig inside the namespace (ARGS) gets a NOERROR answer.
lab__dig_ok() {
    ip netns exec "$LAB_NS" dig +time=1 +tries=1 "$@" | grep -q 'status: NOERROR'
}

# lab_run - run CMD inside the lab namespace with SSL_CERT_FILE and CURL_CA_BUNDLE = lab root CA.
lab_run() {
    ip netns exec "$LAB_NS" env SSL_CERT_FILE="$LAB_CA" CURL_CA_BUNDLE="$LAB_CA" "$@"
}

# lab_up - build and start the whole lab from SCENARIO_FILE...; returns 1 (after lab_down)
# with the failing server's log tail on stderr when something does not come up.
lab_up() {
    local t0 smtp_socks=() kind
    t0="$(date +%s%N)"
    trap 'lab_down' EXIT
    trap 'lab_down; exit 130' INT TERM
    LAB_DIR="$(mktemp -d /tmp/mxray-lab.XXXXXX)"
    chmod 755 "$LAB_DIR"
    mkdir -p "$LAB_DIR/nsd" "$LAB_DIR/unbound" "$LAB_DIR/nginx" "$LAB_DIR/postfix"
    lab__parse "$@" || return 1
    lab__certs || return 1
    lab__write_zone || return 1
    lab__netns || return 1
    lab__postfix || return 1
    lab__nsd || return 1
    lab__unbound || return 1
    lab__nginx || return 1
    wait "$LAB_POSTFIX_PID" \
        || { lab__fail_server postfix "$LAB_DIR/postfix/maillog" "postfix start failed"; return 1; }
    for kind in "${LAB_SMTP_KINDS[@]}"; do smtp_socks+=("${LAB_SMTP_ADDR[$kind]}:25"); done
    lab__wait nsd "$LAB_DIR/nsd/nsd.log" \
        lab__dig_ok "@$LAB_NSD_ADDR" +norec SOA "$LAB_TLD" || return 1
    lab__wait unbound "$LAB_DIR/unbound/unbound.log" \
        lab__dig_ok "@$LAB_DNS_ADDR" SOA "$LAB_TLD" || return 1
    lab__wait nginx "$LAB_DIR/nginx/error.log" lab__listening "$LAB_WEB_ADDR:443" || return 1
    lab__wait postfix "$LAB_DIR/postfix/maillog" lab__listening "${smtp_socks[@]}" || return 1
    lab__say "up in $(( ($(date +%s%N) - t0) / 1000000 )) ms: namespace $LAB_NS, ${#LAB_SCENARIOS[@]} scenarios, dir $LAB_DIR"
}

# lab_down - stop every process in the namespace, delete it, its /etc/netns dir and the temp dir.
lab_down() {
    local pids i
    if [ -n "$LAB_NS" ]; then
        pids="$(ip netns pids "$LAB_NS" 2>/dev/null | tr '\n' ' ')"
        if [ -n "${pids// /}" ]; then
            # shellcheck disable=SC2086
            kill -TERM $pids 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do
                pids="$(ip netns pids "$LAB_NS" 2>/dev/null | tr '\n' ' ')"
                [ -z "${pids// /}" ] && break
                sleep 0.1
            done
            # shellcheck disable=SC2086
            [ -n "${pids// /}" ] && kill -KILL $pids 2>/dev/null
        fi
        ip netns del "$LAB_NS" 2>/dev/null || lab__say "could not delete namespace $LAB_NS"
        rm -rf "/etc/netns/${LAB_NS:?}"
        LAB_NS=""
    fi
    if [ -n "$LAB_DIR" ]; then
        if [ "${LAB_KEEP:-0}" = 1 ]; then
            lab__say "kept $LAB_DIR"
        else
            rm -rf "${LAB_DIR:?}"
        fi
        LAB_DIR=""
    fi
    return 0
}
