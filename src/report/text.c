/* Text that came from outside (file names, name= labels, messages quoting
 * them) written so that every output stays valid and readable: invalid UTF-8
 * becomes U+FFFD, control characters become blanks (a terminal escape or a
 * newline inside a name would break a table, a CSV row or a Molden title);
 * and the one text several outputs build from results alike, the bonds an
 * optimization changed. */
#include "report/report.h"

#include "core/utf8.h"

void os_report_put_text(FILE *f, const char *s, int keep_newlines, char dq)
{
    if (!s) return;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        int n = os_utf8_len(s);
        if (n == 0) {
            fputs(OS_UTF8_REPLACEMENT, f);
            n = 1;
        } else if ((c < 0x20 || c == 0x7f) && !(keep_newlines && (c == '\n' || c == '\r'))) {
            fputc(' ', f);
        } else {
            if (dq && c == (unsigned char)dq) fputc(dq, f);
            fwrite(s, 1, (size_t)n, f);
        }
        s += n;
    }
}

void os_report_bond_changes(const os_opt_result *r, const char *sep, char *buf, size_t n)
{
    size_t used = 0;
    if (n) buf[0] = '\0';
    for (int k = 0; r && k < r->nbond_changes && used + 1 < n; ++k) {
        char what[96];
        os_bond_change_describe(&r->mol, &r->bond_changes[k], what, sizeof what);
        int w = snprintf(buf + used, n - used, "%s%s", k ? sep : "", what);
        if (w < 0) break;
        used += (size_t)w;
    }
}
