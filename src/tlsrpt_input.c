/* tlsrpt_input - reports out of files, folders, e-mails and mboxes (tlsrpt_input.h). */
#include "tlsrpt_input.h"
#include "escape.h"
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
    z_stream z = {0};
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        snprintf(err, errlen, "zlib could not start");
        return -1;
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
    inflateEnd(&z);
    buf[used] = '\0';
    *out = buf;
    *outlen = used;
    return 0;
bad:
    inflateEnd(&z);
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

static void part_report(GMimePart *part, const char *source, const struct tlsrpt_sink *s,
                        struct tlsrpt_read_stats *st)
{
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    GMimeStream *raw = dw ? g_mime_data_wrapper_get_stream(dw) : NULL;
    if (!raw) {
        emit_error(s, st, source, "the report part has no content");
        return;
    }
    gint64 rawlen = g_mime_stream_length(raw);
    if (rawlen > (gint64)TLSRPT_FILE_MAX) {
        char err[128];
        snprintf(err, sizeof err, "the report part is larger than %u MiB (limit)",
                 TLSRPT_FILE_MAX >> 20);
        emit_error(s, st, source, err);
        return;
    }
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, mem); /* decodes base64 / quoted-printable */
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    report_bytes((const char *)ba->data, ba->len, source, s, st);
    g_object_unref(mem);
}

static void walk_object(GMimeObject *o, int depth, const char *source, const struct tlsrpt_sink *s,
                        struct tlsrpt_read_stats *st)
{
    if (!o || depth > TLSRPT_MIME_DEPTH_MAX || st->stopped)
        return;
    if (GMIME_IS_MULTIPART(o)) {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n && !st->stopped; i++)
            walk_object(g_mime_multipart_get_part(mp, i), depth + 1, source, s, st);
    } else if (GMIME_IS_MESSAGE_PART(o)) {
        GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
        if (m)
            walk_object(g_mime_message_get_mime_part(m), depth + 1, source, s, st);
    } else if (GMIME_IS_PART(o) && is_report_part(GMIME_PART(o))) {
        part_report(GMIME_PART(o), source, s, st);
    }
}

static void read_mime_message(GMimeMessage *m, const char *source, const struct tlsrpt_sink *s,
                              struct tlsrpt_read_stats *st)
{
    size_t before = st->reports + st->errors;
    walk_object(g_mime_message_get_mime_part(m), 0, source, s, st);
    if (st->reports + st->errors == before)
        emit_skipped(s, st, source);
}

static void read_stream(GMimeStream *stream, bool mbox, const char *source,
                        const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st)
{
    GMimeParser *p = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(p, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
    size_t n = 0;
    while (!st->stopped && !g_mime_parser_eos(p)) {
        GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
        if (!m)
            break;
        n++;
        if (mbox) {
            char *src = xasprintf("%s#%zu", source, n);
            read_mime_message(m, src, s, st);
            free(src);
        } else {
            read_mime_message(m, source, s, st);
        }
        g_object_unref(m);
        if (!mbox)
            break;
    }
    if (n == 0 && mbox)
        emit_error(s, st, source, "no message in the mbox");
    else if (n == 0)
        emit_skipped(s, st, source); /* not even an e-mail: in a folder, just another file */
    g_object_unref(p);
}

void tlsrpt_read_message(const char *buf, size_t len, const char *source,
                         const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st)
{
    mime_init_once();
    GMimeStream *mem = g_mime_stream_mem_new_with_buffer(buf, len);
    read_stream(mem, false, source, sink, st);
    g_object_unref(mem);
}

void tlsrpt_read_buffer(const char *buf, size_t len, const char *source,
                        const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st)
{
    if (is_gzip(buf, len) || looks_json(buf, len)) {
        report_bytes(buf, len, source, sink, st);
        return;
    }
    mime_init_once();
    bool mbox = len >= 5 && memcmp(buf, "From ", 5) == 0;
    GMimeStream *mem = g_mime_stream_mem_new_with_buffer(buf, len);
    read_stream(mem, mbox, source, sink, st);
    g_object_unref(mem);
}

/* ---- files and folders ---- */

static void read_errno(const char *source, const struct tlsrpt_sink *s,
                       struct tlsrpt_read_stats *st, int e)
{
    emit_error(s, st, source, strerror(e));
}

/* read_all - up to max bytes of fd; -1 (errno) on a read error, -2 when more than max. */
static int read_all(int fd, size_t max, char **out, size_t *outlen)
{
    size_t cap = 65536, used = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        if (used == cap) {
            if (cap > max) {
                free(buf);
                return -2;
            }
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + used, cap - used);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        used += (size_t)r;
    }
    if (used > max) {
        free(buf);
        return -2;
    }
    buf[used] = '\0';
    *out = buf;
    *outlen = used;
    return 0;
}

