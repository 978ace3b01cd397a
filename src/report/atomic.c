/* Writing a file atomically (temporary file, then rename), and checking a
 * stream after writing. */
#include "report/report.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

os_status os_report_stream_status(FILE *f, const char *what, os_error *err)
{
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write %s: %s", what, strerror(errno));
    return OS_OK;
}

os_status os_report_write_atomic(const char *path, os_report_writer writer, void *ctx,
                                 int durable, os_error *err)
{
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return OS_NOMEM(err, "temporary file name");
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());

    os_status st = OS_OK;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        st = os_fail(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    os_error inner = {{0}};
    st = writer(f, ctx, &inner);
    if (st == OS_OK && (ferror(f) || fflush(f) != 0))
        st = os_fail(&inner, OS_ERR_IO, "%s", strerror(errno));
    /* fsync before rename: after a machine crash the file is either old or
     * new.  (A killed process needs none: the rename alone is atomic.) */
    if (st == OS_OK && durable && fsync(fileno(f)) != 0) st = os_fail(&inner, OS_ERR_IO, "fsync: %s", strerror(errno));
    if (fclose(f) != 0 && st == OS_OK) st = os_fail(&inner, OS_ERR_IO, "close: %s", strerror(errno));
    if (st == OS_OK && rename(tmp, path) != 0)
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
