/* tlsrpt_input - reports out of files, folders, e-mails and mboxes (tlsrpt_input.h). */
#include "tlsrpt_input.h"
#include "escape.h"
#include "mail_headers.h"
#include "tlsrpt_report.h"
#include "xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static void mime_init_once(void)
{
    static bool done;
    if (!done) {
        g_mime_init();
        done = true;
    }
}

/* ---- the sink, with the per-input bound ---- */

static bool budget(struct tlsrpt_read_stats *st)
{
    if (st->stopped)
        return false;
    if (st->reports + st->errors + st->skipped >= TLSRPT_REPORTS_PER_INPUT_MAX) {
        st->stopped = true;
        return false;
    }
    return true;
}

static void emit_error(const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st,
                       const char *source, const char *msg)
{
    if (!budget(st))
        return;
    st->errors++;
    s->error(s->arg, source, msg);
}

static void emit_report(const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st,
                        const char *source, const char *json, size_t len)
{
    if (!budget(st))
        return;
    st->reports++;
    if (s->report(s->arg, source, json, len))
        st->stopped = true;
}

static void emit_skipped(const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st,
                         const char *source)
{
    if (!budget(st))
        return;
    st->skipped++;
    s->skipped(s->arg, source);
}

/* ---- gzip ---- */

int tlsrpt_gunzip(const void *in, size_t inlen, size_t max, char **out, size_t *outlen, char *err,
                  size_t errlen)
{
    /* One inflater for the process, reset per report: set up anew (its 7 KiB state, its
     * 32 KiB window) it cost as much as the inflating. */
    static z_stream z;
    static bool ready;
    if (ready && inflateReset2(&z, 15 + 16) != Z_OK) {
        inflateEnd(&z);
        ready = false;
    }
    if (!ready) {
        z = (z_stream){0};
        if (inflateInit2(&z, 15 + 16) != Z_OK) {
            snprintf(err, errlen, "zlib could not start");
            return -1;
        }
        ready = true;
    }
    size_t cap = inlen * 4 + 1024 < max ? inlen * 4 + 1024 : max;
    char *buf = xmalloc(cap + 1);
    size_t used = 0;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)(inlen > UINT32_MAX ? UINT32_MAX : inlen);
    int rc = Z_OK;
    for (;;) {
        if (used == cap) {
            if (cap >= max) {
                snprintf(err, errlen,
                         "the gzip data decompresses to more than %zu MiB "
                         "(limit; a gzip bomb?)",
                         max >> 20);
                goto bad;
            }
            cap = cap * 2 < max ? cap * 2 : max;
            buf = xrealloc(buf, cap + 1);
        }
        z.next_out = (Bytef *)buf + used;
        z.avail_out = (uInt)(cap - used);
        rc = inflate(&z, Z_NO_FLUSH);
        used = cap - z.avail_out;
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0)
                break;
            /* another gzip member follows (RFC 1952 2.2) */
            if (inflateReset(&z) != Z_OK)
                break;
            continue;
        }
        if (rc == Z_BUF_ERROR && z.avail_in == 0) {
            snprintf(err, errlen, "bad gzip data: cut short");
            goto bad;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            char *why = escape_str(z.msg ? z.msg : "damaged");
            snprintf(err, errlen, "bad gzip data: %s", why);
            free(why);
            goto bad;
        }
    }
    buf[used] = '\0';
    *out = buf;
    *outlen = used;
    return 0;
bad:
    free(buf);
    return -1;
}

static bool is_gzip(const char *b, size_t n)
{
    return n >= 2 && (unsigned char)b[0] == 0x1f && (unsigned char)b[1] == 0x8b;
}

static bool looks_json(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')
            continue;
        return b[i] == '{' || b[i] == '[';
    }
    return false;
}

/* report_bytes - a report file's or part's content: gzip'd or plain JSON. */
static void report_bytes(const char *b, size_t n, const char *source, const struct tlsrpt_sink *s,
                         struct tlsrpt_read_stats *st)
{
    char err[256];
    if (is_gzip(b, n)) {
        char *json;
        size_t len;
        if (tlsrpt_gunzip(b, n, TLSRPT_JSON_MAX, &json, &len, err, sizeof err) < 0) {
            emit_error(s, st, source, err);
            return;
        }
        emit_report(s, st, source, json, len);
        free(json);
        return;
    }
    if (n > TLSRPT_JSON_MAX) {
        snprintf(err, sizeof err, "report larger than %u MiB (limit)", TLSRPT_JSON_MAX >> 20);
        emit_error(s, st, source, err);
        return;
    }
    emit_report(s, st, source, b, n);
}

