/* Error messages: one line, no trailing newline, never printed here. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Longest text formatted before shortening (two long paths and a reason fit). */
#define FORMAT_MAX 16384
/* A shortened word keeps at least this many bytes around its "...". */
#define WORD_KEEP_MIN 24

static int utf8_cont(char c) { return ((unsigned char)c & 0xc0) == 0x80; }

/* Shorten msg (NUL-terminated) to fewer than cap bytes.  The longest words
 * (a path, a long token) lose their middle to "..." first, so the reason,
 * written in short words, survives; only then is the end cut. */
static void fit_message(char *msg, size_t cap)
{
    size_t len = strlen(msg);
    while (len >= cap) {
        size_t best = 0, blen = 0;
        for (size_t i = 0; i < len;) {
            while (i < len && msg[i] == ' ') ++i;
            size_t j = i;
            while (j < len && msg[j] != ' ') ++j;
            if (j - i > blen) best = i, blen = j - i;
            i = j;
        }
        size_t excess = len - (cap - 1) + 3; /* bytes to drop, "..." included */
        if (blen < excess + WORD_KEEP_MIN) break;
        size_t keep = blen - excess;
        size_t head = best + keep / 3, tail = best + blen - (keep - keep / 3);
        while (head > best && utf8_cont(msg[head])) --head;
        while (tail < best + blen && utf8_cont(msg[tail])) ++tail;
        memcpy(msg + head, "...", 3);
        memmove(msg + head + 3, msg + tail, len - tail + 1);
        len = strlen(msg);
    }
    if (len >= cap) {
        size_t cut = cap - 1;
        while (cut > 0 && utf8_cont(msg[cut])) --cut;
        msg[cut] = '\0';
    }
}

os_status os_fail(os_error *err, os_status st, const char *fmt, ...)
{
    if (err) {
        char buf[FORMAT_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        /* Messages are one line by contract: fold any newline a caller let in. */
        for (char *p = buf; *p; ++p)
            if (*p == '\n' || *p == '\r') *p = ' ';
        fit_message(buf, sizeof err->msg);
        memcpy(err->msg, buf, strlen(buf) + 1);
    }
    return st;
}

void os_error_prefix(os_error *err, const char *label)
{
    if (!err || !label || !*label) return;
    /* Already there?  A long label may have lost its middle in the message:
     * its first characters still open it. */
    size_t n = strlen(label), m = n < 32 ? n : 32;
    if (strncmp(err->msg, label, m) == 0 && (n > m || err->msg[n] == ':')) return;
    char msg[OS_MSG_LEN];
    memcpy(msg, err->msg, sizeof msg);
    os_fail(err, OS_OK, "%s: %s", label, msg);
}

const char *os_quote(char *buf, size_t n, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    if (n == 0) return buf;
    for (size_t i = 0; i < len; ++i) {
        unsigned char c = (unsigned char)s[i];
        int plain = c >= 0x20 && c < 0x7f;
        size_t need = plain ? 1 : 4;
        if (k + need + 3 >= n && i + 1 < len) { /* no room for this and "..." */
            if (k + 3 < n) memcpy(buf + k, "...", 3), k += 3;
            break;
        }
        if (k + need >= n) break;
        if (plain) {
            buf[k++] = (char)c;
        } else {
            buf[k++] = '\\';
            buf[k++] = 'x';
            buf[k++] = hex[c >> 4];
            buf[k++] = hex[c & 15];
        }
    }
    buf[k] = '\0';
    return buf;
}

const char *os_file_kind(mode_t m)
{
    if (S_ISREG(m)) return "a regular file";
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISLNK(m)) return "a symbolic link";
    return "not a regular file";
}

const char *os_status_name(os_status st)
{
    switch (st) {
    case OS_OK: return "ok";
    case OS_ERR_IO: return "I/O error";
    case OS_ERR_PARSE: return "parse error";
    case OS_ERR_INPUT: return "input error";
    case OS_ERR_BASIS: return "basis error";
    case OS_ERR_METHOD: return "method error";
    case OS_ERR_NOMEM: return "out of memory";
    case OS_ERR_NOCONV: return "not converged";
    case OS_ERR_NUMERIC: return "numerical error";
    case OS_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}
