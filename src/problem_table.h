/* problem_table.h - every problem code (X-macro; included by problem.h and problem.c).
 * PROBLEM_ID(ID, "code", default severity, "RFC section", "RFC 8460 result type" or NULL,
 *            "what it means", "how to fix it")
 * Stable: add codes, never rename or remove one. */

/* ---- _mta-sts TXT record (RFC 8461 3.1) ---- */
PROBLEM_ID(STS_RECORD_MISSING, "sts.record.missing", SEV_INFO, "RFC 8461 3.1", NULL,
    "No TXT record starting with v=STSv1 exists at _mta-sts.DOMAIN, so the domain does not "
    "publish MTA-STS: senders deliver with opportunistic TLS that an attacker can strip.",
    "Publish a policy at https://mta-sts.DOMAIN/.well-known/mta-sts.txt, then the TXT record "
    "_mta-sts.DOMAIN IN TXT \"v=STSv1; id=20260101000000\".")
PROBLEM_ID(STS_RECORD_MULTIPLE, "sts.record.multiple", SEV_ERROR, "RFC 8461 3.1", NULL,
    "More than one TXT record at _mta-sts.DOMAIN starts with v=STSv1. Senders MUST then assume "
    "the domain has no MTA-STS policy at all.",
    "Delete all but one v=STSv1 TXT record at _mta-sts.DOMAIN.")
PROBLEM_ID(STS_RECORD_SYNTAX, "sts.record.syntax", SEV_ERROR, "RFC 8461 3.1", NULL,
    "The _mta-sts TXT record does not follow the grammar: it must begin with v=STSv1, carry an "
    "id of 1 to 32 letters and digits, and separate fields with ';'.",
    "Publish exactly: v=STSv1; id=<1-32 letters or digits> (for example a timestamp such as "
    "20260101120000).")
PROBLEM_ID(STS_RECORD_EXTENSION, "sts.record.extension", SEV_INFO, "RFC 8461 3.1", NULL,
    "The record carries a field other than v and id. Senders ignore unknown fields.",
    "Nothing to fix unless the field is a typo of 'id'.")
PROBLEM_ID(STS_RECORD_DNS, "sts.record.dns", SEV_ERROR, "RFC 8461 3.1", NULL,
    "The TXT lookup for _mta-sts.DOMAIN failed (timeout, SERVFAIL or refused). This is not the "
    "same as 'no record': a sender cannot tell whether a policy exists.",
    "Check the authoritative servers of the zone (delegation, DNSSEC signatures, firewalls) until "
    "dig TXT _mta-sts.DOMAIN answers NOERROR or NXDOMAIN.")
PROBLEM_ID(STS_RECORD_CNAME, "sts.record.cname", SEV_INFO, "RFC 8461 3.1", NULL,
    "_mta-sts.DOMAIN is a CNAME; senders follow it. Delegating the record also needs "
    "mta-sts.DOMAIN to serve the policy with a certificate for mta-sts.DOMAIN (RFC 8461 8.2).",
    "Nothing to fix if the delegation target is meant; make sure the policy host is delegated too.")

/* ---- policy fetch (RFC 8461 3.3) ---- */
PROBLEM_ID(STS_POLICY_FETCH, "sts.policy.fetch", SEV_ERROR, "RFC 8461 3.3", "sts-policy-fetch-error",
    "The policy could not be fetched with HTTP 200 from https://mta-sts.DOMAIN/.well-known/"
    "mta-sts.txt. Senders without a cached policy then deliver as if MTA-STS were not deployed: "
    "the protection is silently off.",
    "Serve the policy file at that exact URL over HTTPS with status 200.")
PROBLEM_ID(STS_POLICY_REDIRECT, "sts.policy.redirect", SEV_ERROR, "RFC 8461 3.3", "sts-policy-fetch-error",
    "The policy URL answered with a redirect. Senders MUST NOT follow redirects, so for them the "
    "fetch fails.",
    "Serve the file directly at https://mta-sts.DOMAIN/.well-known/mta-sts.txt with status 200; "
    "exempt that path from any HTTP->HTTPS or www redirect.")
