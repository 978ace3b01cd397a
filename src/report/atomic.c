/* Writing a file atomically (temporary file, then rename), and checking a
 * stream after writing. */
#include "report/report.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

os_status os_report_stream_status(FILE *f, const char *what, os_error *err)
{
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write %s: %s", what, strerror(errno));
    return OS_OK;
}

/* Where writing `path` must land: the file itself, or the end of its chain
 * of symbolic links (which may not exist yet: a new file is made there).
 * Malloc'd into *target; *mode gets an existing target's permissions (0:
 * none).  Anything but a regular file is refused, never replaced. */
static os_status resolve_target(const char *path, char **target, mode_t *mode, os_error *err)
{
    *target = NULL;
    *mode = 0;
    /* What the path finally is, links followed (a pipe behind /dev/stdout
     * has no name to walk to). */
    struct stat fin;
    if (stat(path, &fin) == 0 && !S_ISREG(fin.st_mode))
        return os_fail(err, OS_ERR_IO,
                       "cannot write %s: it is %s (only regular files are written, never put "
                       "in the place of anything else)",
                       path, os_file_kind(fin.st_mode));
    char *cur = strdup(path);
    if (!cur) return OS_NOMEM(err, "file name");
    for (int hops = 0;; ++hops) {
        struct stat sb;
        if (lstat(cur, &sb) != 0) {
            if (errno == ENOENT) break; /* a new file */
            os_status st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
            free(cur);
            return st;
        }
        if (S_ISREG(sb.st_mode)) {
            *mode = sb.st_mode & 07777;
            break;
        }
        if (!S_ISLNK(sb.st_mode)) { /* replaced since the stat above */
            os_status st = os_fail(err, OS_ERR_IO, "cannot write %s: %s is %s", path, cur,
                                   os_file_kind(sb.st_mode));
            free(cur);
            return st;
        }
        char link[4096];
        ssize_t n = hops < 40 ? readlink(cur, link, sizeof link - 1) : -1;
        if (n < 0) {
            os_status st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", path,
                                   hops < 40 ? strerror(errno) : strerror(ELOOP));
            free(cur);
            return st;
        }
        link[n] = '\0';
        /* A relative link is relative to the directory holding it. */
        const char *slash = strrchr(cur, '/');
        size_t dlen = link[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
        char *next = malloc(dlen + (size_t)n + 1);
        if (!next) {
            free(cur);
            return OS_NOMEM(err, "file name");
        }
        memcpy(next, cur, dlen);
        memcpy(next + dlen, link, (size_t)n + 1);
        free(cur);
        cur = next;
    }
    *target = cur;
    return OS_OK;
}

os_status os_report_write_atomic(const char *path, os_report_writer writer, void *ctx,
                                 int durable, os_error *err)
{
    /* Through a symbolic link to where it points (the link stays); a device,
     * FIFO or directory is refused. */
    char *target;
    mode_t mode;
    os_status rst = resolve_target(path, &target, &mode, err);
    if (rst != OS_OK) return rst;
    size_t len = strlen(target) + 32;
    char *tmp = malloc(len);
    if (!tmp) {
        free(target);
        return OS_NOMEM(err, "temporary file name");
    }
    snprintf(tmp, len, "%s.tmp.%ld", target, (long)getpid());

    os_status st = OS_OK;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        free(target);
        return st;
    }
    /* A replaced file keeps its permissions. */
    if (mode) (void)fchmod(fileno(f), mode);
    os_error inner = {{0}};
    st = writer(f, ctx, &inner);
    if (st == OS_OK && (ferror(f) || fflush(f) != 0))
        st = os_fail(&inner, OS_ERR_IO, "%s", strerror(errno));
    /* fsync before rename: after a machine crash the file is either old or
     * new.  (A killed process needs none: the rename alone is atomic.) */
    if (st == OS_OK && durable && fsync(fileno(f)) != 0) st = os_fail(&inner, OS_ERR_IO, "fsync: %s", strerror(errno));
    if (fclose(f) != 0 && st == OS_OK) st = os_fail(&inner, OS_ERR_IO, "close: %s", strerror(errno));
    if (st == OS_OK && rename(tmp, target) != 0)
        st = os_fail(&inner, OS_ERR_IO, "rename: %s", strerror(errno));
    if (st != OS_OK) {
        remove(tmp);
        os_fail(err, st, "cannot write %s: %s", path, inner.msg);
    } else if (durable) {
        /* Make the rename itself durable; best effort (some file systems
         * refuse fsync on directories). */
        char *slash = strrchr(tmp, '/');
        if (slash == tmp) slash[1] = '\0';
        else if (slash) *slash = '\0';
        int fd = open(slash ? tmp : ".", O_RDONLY);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
    free(tmp);
    free(target);
    return st;
}


typedef struct {
    const void *data;
    size_t len;
} bytes;

static os_status w_bytes(FILE *f, void *ctx, os_error *err)
{
    const bytes *b = ctx;
    fwrite(b->data, 1, b->len, f);
    return os_report_stream_status(f, "file", err);
}

os_status os_report_write_bytes_atomic(const char *path, const void *data, size_t len,
                                       os_error *err)
{
    bytes b = {data, len};
    return os_report_write_atomic(path, w_bytes, &b, 0, err);
}