/* ---- MIME (GMime) ---- */

/* What reading reuses from one e-mail to the next: GMime's parser, the stream over the
 * current file's bytes and those bytes. Made anew per message they were a third of the time
 * of a Maildir (GObject set-up and tear-down, a copy of every file). */
struct reader {
    const struct tlsrpt_sink *s;
    struct tlsrpt_read_stats *st;
    GMimeParser *parser; /* NULL until the first e-mail */
    GMimeStream *mem;    /* over buf or view, not owning them */
    GByteArray *buf;     /* the current file */
    GByteArray *view;    /* the current e-mail as GMime sees it (mail_mime_view) */
};

/* Tests and the fuzzer compare reading with and without mail_mime_view. */
bool tlsrpt_mime_view = true;

static void reader_init(struct reader *r, const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st)
{
    *r = (struct reader){.s = s, .st = st, .buf = g_byte_array_new(), .view = g_byte_array_new()};
}

static void reader_free(struct reader *r)
{
    if (r->parser)
        g_object_unref(r->parser);
    if (r->mem)
        g_object_unref(r->mem);
    g_byte_array_unref(r->buf);
    g_byte_array_unref(r->view);
}

static GMimeParser *reader_parser(struct reader *r, GMimeStream *stream)
{
    mime_init_once();
    if (!r->parser)
        r->parser = g_mime_parser_new();
    g_mime_parser_init_with_stream(r->parser, stream);
    return r->parser;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* is_report_part - RFC 8460 5.3: application/tlsrpt+gzip or application/tlsrpt+json; a
 * generic gzip/JSON/octet-stream type counts when the file name says .json or .json.gz. */
static bool is_report_part(GMimePart *part)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const char *type = ct ? g_mime_content_type_get_media_type(ct) : NULL;
    const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
    if (!type || !sub || strcasecmp(type, "application") != 0)
        return false;
    if (strcasecmp(sub, "tlsrpt+gzip") == 0 || strcasecmp(sub, "tlsrpt+json") == 0)
        return true;
    const char *name = g_mime_part_get_filename(part);
    if (!name)
        return false;
    bool generic = strcasecmp(sub, "gzip") == 0 || strcasecmp(sub, "x-gzip") == 0 ||
                   strcasecmp(sub, "json") == 0 || strcasecmp(sub, "octet-stream") == 0;
    return generic && (ends_with(name, ".json") || ends_with(name, ".json.gz"));
}

/* part_content - the part's bytes with its transfer encoding (base64, quoted-printable,
 * uuencode) undone by GMime's decoder, without the filter-stream objects a data wrapper
 * would make; NULL (err set) when too large. The caller frees. */
