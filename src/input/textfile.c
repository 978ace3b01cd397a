/* Bounded reads of regular files (see textfile.h). */
#include "input/textfile.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

os_status os_text_read(const char *path, size_t max_bytes, const char *what, char **text,
                       size_t *len, os_error *err)
{
    *text = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO with no writer must not block; regular
     * files ignore the flag. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return os_fail(err, OS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    os_status st = OS_OK;
    if (fstat(fd, &sb) != 0)
        st = os_fail(err, OS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    else if (S_ISDIR(sb.st_mode))
        st = os_fail(err, OS_ERR_IO, "%s: is a directory, not %s", path, what);
    else if (!S_ISREG(sb.st_mode))
        st = os_fail(err, OS_ERR_IO, "%s: is %s, not %s (only regular files are read)", path,
                     os_file_kind(sb.st_mode), what);
    else if ((unsigned long long)sb.st_size > max_bytes)
        st = os_fail(err, OS_ERR_IO, "%s: larger than %zu bytes", path, max_bytes);
    if (st != OS_OK) {
        close(fd);
        return st;
    }
    /* The size may change while we read: read at most max_bytes + 1 and
     * refuse what turns out larger. */
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return OS_NOMEM(err, what);
    }
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) break;
            size_t ncap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                close(fd);
                return OS_NOMEM(err, what);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            st = os_fail(err, OS_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    close(fd);
    if (st == OS_OK && n > max_bytes)
        st = os_fail(err, OS_ERR_IO, "%s: larger than %zu bytes", path, max_bytes);
    if (st != OS_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return OS_OK;
}

os_status os_text_read_stdin(size_t max_bytes, char **text, size_t *len, os_error *err)
{
    *text = NULL;
    *len = 0;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return OS_NOMEM(err, "standard input");
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) break;
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                free(buf);
                return OS_NOMEM(err, "standard input");
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t got = read(STDIN_FILENO, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            free(buf);
            return os_fail(err, OS_ERR_IO, "<stdin>: read error: %s", strerror(errno));
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    if (n > max_bytes) {
        free(buf);
        return os_fail(err, OS_ERR_IO, "<stdin>: larger than %zu bytes", max_bytes);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return OS_OK;
}
