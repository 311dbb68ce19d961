#!/usr/bin/env python3
"""make_inputs.py - the sample TLS reports of this folder in every shape `mxray report` reads.

Usage: make_inputs.py OUTDIR
Writes, from the *.json reports next to this script:
  OUTDIR/gz/NAME.json.gz                       each report gzip'd
  OUTDIR/eml/NAME.eml                          each report as a sender mails it (RFC 8460 5.3:
                                               multipart/report; report-type=tlsrpt, the
                                               gzip'd report as application/tlsrpt+gzip, base64)
  OUTDIR/eml/NAME-json.eml                     the same with application/tlsrpt+json, not encoded
  OUTDIR/noreport/dmarc.eml, person.eml, bounce.eml   mail to the rua address without a TLS report
  OUTDIR/all.mbox                              every report e-mail plus the three without a report
  OUTDIR/Maildir/{cur,new,tmp}                 the same messages as a Maildir
Only the Python standard library (email, gzip, mailbox)."""
import email.message
import email.policy
import glob
import gzip
import mailbox
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def report_mail(name, data, as_json=False):
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = "noreply-smtp-tls-reporting@sender.example"
    m["To"] = "tls-reports@receiver.example"
    m["Subject"] = f"Report Domain: receiver.example Submitter: sender.example Report-ID: <{name}>"
    m["TLS-Report-Domain"] = "receiver.example"
    m["TLS-Report-Submitter"] = "sender.example"
    m["Date"] = "Sun, 02 Nov 2026 01:00:00 +0000"
    m["Message-ID"] = f"<{name}@sender.example>"
    m.set_content("This is an aggregate TLS report from sender.example.\n")
    m.make_mixed()
    if as_json:
        m.add_attachment(data, maintype="application", subtype="tlsrpt+json",
                         filename=f"sender.example!receiver.example!{name}.json", cte="7bit")
    else:
        m.add_attachment(gzip.compress(data, mtime=0), maintype="application",
                         subtype="tlsrpt+gzip", filename=f"sender.example!receiver.example!{name}.json.gz")
    m.replace_header("Content-Type", m["Content-Type"].replace("multipart/mixed", "multipart/report")
                     + '; report-type="tlsrpt"')
    return m


def plain_mail(subject, body, attach=None):
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = "someone@else.example"
    m["To"] = "tls-reports@receiver.example"
    m["Subject"] = subject
    m.set_content(body)
    if attach:
        m.add_attachment(attach[0], maintype="application", subtype=attach[1], filename=attach[2])
    return m


def main(out):
    for d in ("gz", "eml", "noreport"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    mails = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.json"))):
        name = os.path.basename(path)[:-5]
        data = open(path, "rb").read()
        with open(os.path.join(out, "gz", name + ".json.gz"), "wb") as f:
            f.write(gzip.compress(data, mtime=0))
        m = report_mail(name, data)
        with open(os.path.join(out, "eml", name + ".eml"), "wb") as f:
            f.write(m.as_bytes())
        with open(os.path.join(out, "eml", name + "-json.eml"), "wb") as f:
            f.write(report_mail(name, data, as_json=True).as_bytes())
        mails.append(m)
    others = {
        "dmarc": plain_mail("Report domain: receiver.example Submitter: sender.example",
                            "DMARC aggregate report.",
                            (gzip.compress(b"<feedback/>", mtime=0), "gzip",
                             "sender.example!receiver.example!1!2.xml.gz")),
        "person": plain_mail("What are these reports?", "Hi, I keep getting these e-mails.\n"),
        "bounce": plain_mail("Undelivered Mail Returned to Sender", "The mail system said no.\n"),
    }
    for name, m in others.items():
        with open(os.path.join(out, "noreport", name + ".eml"), "wb") as f:
            f.write(m.as_bytes())
    mbox = mailbox.mbox(os.path.join(out, "all.mbox"))
    md = mailbox.Maildir(os.path.join(out, "Maildir"))
    for m in mails + list(others.values()):
        mbox.add(m)
        md.add(m)
    mbox.close()


if __name__ == "__main__":
    main(sys.argv[1])