static char *part_content(GMimePart *part, size_t *len, char *err, size_t errlen)
{
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    GMimeStream *raw = dw ? g_mime_data_wrapper_get_stream(dw) : NULL;
    gint64 rawlen = raw ? g_mime_stream_length(raw) : -1;
    if (rawlen < 0) {
        snprintf(err, errlen, "the report part has no content");
        return NULL;
    }
    if (rawlen > (gint64)TLSRPT_FILE_MAX) {
        snprintf(err, errlen, "the report part is larger than %u MiB (limit)",
                 TLSRPT_FILE_MAX >> 20);
        return NULL;
    }
    char *in = xmalloc((size_t)rawlen + 1);
    size_t got = 0;
    g_mime_stream_reset(raw);
    while (got < (size_t)rawlen) {
        ssize_t r = g_mime_stream_read(raw, in + got, (size_t)rawlen - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(dw);
    if (enc != GMIME_CONTENT_ENCODING_BASE64 && enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
        enc != GMIME_CONTENT_ENCODING_UUENCODE) {
        *len = got;
        return in;
    }
    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, enc);
    char *out = xmalloc(g_mime_encoding_outlen(&state, got) + 1);
    *len = g_mime_encoding_flush(&state, in, got, out);
    free(in);
    return out;
}

static void part_report(GMimePart *part, const char *source, struct reader *r)
{
    char err[128];
    size_t len;
    char *data = part_content(part, &len, err, sizeof err);
    if (!data) {
        emit_error(r->s, r->st, source, err);
        return;
    }
    report_bytes(data, len, source, r->s, r->st);
    free(data);
}

static void walk_object(GMimeObject *o, int depth, const char *source, struct reader *r)
{
    if (!o || depth > TLSRPT_MIME_DEPTH_MAX || r->st->stopped)
        return;
    if (GMIME_IS_MULTIPART(o)) {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n && !r->st->stopped; i++)
            walk_object(g_mime_multipart_get_part(mp, i), depth + 1, source, r);
    } else if (GMIME_IS_MESSAGE_PART(o)) {
        GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
        if (m)
            walk_object(g_mime_message_get_mime_part(m), depth + 1, source, r);
    } else if (GMIME_IS_PART(o) && is_report_part(GMIME_PART(o))) {
        part_report(GMIME_PART(o), source, r);
    }
}

/* read_entity - one message's MIME tree: its report parts, or skipped. */
static void read_entity(GMimeObject *top, const char *source, struct reader *r)
{
    size_t before = r->st->reports + r->st->errors;
    walk_object(top, 0, source, r);
    if (r->st->reports + r->st->errors == before)
        emit_skipped(r->s, r->st, source);
}

/* read_one_message - a single e-mail. Parsed as a MIME entity, not a GMimeMessage: only its
 * body structure matters here, and a message object also builds its address lists, date
 * and other headers' objects. */
static void read_one_message(GMimeStream *stream, const char *source, struct reader *r)
{
    GMimeParser *p = reader_parser(r, stream);
    g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
    GMimeObject *top = g_mime_parser_construct_part(p, NULL);
    if (!top) {
        emit_skipped(r->s, r->st, source); /* not even an e-mail: in a folder, another file */
        return;
    }
    read_entity(top, source, r);
    g_object_unref(top);
}

static void read_mbox(GMimeStream *stream, const char *source, struct reader *r)
{
    GMimeParser *p = reader_parser(r, stream);
    g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
    size_t n = 0;
    while (!r->st->stopped && !g_mime_parser_eos(p)) {
        GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
        if (!m)
            break;
        char *src = xasprintf("%s#%zu", source, ++n);
        read_entity(g_mime_message_get_mime_part(m), src, r);
        free(src);
        g_object_unref(m);
    }
    if (n == 0)
        emit_error(r->s, r->st, source, "no message in the mbox");
}

/* read_bytes - an e-mail or an mbox held in r->buf (len bytes). */
static void read_bytes(bool mbox, const char *source, struct reader *r)
{
    mime_init_once();
    if (!r->mem)
        r->mem = g_mime_stream_mem_new();
    GByteArray *what = r->buf;
    size_t len;
    if (!mbox && tlsrpt_mime_view) {
        g_byte_array_set_size(r->view, r->buf->len);
        if (mail_mime_view((const char *)r->buf->data, r->buf->len, (char *)r->view->data, &len)) {
            g_byte_array_set_size(r->view, (guint)len);
            what = r->view;
        }
    }
    g_mime_stream_mem_set_byte_array(GMIME_STREAM_MEM(r->mem), what); /* not owner */
    if (mbox)
        read_mbox(r->mem, source, r);
    else
        read_one_message(r->mem, source, r);
}

/* reader_buffer - a JSON, gzip, e-mail or mbox in memory, copied into r->buf. */
static void reader_buffer(const char *buf, size_t len, bool message_only, const char *source,
                          struct reader *r)
{
    if (!message_only && (is_gzip(buf, len) || looks_json(buf, len))) {
        report_bytes(buf, len, source, r->s, r->st);
        return;
    }
    g_byte_array_set_size(r->buf, 0);
    g_byte_array_append(r->buf, (const guint8 *)buf, (guint)len);
    read_bytes(!message_only && len >= 5 && memcmp(buf, "From ", 5) == 0, source, r);
}