PROBLEM_ID(STS_POLICY_TLS, "sts.policy.tls", SEV_ERROR, "RFC 8461 3.3", "sts-webpki-invalid",
    "The HTTPS certificate of mta-sts.DOMAIN is not valid for that name or does not chain to a "
    "trusted root. Senders refuse the policy.",
    "Install a publicly trusted certificate whose subjectAltName contains mta-sts.DOMAIN, with the "
    "intermediate certificates, and serve it for that SNI name.")
PROBLEM_ID(STS_POLICY_CONTENT_TYPE, "sts.policy.content_type", SEV_WARNING, "RFC 8461 3.2", NULL,
    "The policy is not served as text/plain. Strict senders may reject it.",
    "Serve /.well-known/mta-sts.txt with Content-Type: text/plain.")
PROBLEM_ID(STS_POLICY_SYNTAX, "sts.policy.syntax", SEV_ERROR, "RFC 8461 3.2", "sts-policy-invalid",
    "The policy body does not follow the grammar (version, mode, max_age and mx lines). Senders "
    "treat an invalid policy as no policy.",
    "Publish lines 'version: STSv1', 'mode: enforce|testing|none', 'max_age: <seconds>' and one "
    "'mx: <host or *.domain>' per MX, each on its own line.")
PROBLEM_ID(STS_POLICY_MAX_AGE_SHORT, "sts.policy.max_age_short", SEV_WARNING, "RFC 8461 3.2, 10.2", NULL,
    "max_age is below one day. A short lifetime lets an attacker who blocks the policy fetch "
    "downgrade senders as soon as their cache expires.",
    "Use max_age of weeks, e.g. max_age: 604800 (one week) or 31557600 (the maximum).")
PROBLEM_ID(STS_POLICY_MODE_TESTING, "sts.policy.mode_testing", SEV_INFO, "RFC 8461 5", NULL,
    "The policy is in testing mode: senders report failures (TLS-RPT) but still deliver over "
    "unvalidated or plaintext connections.",
    "After the TLS reports show no failures, change to 'mode: enforce' and bump the id in the "
    "TXT record.")
PROBLEM_ID(STS_POLICY_MODE_NONE, "sts.policy.mode_none", SEV_INFO, "RFC 8461 5", NULL,
    "The policy mode is none: senders treat the domain as having no MTA-STS policy.",
    "Use 'mode: testing' or 'mode: enforce' unless you are withdrawing MTA-STS (RFC 8461 8.3).")
PROBLEM_ID(STS_POLICY_UNKNOWN_KEY, "sts.policy.unknown_key", SEV_INFO, "RFC 8461 3.2", NULL,
    "The policy has a key senders do not know; they ignore it.",
    "Remove it, or check it is not a misspelling of version, mode, max_age or mx.")
PROBLEM_ID(STS_POLICY_DUPLICATE_KEY, "sts.policy.duplicate_key", SEV_WARNING, "RFC 8461 3.2", NULL,
    "A key other than mx appears more than once; senders use the first and ignore the rest.",
    "Keep a single line for version, mode and max_age.")
PROBLEM_ID(STS_POLICY_MX_INVALID, "sts.policy.mx_invalid", SEV_ERROR, "RFC 8461 3.2, 4.1", "sts-policy-invalid",
    "An mx: value is not a host name or a '*.' wildcard of one: IP literals, ports, trailing dots, "
    "comma lists and wildcards other than a whole first label are invalid.",
    "Write one 'mx: mail.example.com' or 'mx: *.example.com' line per MX host name.")
PROBLEM_ID(STS_POLICY_MX_ULABEL, "sts.policy.mx_ulabel", SEV_ERROR, "RFC 8461 3.2", "sts-policy-invalid",
    "An mx: value uses Unicode (a U-label); policies MUST use the Punycode A-label (xn--...).",
    "Write the A-label form, e.g. mx: xn--mller-kva.example.")
PROBLEM_ID(STS_POLICY_LINE_ENDINGS, "sts.policy.line_endings", SEV_INFO, "RFC 8461 3.2", NULL,
    "The policy mixes line endings or uses bare LF; the grammar allows LF and CRLF, but a bare CR "
    "is invalid and mixed endings confuse some parsers.",
    "Serve the file with consistent CRLF (or LF) line endings.")