static void too_large(const char *source, const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st)
{
    char err[128];
    snprintf(err, sizeof err, "larger than %u MiB (the limit for one report or e-mail file)",
             TLSRPT_FILE_MAX >> 20);
    emit_error(s, st, source, err);
}

void tlsrpt_read_fd(int fd, const char *source, const struct tlsrpt_sink *sink,
                    struct tlsrpt_read_stats *st)
{
    char *buf;
    size_t len;
    int rc = read_all(fd, TLSRPT_FILE_MAX, &buf, &len);
    if (rc == -2) {
        too_large(source, sink, st);
        return;
    }
    if (rc < 0) {
        read_errno(source, sink, st, errno);
        return;
    }
    if (len == 0)
        emit_error(sink, st, source, "empty input");
    else
        tlsrpt_read_buffer(buf, len, source, sink, st);
    free(buf);
}

static void read_file(const char *path, const char *source, const struct stat *sb,
                      const struct tlsrpt_sink *s, struct tlsrpt_read_stats *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        read_errno(source, s, st, errno);
        return;
    }
    char head[5];
    ssize_t h = pread(fd, head, sizeof head, 0);
    if (h == 5 && memcmp(head, "From ", 5) == 0) {
        /* an mbox: streamed by GMime, one message at a time, whatever its size */
        mime_init_once();
        GMimeStream *fs = g_mime_stream_fs_new(fd); /* owns fd */
        read_stream(fs, true, source, s, st);
        g_object_unref(fs);
        return;
    }
    if (sb->st_size > (off_t)TLSRPT_FILE_MAX) {
        close(fd);
        too_large(source, s, st);
        return;
    }
    char *buf;
    size_t len;
    int rc = read_all(fd, TLSRPT_FILE_MAX, &buf, &len);
    int e = errno;
    close(fd);
    if (rc == -2) {
        too_large(source, s, st);
    } else if (rc < 0) {
        read_errno(source, s, st, e);
    } else {
        if (len == 0)
            emit_error(s, st, source, "empty file");
        else if (ends_with(path, ".json") || ends_with(path, ".gz"))
            report_bytes(buf, len, source, s, st); /* named as a report: judged as one */
        else
            tlsrpt_read_buffer(buf, len, source, s, st);
        free(buf);
    }
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* read_dir - every file below path, in name order (reproducible output); dot files (Maildir
 * and Dovecot bookkeeping) and symbolic links are not followed. */
static void read_dir(const char *path, int depth, const struct tlsrpt_sink *s,
                     struct tlsrpt_read_stats *st)
{
    char *shown = escape_str(path);
    if (depth > TLSRPT_FOLDER_DEPTH_MAX) {
        emit_error(s, st, shown, "folders nested too deep (limit 16); not read");
        free(shown);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        read_errno(shown, s, st, errno);
        free(shown);
        return;
    }
    free(shown);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        xptr_push((void ***)&names, &n, xstrdup(de->d_name));
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        char *full = xasprintf("%s%s%s", path, ends_with(path, "/") ? "" : "/", names[i]);
        struct stat sb;
        if (!st->stopped && lstat(full, &sb) == 0) {
            if (S_ISDIR(sb.st_mode)) {
                read_dir(full, depth + 1, s, st);
            } else if (S_ISREG(sb.st_mode)) {
                char *src = escape_str(full);
                read_file(full, src, &sb, s, st);
                free(src);
            }
        }
        free(full);
        free(names[i]);
    }
    free(names);
}

void tlsrpt_read_path(const char *path, const struct tlsrpt_sink *sink,
                      struct tlsrpt_read_stats *st)
{
    char *shown = escape_str(path);
    struct stat sb;
    if (stat(path, &sb) < 0)
        read_errno(shown, sink, st, errno);
    else if (S_ISDIR(sb.st_mode))
        read_dir(path, 0, sink, st);
    else if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !S_ISCHR(sb.st_mode))
        emit_error(sink, st, shown, "not a file or folder");
    else
        read_file(path, shown, &sb, sink, st);
    free(shown);
}
