/* tlsrpt_result_table.h - every RFC 8460 result type (section 4.3), X-macro:
 * TLSRPT_RESULT(ID, "type", "RFC section", policy_level, "what a sender saw", "what to check")
 * policy_level: about the policy or its DNS, not one MX host's session (matched domain-wide
 * by --check when no receiving MX is named). Stable: add, never rename. */
TLSRPT_RESULT(STARTTLS_NOT_SUPPORTED, "starttls-not-supported", "RFC 8460 4.3.1", false,
    "The receiving MX did not offer STARTTLS (or refused it), so the sender could not start "
    "TLS at all.",
    "Enable STARTTLS on the MX named in the report; check that no firewall or proxy in front "
    "of it strips the STARTTLS capability from the EHLO reply.")
TLSRPT_RESULT(CERTIFICATE_HOST_MISMATCH, "certificate-host-mismatch", "RFC 8460 4.3.1", false,
    "The MX's certificate does not name the MX host the sender connected to (RFC 8461 4.2 / "
    "RFC 6125).",
    "Put the MX host name into the certificate's subjectAltName; with several MX hosts, each "
    "needs a certificate valid for its own name.")
TLSRPT_RESULT(CERTIFICATE_EXPIRED, "certificate-expired", "RFC 8460 4.3.1", false,
    "The MX's certificate had expired (or was not yet valid) when the sender connected.",
    "Renew the certificate on that MX and make the renewal job reload the mail server; backup "
    "MX hosts are the ones usually forgotten.")
TLSRPT_RESULT(CERTIFICATE_NOT_TRUSTED, "certificate-not-trusted", "RFC 8460 4.3.1", false,
    "The MX's certificate chain does not lead to a root the sender trusts: self-signed, a "
    "private CA, or missing intermediate certificates.",
    "Serve a publicly trusted certificate with its full intermediate chain on that MX.")
TLSRPT_RESULT(VALIDATION_FAILURE, "validation-failure", "RFC 8460 4.3.1", false,
    "A general failure for a reason not matching another type: for MTA-STS often an MX host "
    "that no mx: line of the policy covers, or a TLS handshake that failed.",
    "Read failure-reason-code and additional-information in the report; compare the MX set "
    "with the policy's mx: lines and test the handshake (mxray check).")
TLSRPT_RESULT(STS_POLICY_FETCH_ERROR, "sts-policy-fetch-error", "RFC 8460 4.3.2", true,
    "The sender could not fetch the MTA-STS policy over HTTPS (DNS, connection, HTTP status "
    "other than 200, redirect, or a body over 64 KiB).",
    "Serve https://mta-sts.DOMAIN/.well-known/mta-sts.txt with status 200 directly, without "
    "redirects, from a host that resolves publicly.")
TLSRPT_RESULT(STS_POLICY_INVALID, "sts-policy-invalid", "RFC 8460 4.3.2", true,
    "The sender fetched the policy but it does not follow the grammar, so it was treated as "
    "no policy.",
    "Fix the policy lines (version, mode, max_age, mx) and bump the id of the _mta-sts TXT "
    "record.")
TLSRPT_RESULT(STS_WEBPKI_INVALID, "sts-webpki-invalid", "RFC 8460 4.3.2", true,
    "The HTTPS certificate of the policy host mta-sts.DOMAIN was not valid for the sender, so "
    "it refused the policy.",
    "Install a publicly trusted certificate for mta-sts.DOMAIN with its intermediates.")
TLSRPT_RESULT(TLSA_INVALID, "tlsa-invalid", "RFC 8460 4.3.2", false,
    "DANE: no TLSA record of the MX authenticated the certificate it presented (or the "
    "records are unusable), so a DANE sender did not deliver.",
    "Publish TLSA records that match the certificate (or its issuer) now in use; during a "
    "key rollover publish the next key's record before switching.")
TLSRPT_RESULT(DNSSEC_INVALID, "dnssec-invalid", "RFC 8460 4.3.2", false,
    "DANE: the DNSSEC validation of the TLSA records (or the MX's address records) failed "
    "(bogus), so a DANE sender deferred the mail.",
    "Repair the zone's DNSSEC chain: DS at the parent, unexpired signatures, a TLSA RRset "
    "that validates (delv or dig +dnssec).")
TLSRPT_RESULT(DANE_REQUIRED, "dane-required", "RFC 8460 4.3.2", true,
    "The sender requires DANE for this domain (by local policy), but found no usable TLSA "
    "records.",
    "Publish DNSSEC-signed TLSA records for every MX host, or ask the sender about its "
    "local policy.")