PROBLEM_ID(STS_POLICY_SIZE, "sts.policy.size", SEV_ERROR, "RFC 8461 3.3", "sts-policy-fetch-error",
    "The policy body is larger than 64 KiB; senders may stop reading and treat the fetch as failed.",
    "Serve the short policy file itself, not an HTML page or another large resource.")
PROBLEM_ID(STS_POLICY_WILDCARD_BROAD, "sts.policy.wildcard_broad", SEV_INFO, "RFC 8461 10.4", NULL,
    "An mx: wildcard covers every host directly under the domain: any host there with a valid "
    "certificate counts as a valid MX.",
    "List the MX host names exactly where you can.")

/* ---- MX (RFC 8461 4.1, RFC 5321 5.1, RFC 7505) ---- */
PROBLEM_ID(MX_IMPLICIT, "mx.implicit", SEV_INFO, "RFC 5321 5.1", NULL,
    "The domain has no MX record; senders use the domain's own A/AAAA address as an implicit MX.",
    "Publish an explicit MX record for the host that receives mail.")
PROBLEM_ID(MX_NONE, "mx.none", SEV_ERROR, "RFC 5321 5.1", NULL,
    "The domain has neither MX nor A/AAAA records: mail to it cannot be delivered.",
    "Publish an MX record, or a null MX (MX 0 .) if the domain takes no mail.")
PROBLEM_ID(MX_NULL, "mx.null", SEV_INFO, "RFC 7505 3", NULL,
    "The domain publishes a null MX (MX 0 .): it accepts no mail, so MTA-STS has nothing to protect.",
    "Nothing to fix if the domain takes no mail.")
PROBLEM_ID(MX_NULL_MIXED, "mx.null_mixed", SEV_ERROR, "RFC 7505 3", NULL,
    "A null MX (MX 0 .) is published together with other MX records, which RFC 7505 forbids.",
    "Either remove the null MX or remove the other MX records.")
PROBLEM_ID(MX_DNS, "mx.dns", SEV_ERROR, "RFC 5321 5.1", NULL,
    "The MX lookup failed (timeout, SERVFAIL or refused): senders cannot find the mail servers.",
    "Fix the zone's authoritative servers until dig MX DOMAIN answers.")
PROBLEM_ID(MX_POLICY_MISMATCH, "mx.policy_mismatch", SEV_ERROR, "RFC 8461 4.1", "validation-failure",
    "This MX host matches no mx: line of the policy. In enforce mode senders MUST NOT deliver to it; "
    "in testing mode they deliver and report. (Warning in testing mode.)",
    "Add 'mx: HOST' (or a '*.' wildcard covering exactly its first label) to the policy and bump "
    "the id, or remove the MX record.")
PROBLEM_ID(MX_RESOLVE, "mx.resolve", SEV_ERROR, "RFC 5321 5.1", NULL,
    "The MX host name has no usable A/AAAA address (NXDOMAIN, no data or lookup failure).",
    "Publish A and/or AAAA records for the MX host, or fix the MX record to name a real host.")

/* ---- SMTP per address (RFC 5321, RFC 3207, RFC 8461 4) ---- */
PROBLEM_ID(SMTP_CONNECT, "smtp.connect", SEV_ERROR, "RFC 5321 3.1", NULL,
    "No TCP connection to port 25 of this address (refused, unreachable or timed out). "
    "Port 25 may also be blocked where mxray runs: compare with another vantage point.",
    "Make the server listen on port 25 of this address and open the firewall.")
PROBLEM_ID(SMTP_BANNER, "smtp.banner", SEV_ERROR, "RFC 5321 3.1", NULL,
    "The server did not greet with a 220 reply in time (silent, rejected or closed).",
    "Check the MTA's greeting, connection limits and any blocklist of the checking address.")
PROBLEM_ID(SMTP_EHLO, "smtp.ehlo", SEV_ERROR, "RFC 5321 4.1.1.1", NULL,
    "The server did not accept EHLO; without EHLO there is no STARTTLS.",
    "Make the MTA accept EHLO (ESMTP).")
