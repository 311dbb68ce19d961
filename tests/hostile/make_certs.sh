#!/usr/bin/env bash
# make_certs.sh - throwaway certificates for the hostile fixtures, made with the openssl CLI.
#   DIR/ca.pem            root CA (the --ca-file of the tests)
#   DIR/good.pem|key      leaf for mx., mx2. and mta-sts.CASE.hostile.test, every CASE
#   DIR/chain30.pem|key   leaf mx.chain30.hostile.test + 29 intermediates: 30 certificates sent
#   DIR/san10k.pem|key    leaf whose SAN has 10,000 entries, mx.san10k.hostile.test the first
#   DIR/san10klast.pem|key  the same with mx.san10klast.hostile.test the last (entry 10,000)
# Usage: make_certs.sh DIR CASE...   (EC P-256 keys: fast; everything stays inside DIR)
set -euo pipefail
D=$1
shift
cd "$D"
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
# sign KEY SUBJ ISSUER_PEM ISSUER_KEY EXTFILE OUT
sign() {
    openssl req -new -key "$1" -subj "$2" -out req.csr
    openssl x509 -req -in req.csr -CA "$3" -CAkey "$4" -CAcreateserial -days 30 \
        -extfile "$5" -out "$6" 2>/dev/null
}
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext

key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=mxray hostile test root" -days 30 -out ca.pem \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign

san=""
for c in "$@"; do san="$san,DNS:mx.$c.hostile.test,DNS:mx2.$c.hostile.test,DNS:mta-sts.$c.hostile.test"; done
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
    "${san#,}" >leaf.ext
key good.key
sign good.key "/CN=hostile test leaf" ca.pem ca.key leaf.ext good.pem

# 29 intermediates under the root, the leaf under the last; the file holds leaf first.
prev=ca
: >ints.pem
for i in $(seq 1 29); do
    key "int$i.key"
    sign "int$i.key" "/CN=hostile intermediate $i" "$prev.pem" "$prev.key" ca.ext "int$i.pem"
    cat "int$i.pem" ints.pem >ints.new && mv ints.new ints.pem
    prev=int$i
done
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:mx.chain30.hostile.test\n' >c30.ext
key chain30.key
sign chain30.key "/CN=mx.chain30.hostile.test" int29.pem int29.key c30.ext chain30.leaf
cat chain30.leaf ints.pem >chain30.pem

# The real name and 9,999 short decoy names: about 80 KB of SAN, under OpenSSL's 100 KB
# default limit for a peer's certificate list. san_ext FIRST_INDEX_OF_REAL_NAME NAME
san_ext() {
    printf 'basicConstraints=CA:FALSE\nsubjectAltName=@alt\n[alt]\n'
    for i in $(seq 1 10000); do
        if [ "$i" = "$1" ]; then echo "DNS.$i = $2"; else echo "DNS.$i = x.test"; fi
    done
}
san_ext 1 mx.san10k.hostile.test >san.ext
key san10k.key
sign san10k.key "/CN=san10k" ca.pem ca.key san.ext san10k.pem
san_ext 10000 mx.san10klast.hostile.test >san.ext
key san10klast.key
sign san10klast.key "/CN=san10klast" ca.pem ca.key san.ext san10klast.pem
rm -f req.csr ./*.srl
