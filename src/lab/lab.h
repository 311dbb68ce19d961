/* lab - the built-in teaching lab: small mail domains served on loopback by real protocol code.
 *
 * lab_start loads scenario files (assets/scenarios/NAME.scn, format in assets/scenarios/README.md),
 * makes an ephemeral CA and one certificate per policy host and MX host, and serves on 127.0.0.1
 * ports it picks itself: DNS (UDP and TCP) for the zone mxray.test, one HTTPS server for every
 * policy host (SNI picks the certificate), and one SMTP+STARTTLS server per MX host. Everything
 * is non-blocking on the caller's loop; nothing here blocks or spawns threads.
 *
 * The engine is pointed at a running lab the way a user points it at anything (no special case):
 *     diag_opts.ca_file     = lab_ca_file(lab);
 *     diag_opts.connect_to  = list, diag_opts.nconnect_to = lab_connect_to(lab, &list);
 *     engine_init(&e, (const char *[]){lab_resolver(lab)}, 1, timeout, err, errlen);
 * (lab_scenario_connect_to gives only the mappings one scenario needs, for command lines.)
 *
 * Ownership: the lab owns every string it returns; they live until lab_stop. lab_stop closes
 * every socket and connection and deletes the temporary directory holding the CA file. */
#ifndef MXRAY_LAB_H
#define MXRAY_LAB_H
#include <stdbool.h>
#include <stddef.h>

struct loop;
struct lab;

#define LAB_ZONE "mxray.test" /* RFC 6761 reserved; every lab name is under it */

/* lab_start - serve the named scenarios (n == 0: every scenario in scenario_dir, an asset
 * directory as lab_asset_dir gives; files are read through assets.h).
 * Returns NULL with a one-line reason in err on failure (unknown scenario, bad file, bind). */
struct lab *lab_start(struct loop *l, const char *scenario_dir, const char *const *names,
                      size_t n, char *err, size_t errlen);
/* lab_start_clones - lab_start serving `clones` copies of each scenario under distinct names
 * (clones == 0 is lab_start), for batch runs and benchmarks over many domains. In clone K
 * (1..clones) every "mxray.test" of the scenario file reads "cK.mxray.test": all-good gives
 * all-good.c1.mxray.test with MX hosts mx1.all-good.c1.mxray.test, ... Scenario names stay
 * (lab_scenario_name is "all-good" for every clone; the domains differ). Every clone MX host
 * gets a loopback address of its own (127.1.0.1, 127.1.0.2, ...; its A record says so) and
 * its SMTP server listens there, all on one shared port; so two mappings reach every host
 * while the engine still connects to the address DNS gave: ":25::SMTPPORT" (same address,
 * other port) and ":443:127.0.0.1:HTTPSPORT" (the HTTPS server; SNI picks the certificate).
 * lab_connect_to and lab_scenario_connect_to return exactly these two. */
struct lab *lab_start_clones(struct loop *l, const char *scenario_dir, const char *const *names,
                             size_t n, size_t clones, char *err, size_t errlen);
/* 1000 clones of the 28 scenarios: about 30,000 listening sockets and 150 MB; more did not
 * come up (10000 took 1.6 GB). A start that would exceed the open-file limit is refused with
 * errno EMFILE before any listener is opened. */
#define LAB_CLONES_MAX 1000

/* What one scenario publishes instead of what its file says: a later step of a migration
 * plan (mxray plan), served so `mxray plan ... --step N --verify` can be tried. */
struct lab_publish {
    const char *scenario;        /* its name */
    const char *policy;          /* policy body served instead (policy_len bytes), or NULL */
    size_t policy_len;
    int no_policy;               /* the policy URL answers 404 (the file was deleted) */
    const char *sts_record;      /* the _mta-sts TXT record's text instead, or NULL */
    int no_sts_record;           /* no _mta-sts TXT record */
    const char *const *mx;       /* "PREF HOST" each (HOST as in the file): the domain's MX */
    size_t nmx;                  /* records instead of the file's (0: keep them) */
};
/* lab_start_published - lab_start with pub applied to its scenario (NULL: lab_start). */
struct lab *lab_start_published(struct loop *l, const char *scenario_dir,
                                const char *const *names, size_t n,
                                const struct lab_publish *pub, char *err, size_t errlen);
/* lab_start_renamed - lab_start serving scenario names[k] as domains[k] (under mxray.test):
 * every "NAME.mxray.test" of its file reads domains[k], so a class sees "case4.mxray.test"
 * and not the scenario's telling name. lab_scenario_name stays the file name. */
struct lab *lab_start_renamed(struct loop *l, const char *scenario_dir, const char *const *names,
                              const char *const *domains, size_t n, char *err, size_t errlen);
/* lab_clone_smtp_port - the shared SMTP port of a clone lab, else -1. */
int lab_clone_smtp_port(const struct lab *lab);

/* lab_stop - close everything and remove the temporary directory; NULL is allowed. */
void lab_stop(struct lab *lab);

const char *lab_resolver(const struct lab *lab);  /* "127.0.0.1:PORT" (UDP and TCP) */
int lab_dns_port(const struct lab *lab);
int lab_https_port(const struct lab *lab);
const char *lab_ca_file(const struct lab *lab);   /* PEM of the lab CA, in a mkdtemp dir */
const char *lab_dir(const struct lab *lab);       /* that directory */
/* lab_connect_to - "HOST:PORT:127.0.0.1:LABPORT" for every policy host (:443) and MX host
 * (:25) served; returns the count. */