PROBLEM_ID(SMTP_STARTTLS_MISSING, "smtp.starttls_missing", SEV_ERROR, "RFC 8461 4", "starttls-not-supported",
    "The server does not offer STARTTLS (or refused it). Under an enforce policy senders MUST NOT "
    "deliver here. (Warning when the policy is not enforcing.)",
    "Enable STARTTLS in the MTA with a certificate for the MX host name "
    "(Postfix: smtpd_tls_security_level = may, smtpd_tls_chain_files = ...).")
PROBLEM_ID(TLS_HANDSHAKE, "tls.handshake", SEV_ERROR, "RFC 8461 4.2", "validation-failure",
    "The TLS handshake after STARTTLS failed.",
    "Check the MTA's TLS configuration (certificate and key files, protocols, ciphers) in its log.")
PROBLEM_ID(TLS_VERSION, "tls.version", SEV_ERROR, "RFC 8461 7.2", NULL,
    "The server negotiated a TLS version below 1.2; MTA-STS requires TLS 1.2 or higher.",
    "Enable TLS 1.2 and 1.3 (Postfix: smtpd_tls_protocols = >=TLSv1.2).")
PROBLEM_ID(TLS_CERT_UNTRUSTED, "tls.cert.untrusted", SEV_ERROR, "RFC 8461 4.2", "certificate-not-trusted",
    "The MX certificate does not chain to a trusted root (self-signed, unknown CA or missing "
    "intermediate). Enforcing senders will not deliver.",
    "Use a certificate from a public CA and send the full chain (leaf plus intermediates).")
PROBLEM_ID(TLS_CERT_HOSTNAME, "tls.cert.hostname", SEV_ERROR, "RFC 8461 4.2", "certificate-host-mismatch",
    "The MX certificate has no subjectAltName DNS entry matching the MX host name (the CN is not "
    "used; a wildcard covers exactly one whole left-most label).",
    "Get a certificate whose subjectAltName lists the MX host name as it appears in the MX record.")
PROBLEM_ID(TLS_CERT_EXPIRED, "tls.cert.expired", SEV_ERROR, "RFC 8461 4.2", "certificate-expired",
    "The MX certificate is expired or not yet valid.",
    "Renew the certificate and reload the MTA.")
PROBLEM_ID(TLS_CERT_EXPIRING, "tls.cert.expiring", SEV_WARNING, "RFC 8461 4.2", NULL,
    "A certificate (of an MX host or of the policy host) expires within the warning window: "
    "21 days unless --warn-days says otherwise (--crit-days, 7, makes a monitoring check "
    "critical).",
    "Renew the certificate now and check that automatic renewal reloads the MTA (or the web "
    "server of the policy host).")

/* ---- TLS-RPT (RFC 8460 3) ---- */
PROBLEM_ID(TLSRPT_MISSING, "tlsrpt.missing", SEV_WARNING, "RFC 8460 3", NULL,
    "No TLS-RPT record at _smtp._tls.DOMAIN: senders cannot tell you when TLS delivery to you fails.",
    "Publish _smtp._tls.DOMAIN IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@DOMAIN\".")
PROBLEM_ID(TLSRPT_SYNTAX, "tlsrpt.syntax", SEV_ERROR, "RFC 8460 3", NULL,
    "The TLS-RPT record does not follow the grammar: v=TLSRPTv1 first, then rua= with mailto: or "
    "https: URIs separated by commas.",
    "Publish v=TLSRPTv1; rua=mailto:tls-reports@DOMAIN")
PROBLEM_ID(TLSRPT_MULTIPLE, "tlsrpt.multiple", SEV_ERROR, "RFC 8460 3", NULL,
    "More than one v=TLSRPTv1 record: senders MUST assume the domain does not implement TLS-RPT.",
    "Keep a single v=TLSRPTv1 record; put several rua URIs in it, comma-separated.")
PROBLEM_ID(TLSRPT_RUA_UNREACHABLE, "tlsrpt.rua_unreachable", SEV_WARNING, "RFC 8460 3", NULL,
    "A TLS-RPT report address cannot receive reports: a mailto: domain with neither MX nor "
    "address records, or an https: host that does not resolve. Senders' reports are lost.",
    "Point rua= at a mailbox in a domain that accepts mail (for example "
    "mailto:tls-reports@DOMAIN) or at an https: endpoint whose host resolves.")
