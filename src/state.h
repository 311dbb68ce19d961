/* state - what one check of a domain saw, kept between runs (one file per domain).
 *
 * A snapshot (TXT id, policy hash and text, mode, max_age, MX set with preferences, per
 * address the leaf certificate, key digest, expiry and DANE match, per host the TLSA records)
 * plus a short timeline of what was seen when. Stored as JSON (format STATE_FORMAT) in
 * DIR/DOMAIN.json. Writes are atomic (temp file, fsync, rename, fsync of the directory) under
 * an exclusive lock on DIR/DOMAIN.lock, so two checks of one domain at once never tear a file
 * or lose the other's timeline. A file is never trusted: wrong format, wrong domain, bad
 * types or sizes make the whole file rejected with a reason (and the next save replaces it).
 * A domain name that could leave DIR (slashes, "..", a leading dot) is refused. */
#ifndef MXRAY_STATE_H
#define MXRAY_STATE_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define STATE_FORMAT "mxray.state.v1"
#define STATE_FILE_MAX (1024 * 1024) /* bytes; a bigger file is not ours */
#define STATE_TIMELINE_MAX 100       /* timeline entries kept (oldest dropped) */
#define STATE_LOCK_WAIT_MS 3000      /* how long a check waits for another one's lock */

struct state_addr {
    char *address;     /* numeric */
    char *cert_sha256; /* leaf fingerprint "AB:CD:..." or NULL (no certificate seen) */
    char *spki_sha256; /* lower-case hex of the key's SubjectPublicKeyInfo digest, or NULL */
    time_t not_after;  /* 0 when unknown */
    int dane_match;    /* -1 not applicable, 0 no TLSA record matched, 1 one did */
};

struct state_host {
    char *host;
    int preference;
    struct state_addr *addrs;
    size_t naddrs;
    char **tlsa; /* "3 1 1 hex" */
    size_t ntlsa;
};

struct state_change {
    char *code, *severity, *subject, *message;
};

/* One stretch of checks that saw the same thing: a new entry starts when something changed. */
struct state_event {
    time_t first_seen, last_seen;
    size_t checks;
    char *verdict;
    char *sts_id;        /* or NULL */
    char *mode;          /* or NULL */
    long long max_age;   /* -1 unknown */
    char *policy_sha256; /* or NULL */
    char *mx;            /* "10 mx1.example.com, 20 mx2.example.com" or NULL */
    struct state_change *changes;
    size_t nchanges;
};

struct domain_state {
    char *domain;
    time_t seen;           /* when this snapshot was taken */
    char *sts_id;          /* id of the one valid STSv1 record, or NULL */
    bool policy_known;     /* a policy body was fetched (fields below) */
    time_t policy_fetched; /* when that body was last seen */
    char *policy_sha256;   /* lower-case hex of the raw body */
    char *policy_body;     /* escaped text of the body */
    char *mode;            /* "enforce", "testing", "none" or NULL when invalid */
    long long max_age;     /* -1 when unknown */
    char *policy_host;
    struct state_addr policy_cert; /* the policy host's leaf (address field unused) */
    bool mx_known;         /* the MX answer (or implicit MX) was definite */
    struct state_host *hosts;
    size_t nhosts;
    struct state_event *timeline;
    size_t ntimeline;
};

void state_free(struct domain_state *s); /* members; s itself is not freed */

/* state_name_safe - the domain may name a file inside the state directory: 1 to 253 of
 * [a-z0-9._-], not starting with '.', no "..". */
bool state_name_safe(const char *domain);

/* state_default_dir - $XDG_STATE_HOME/mxray (when absolute), else $HOME/.local/state/mxray.
 * Returns 0, or -1 when neither is usable. */
int state_default_dir(char *buf, size_t len);

/* state_file_path - DIR/DOMAIN.json; -1 when the name is unsafe or too long. */
int state_file_path(const char *dir, const char *domain, char *buf, size_t len);

/* state_to_json - the file text (caller frees). */
char *state_to_json(const struct domain_state *s);
/* state_from_json - parse and validate text for domain; 0, or -1 with the reason in why
 * (out is then empty). older is set when the file is an earlier mxray state format. */
int state_from_json(const char *text, size_t len, const char *domain, struct domain_state *out,
                    bool *older, char *why, size_t whylen);

enum state_read_result { STATE_ABSENT, STATE_OK, STATE_BAD, STATE_IOERR };
/* state_read - DIR/DOMAIN.json into out. STATE_BAD: the file exists but is not a valid state
 * of this domain (why says how); STATE_IOERR: it could not be read. */
enum state_read_result state_read(const char *dir, const char *domain, struct domain_state *out,
                                  char *why, size_t whylen);

/* state_lock_try - create DIR (mode 0700, parents too) and take the exclusive lock of DOMAIN
 * if nobody holds it. Returns the lock fd; STATE_LOCK_BUSY while another check holds it (try
 * again later: a check waits on a loop timer, never in a sleep); -1 with the reason in err. */
#define STATE_LOCK_BUSY (-2)
int state_lock_try(const char *dir, const char *domain, char *err, size_t errlen);
/* state_lock - state_lock_try, retried for at most STATE_LOCK_WAIT_MS (sleeping: for tools
 * without a loop). Returns the lock fd, or -1 with the reason in err. */
int state_lock(const char *dir, const char *domain, char *err, size_t errlen);
/* state_lock_busy_reason - the reason when the lock stayed busy for STATE_LOCK_WAIT_MS. */
void state_lock_busy_reason(const char *dir, const char *domain, char *err, size_t errlen);
void state_unlock(int fd);

/* state_write - atomically replace DIR/DOMAIN.json (hold the lock). 0, or -1 with err. */
int state_write(const char *dir, const struct domain_state *s, char *err, size_t errlen);

#endif