void tlsrpt_read_message(const char *buf, size_t len, const char *source,
                         const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st)
{
    struct reader r;
    reader_init(&r, sink, st);
    reader_buffer(buf, len, true, source, &r);
    reader_free(&r);
}

void tlsrpt_read_buffer(const char *buf, size_t len, const char *source,
                        const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st)
{
    struct reader r;
    reader_init(&r, sink, st);
    reader_buffer(buf, len, false, source, &r);
    reader_free(&r);
}

/* ---- files and folders ---- */

static void read_errno(const char *source, struct reader *r, int e)
{
    emit_error(r->s, r->st, source, strerror(e));
}

/* read_all - up to max bytes of fd into buf (replacing its content); -1 (errno) on a read
 * error, -2 when more than max. hint: the expected size (a regular file's), or 0. */
static int read_all(int fd, size_t max, size_t hint, GByteArray *buf)
{
    size_t cap = hint ? hint + 1 : 65536, used = 0;
    g_byte_array_set_size(buf, (guint)cap);
    for (;;) {
        if (used == cap) {
            if (cap > max)
                return -2;
            cap *= 2;
            g_byte_array_set_size(buf, (guint)cap);
        }
        ssize_t n = read(fd, buf->data + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        used += (size_t)n;
    }
    if (used > max)
        return -2;
    g_byte_array_set_size(buf, (guint)used);
    return 0;
}

static void too_large(const char *source, struct reader *r)
{
    char err[128];
    snprintf(err, sizeof err, "larger than %u MiB (the limit for one report or e-mail file)",
             TLSRPT_FILE_MAX >> 20);
    emit_error(r->s, r->st, source, err);
}

void tlsrpt_read_fd(int fd, const char *source, const struct tlsrpt_sink *sink,
                    struct tlsrpt_read_stats *st)
{
    struct reader r;
    reader_init(&r, sink, st);
    int rc = read_all(fd, TLSRPT_FILE_MAX, 0, r.buf);
    if (rc == -2)
        too_large(source, &r);
    else if (rc < 0)
        read_errno(source, &r, errno);
    else if (r.buf->len == 0)
        emit_error(sink, st, source, "empty input");
    else
        reader_buffer((const char *)r.buf->data, r.buf->len, false, source, &r);
    reader_free(&r);
}

/* read_big - a file over TLSRPT_FILE_MAX: an mbox is streamed by GMime, one message at a
 * time, whatever its size; anything else is refused. Takes fd. */
static void read_big(int fd, const char *source, struct reader *r)
{
    char head[5];
    if (pread(fd, head, sizeof head, 0) != 5 || memcmp(head, "From ", 5) != 0) {
        close(fd);
        too_large(source, r);
        return;
    }
    mime_init_once();
    GMimeStream *fs = g_mime_stream_fs_new(fd); /* owns fd; starts at fd's offset, 0 */
    read_mbox(fs, source, r);
    g_object_unref(fs);
}

/* read_small - the first SMALL_FILE bytes of the regular file fd into r->buf: 0 when that
 * was all of it (a short read is the end of a regular file), 1 when there is more, -1 (errno).
 * Most report files are a few KiB: one read, and no fstat. */
#define SMALL_FILE (64u << 10)
static int read_small(int fd, struct reader *r)
{
    g_byte_array_set_size(r->buf, SMALL_FILE);
    ssize_t n;
    do
        n = read(fd, r->buf->data, SMALL_FILE);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    g_byte_array_set_size(r->buf, (guint)n);
    return (size_t)n < SMALL_FILE ? 0 : 1;
}

/* read_whole - fd's content into r->buf: 0; -1 (errno); -2 over TLSRPT_FILE_MAX; 1 when fd is
 * a regular file over that bound, handed to read_big (fd taken). */
static int read_whole(int fd, bool regular, const char *source, struct reader *r)
{
    int rc = regular ? read_small(fd, r) : 1;
    if (rc <= 0)
        return rc;
    struct stat sb;
    if ((regular && lseek(fd, 0, SEEK_SET) < 0) || fstat(fd, &sb) < 0)
        return -1;
    if (S_ISREG(sb.st_mode) && sb.st_size > (off_t)TLSRPT_FILE_MAX) {
        read_big(fd, source, r);
        return 1;
    }
    return read_all(fd, TLSRPT_FILE_MAX, S_ISREG(sb.st_mode) ? (size_t)sb.st_size : 0, r->buf);
}

/* read_open_file - the file open on fd (taken): a report, an e-mail or an mbox. regular: the
 * folder entry or a stat said it is a regular file. */
static void read_open_file(int fd, const char *path, const char *source, bool regular,
                           struct reader *r)
{
    int rc = read_whole(fd, regular, source, r);
    if (rc == 1)
        return;
    int e = errno;
    close(fd);
    const char *b = (const char *)r->buf->data;
    size_t len = r->buf->len;
    if (rc == -2)
        too_large(source, r);
    else if (rc < 0)
        read_errno(source, r, e);
    else if (len == 0)
        emit_error(r->s, r->st, source, "empty file");
    else if (ends_with(path, ".json") || ends_with(path, ".gz") || is_gzip(b, len) ||
             looks_json(b, len))
        report_bytes(b, len, source, r->s, r->st); /* named or shaped as a report */
    else
        read_bytes(len >= 5 && memcmp(b, "From ", 5) == 0, source, r);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_dir(int dfd, const char *path, int depth, struct reader *r);

/* read_entry - one name in the open folder dfd: a sub-folder or a regular file; symbolic
 * links and other kinds are not followed. */
static void read_entry(int dfd, const char *path, const char *name, unsigned char type, int depth,
                       struct reader *r)
{
    if (type == DT_UNKNOWN) {
        struct stat sb;
        if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
            return;
        type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISREG(sb.st_mode) ? DT_REG : DT_LNK;
    }
    if (type != DT_DIR && type != DT_REG)
        return;
    char *full = xasprintf("%s%s%s", path, ends_with(path, "/") ? "" : "/", name);
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
    if (type == DT_DIR)
        flags |= O_DIRECTORY;
    int fd = openat(dfd, name, flags);
    char *src = escape_str(full);
    if (fd < 0)
        read_errno(src, r, errno);
    else if (type == DT_DIR)
        read_dir(fd, full, depth + 1, r);
    else
        read_open_file(fd, full, src, true, r);
    free(src);
    free(full);
}

/* read_dir - every file below the open folder dfd (taken), in name order (reproducible
 * output); dot files (Maildir and Dovecot bookkeeping) are not read. */
static void read_dir(int dfd, const char *path, int depth, struct reader *r)
{
    if (depth > TLSRPT_FOLDER_DEPTH_MAX) {
        char *shown = escape_str(path);
        emit_error(r->s, r->st, shown, "folders nested too deep (limit 16); not read");
        free(shown);
        close(dfd);
        return;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        char *shown = escape_str(path);
        read_errno(shown, r, errno);
        free(shown);
        close(dfd);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        /* the type rides after the name's end, so the names sort as they are */
        size_t len = strlen(de->d_name);
        char *e = xmalloc(len + 2);
        memcpy(e, de->d_name, len + 1);
        e[len + 1] = (char)de->d_type;
        xptr_push((void ***)&names, &n, e);
    }
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        if (!r->st->stopped)
            read_entry(dirfd(d), path, names[i], (unsigned char)names[i][strlen(names[i]) + 1],
                       depth, r);
        free(names[i]);
    }
    free(names);
    closedir(d);
}

void tlsrpt_read_path(const char *path, const struct tlsrpt_sink *sink,
                      struct tlsrpt_read_stats *st)
{
    struct reader r;
    reader_init(&r, sink, st);
    char *shown = escape_str(path);
    struct stat sb;
    if (stat(path, &sb) < 0) {
        read_errno(shown, &r, errno);
    } else if (S_ISDIR(sb.st_mode)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
        if (fd < 0)
            read_errno(shown, &r, errno);
        else
            read_dir(fd, path, 0, &r);
    } else if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !S_ISCHR(sb.st_mode)) {
        emit_error(sink, st, shown, "not a file or folder");
    } else {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            read_errno(shown, &r, errno);
        else
            read_open_file(fd, path, shown, S_ISREG(sb.st_mode), &r);
    }
    free(shown);
    reader_free(&r);
}