PROBLEM_ID(TLSRPT_DNS, "tlsrpt.dns", SEV_WARNING, "RFC 8460 3", NULL,
    "The TXT lookup of _smtp._tls.DOMAIN failed (timeout, SERVFAIL or refused).",
    "Check the zone's authoritative servers.")

/* ---- DANE for SMTP beside MTA-STS (RFC 7672; RFC 8461 2) ---- */
PROBLEM_ID(DANE_MISMATCH, "dane.mismatch", SEV_ERROR, "RFC 7672 2.2, 3.1", "tlsa-invalid",
    "The MX host publishes DNSSEC-signed TLSA records, but none of them authenticates the "
    "certificate chain this address presented. DANE senders do not deliver here, and MTA-STS "
    "must not override that (RFC 8461 2).",
    "Publish a TLSA record for the key the server uses now (3 1 1 = SHA-256 of its public key), "
    "or put the previous key back; after a rotation keep both records until caches expire.")
PROBLEM_ID(DANE_BOGUS, "dane.bogus", SEV_ERROR, "RFC 7672 2.1", "dnssec-invalid",
    "The TLSA lookup at _25._tcp.HOST failed validation or did not answer (SERVFAIL, timeout). "
    "A DANE sender treats the MX host as unreachable and defers the mail.",
    "Fix the zone's DNSSEC signatures (expired RRSIG, wrong DS, broken delegation) until "
    "dig +dnssec TLSA _25._tcp.HOST answers NOERROR with the ad flag.")
PROBLEM_ID(DANE_INSECURE, "dane.insecure", SEV_INFO, "RFC 7672 2.1", NULL,
    "TLSA records exist for the MX host, but the answer was not DNSSEC-validated (no AD bit): "
    "senders ignore unsigned TLSA records. Either the zone is unsigned or the resolver used "
    "here does not validate.",
    "Sign the zone holding _25._tcp.HOST with DNSSEC and publish the DS record at the parent, "
    "or remove the TLSA records.")
PROBLEM_ID(DANE_UNUSABLE, "dane.unusable", SEV_WARNING, "RFC 7672 3.1, 3.1.3; RFC 7671", NULL,
    "A TLSA record uses a PKIX usage (0 or 1), which SMTP senders treat as unusable, an unknown "
    "parameter, or data OpenSSL rejects; or it uses matching type 0 (the full certificate or "
    "key), which is discouraged.",
    "Publish DANE-EE records (3 1 1, the SHA-256 of the server's public key) or DANE-TA "
    "records (2 0 1 or 2 1 1 for the issuing CA).")
PROBLEM_ID(DANE_NO_ROLLOVER, "dane.no_rollover", SEV_INFO, "RFC 7671 8.1", NULL,
    "Only one usable TLSA record is published: the next key is not announced, so a certificate "
    "renewal with a new key breaks DANE delivery until DNS catches up.",
    "Publish a second TLSA record for the next key (current + next) before rotating, or add a "
    "2 x 1 record for the issuing CA beside the 3 1 1 record.")
PROBLEM_ID(DANE_STARTTLS_MISSING, "dane.starttls_missing", SEV_ERROR, "RFC 7672 2.2", "starttls-not-supported",
    "The MX host has DNSSEC-signed TLSA records, but this address does not offer or accept "
    "STARTTLS. DANE senders never fall back to cleartext: they defer the mail.",
    "Enable STARTTLS on every address of the MX host, or remove the TLSA records first.")

/* ---- migration plans (mxray plan; RFC 8461 3.1, 5.1, 8.1, 8.3) ---- */
PROBLEM_ID(PLAN_NO_LIVE_POLICY, "plan.no_live_policy", SEV_INFO, "RFC 8461 5.1", NULL,
    "No MTA-STS policy is in force for DOMAIN (no valid _mta-sts record and policy pair, or "
    "mode none), so a plan need not wait for senders' cached policies before the MX change; "
    "senders that fetched a policy earlier may still hold it for its max_age.",
    "Nothing to fix; publish the planned policy before the MX change all the same.")