size_t lab_connect_to(const struct lab *lab, const char *const **list);

/* Scenarios being served, in listing order. */
size_t lab_nscenarios(const struct lab *lab);
const char *lab_scenario_name(const struct lab *lab, size_t i);
const char *lab_scenario_domain(const struct lab *lab, size_t i);
/* lab_scenario_connect_to - only the mappings scenario i needs. */
size_t lab_scenario_connect_to(const struct lab *lab, size_t i, const char *const **list);
/* lab_smtp_port - the port serving MX host (A-label, no trailing dot), or -1. */
int lab_smtp_port(const struct lab *lab, const char *host);

/* lab_scenario_commands - command lines for dig, curl and openssl s_client that run against
 * this lab as printed: every = false gives the ones that show scenario i's fault (a TLSA query
 * with +dnssec for a DANE fault, s_client to the MX host that is broken, with
 * -dane_tlsa_rrdata where TLSA records apply, curl -v for a policy fault, the TXT lookup that
 * shows a second record); every = true one line per stage, for a student to explore without
 * being told where to look. Each has a one-line why. Free with lab_cmds_free. */
struct lab_cmd {
    char *why;
    char *cmd;
};
size_t lab_scenario_commands(const struct lab *lab, size_t i, bool every, struct lab_cmd **out);
void lab_cmds_free(struct lab_cmd *v, size_t n);

/* What a served scenario publishes, for fix-it exercises: its _mta-sts and _smtp._tls TXT
 * records (each record's strings joined), its MX set and its policy file. lab_published_get
 * fills *p (free with lab_published_free); lab_published_set makes the lab serve p instead,
 * from the next query on (records re-signed where the zone is signed). MX hosts must be MX
 * hosts the scenario serves. Both return 0, or -1 with a one-line reason. */
struct lab_mx_rec {
    int pref;
    char *host;
};
struct lab_published {
    char **sts, **tlsrpt;
    size_t nsts, ntlsrpt;
    struct lab_mx_rec *mx;
    size_t nmx;
    bool has_policy;
    char *policy; /* the body served (bytes as served, CRLF or LF) */
    size_t policy_len;
};
int lab_published_get(const struct lab *lab, size_t i, struct lab_published *p);
int lab_published_set(struct lab *lab, size_t i, const struct lab_published *p, char *err,
                      size_t errlen);
void lab_published_free(struct lab_published *p);
/* lab_scenario_find - the index of the served scenario with that domain, or -1. */
long lab_scenario_find(const struct lab *lab, const char *domain);

/* What a scenario file declares, for pickers, listings and tests. */
struct lab_scenario_info {
    char *name;        /* file name without .scn, e.g. "all-good" */
    char *summary;     /* one line */
    char *domain;      /* e.g. "all-good.mxray.test" */
    char *verdict;     /* expected: "pass", "warn", "fail" or "none" */
    char **codes;      /* problem codes that must appear; "a|b" means either */
    size_t ncodes;
    char **absent;     /* problem codes that must not appear */
    size_t nabsent;
    char *what;        /* teaching text: what is wrong (or right) */
    char *sender;      /* what a sending MTA does */
    char *fix;         /* how to fix it */
};

/* lab_scenarios - every parsable scenario in scenario_dir, in listing order (the file's
 * "order:" then name). *out is an array the caller frees with lab_scenarios_free.
 * Returns the count (0 with *out NULL when the directory is missing or empty). */
size_t lab_scenarios(const char *scenario_dir, struct lab_scenario_info **out);
void lab_scenarios_free(struct lab_scenario_info *v, size_t n);

/* Lessons (assets/lessons/NAME.lesson, format in assets/lessons/README.md): an ordered list of
 * scenarios, each with a question of 2 to 4 choices and the right one. */
#define LAB_LESSON_CHOICES_MAX 4
#define LAB_LESSON_DEFAULT "mta-sts-101"
struct lab_lesson_case {
    char *scenario;  /* scenario file name */
    char *domain;    /* the neutral name it is served under: caseN.mxray.test */
    char *question;
    char *choices[LAB_LESSON_CHOICES_MAX];
    size_t nchoices;
    int answer;      /* 1-based */
    bool editable;   /* a fix-it exercise: the student edits the published data */
};
struct lab_lesson {
    char *name, *title, *about;
    struct lab_lesson_case *cases;
    size_t ncases;
};
/* lab_lesson_load - the lesson NAME through the asset search order; NULL with a one-line
 * reason ("NAME.lesson:LINE: ...") in err. lab_lesson_parse does the same from text. */
struct lab_lesson *lab_lesson_load(const char *name, char *err, size_t errlen);
struct lab_lesson *lab_lesson_parse(const char *text, size_t len, const char *name, char *err,
                                    size_t errlen);
void lab_lesson_free(struct lab_lesson *l);
/* lab_lessons - the names of every lesson, sorted; caller frees each and the array. */
size_t lab_lessons(char ***names);

/* lab_asset_dir - the asset directory of the scenarios ("scenarios": $MXRAY_ASSETS/scenarios
 * when it exists, else the copy built into mxray; see assets.h), for lab_start and
 * lab_scenarios. Static storage; NULL when there is none. */
const char *lab_asset_dir(void);

#endif
