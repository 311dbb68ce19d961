// mailauth_peer - the npm package mailauth doing its MTA-STS share of a check: the
// _mta-sts TXT lookup and HTTPS policy fetch (getPolicy), the MX lookup, and validateMx for
// every MX host. DNS through the system resolver (resolv.conf of the benchmark's namespace),
// the lab CA through NODE_EXTRA_CA_CERTS. Prints one JSON line: mode, MX hosts and whether each
// is valid, and the milliseconds spent inside node (process start excluded).
// Usage: node mailauth_peer.js DOMAIN
'use strict';
const { getPolicy, validateMx } = require('mailauth/lib/mta-sts');
const dns = require('node:dns');

async function main(domain) {
    const t0 = process.hrtime.bigint();
    const [res, mxs] = await Promise.all([getPolicy(domain, false), dns.promises.resolveMx(domain)]);
    const mx = mxs.map(m => ({ host: m.exchange, valid: validateMx(m.exchange, res.policy).valid }));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ mode: res.policy && res.policy.mode, status: res.status, mx, ms }));
}

main(process.argv[2]).catch(err => {
    console.error('mailauth_peer: ' + err.message);
    process.exit(1);
});