PROBLEM_ID(PLAN_ALREADY_NONE, "plan.already_none", SEV_WARNING, "RFC 8461 8.3", NULL,
    "The live policy of DOMAIN is already mode none. Removal is safe only once the max_age of "
    "the last enforce or testing policy has passed since mode none was published, and mxray "
    "cannot see when that was without the history of earlier checks.",
    "Delete the _mta-sts record only after the longest max_age you ever published has passed "
    "since the mode none policy went live.")
PROBLEM_ID(PLAN_NOTHING_TO_DO, "plan.nothing_to_do", SEV_INFO, "RFC 8461 8.1", NULL,
    "The live MX set and policy of DOMAIN already are the target (or nothing is published to "
    "remove), so the plan has no step.",
    "Nothing to fix.")
PROBLEM_ID(PLAN_TARGET_UNCHECKED, "plan.target_unchecked", SEV_WARNING, "RFC 8461 4", NULL,
    "A target host was not checked (the check ended before it did), so the plan cannot say "
    "whether it offers STARTTLS with a valid certificate.",
    "Run the plan again and let the check finish; check the host with mxray check "
    "--connect-to HOST:25:ADDR:25 DOMAIN if it cannot be reached from here.")
PROBLEM_ID(PLAN_TTL_ASSUMED, "plan.ttl_assumed", SEV_WARNING, "RFC 8461 8.1", NULL,
    "No MX TTL was seen for DOMAIN (no MX record: senders use the domain itself), so the plan "
    "assumes one day before the old host may leave the policy.",
    "If the records senders cache now have a longer TTL, wait that long instead.")

/* ---- changes since the previous check of the domain (state kept by mxray check) ---- */
PROBLEM_ID(STS_POLICY_CHANGED_WITHOUT_ID, "sts.policy.changed_without_id", SEV_ERROR, "RFC 8461 3.1, 5.1", NULL,
    "The policy body differs from the one seen at the previous check, but the id in the "
    "_mta-sts TXT record did not change. Senders that hold the old policy see the same id "
    "and never fetch the new one until their cached copy expires (max_age).",
    "Publish a new id in the TXT record whenever the policy changes, e.g. "
    "_mta-sts.DOMAIN IN TXT \"v=STSv1; id=<current timestamp>\".")
PROBLEM_ID(STS_POLICY_CHANGED, "sts.policy.changed", SEV_INFO, "RFC 8461 3.1, 5.1", NULL,
    "The policy body and the TXT id changed since the previous check. Senders that fetched "
    "the old policy may still apply it until their copy expires: the previous fetch plus the "
    "old max_age.",
    "Nothing to fix if the change was meant; keep the MX hosts the old policy lists working "
    "until the old policy has expired everywhere.")
PROBLEM_ID(MX_CHANGED, "mx.changed", SEV_INFO, "RFC 8461 4.1", NULL,
    "The MX set changed since the previous check (a host added, removed or with another "
    "preference). A new host the policy does not cover gets no mail from enforcing senders.",
    "Nothing to fix if meant; make sure every MX host matches an mx: line of the policy "
    "(update the policy and its id before adding the MX record).")
PROBLEM_ID(TLS_CERT_CHANGED, "tls.cert.changed", SEV_INFO, "RFC 8461 4.2; RFC 7671 8.1", NULL,
    "The leaf certificate presented here differs from the one seen at the previous check "
    "(renewed or replaced), possibly with a new key.",
    "Nothing to fix if it was a planned renewal; with DANE, publish the TLSA record of a new "
    "key before the server starts using it.")
PROBLEM_ID(DANE_ROLLOVER_MISSING, "dane.rollover_missing", SEV_ERROR, "RFC 7671 8.1; RFC 7672 3.1", "tlsa-invalid",
    "The certificate changed and its key matches no TLSA record, while the previous key "
    "matched one: the key was rotated without publishing its TLSA record first. DANE senders "
    "defer mail to this host.",
    "Publish the TLSA record of the new key now (3 1 1 = SHA-256 of its public key) beside "
    "the old one, and from now on publish the next key's record a few TTLs before rotating.")
