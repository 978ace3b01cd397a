/* An input read once and split into its molecules (see orbscreen.h,
 * os_input): the bytes are read a single time, hashed (SHA-256) and kept;
 * frames are located up front, then parsed one by one, possibly on several
 * threads at once (parsing only reads the shared text). */
#include "orbscreen.h"
#include "core/error.h"
#include "core/sha256.h"
#include "input/input.h"
#include "input/textfile.h"

#include <stdlib.h>
#include <string.h>

/* No molecule file of ours comes near this; beyond it the input is hostile. */
#define INPUT_MAX_BYTES ((size_t)64 << 20)
#define STDIN_LABEL "<stdin>" /* as textfile.c names it */

struct os_input {
    char *path;       /* as given */
    const char *label; /* for messages and molecule files: the path, or STDIN_LABEL */
    char *text;
    size_t len;
    os_format fmt;
    char sha256[65];
    char stem[256];   /* the file's base name ("stdin" for standard input) */
    os_frames fr;
};

os_status os_frames_push(os_frames *fr, const os_frame *f, os_error *err)
{
    if (fr->n == fr->cap) {
        int cap = fr->cap ? 2 * fr->cap : 8;
        os_frame *v = realloc(fr->v, (size_t)cap * sizeof *v);
        if (!v) return OS_NOMEM(err, "frames");
        fr->v = v;
        fr->cap = cap;
    }
    fr->v[fr->n++] = *f;
    return OS_OK;
}

void os_frames_free(os_frames *fr)
{
    free(fr->v);
    memset(fr, 0, sizeof *fr);
}

os_status os_input_open(const char *path, os_input **out, os_error *err)
{
    *out = NULL;
    os_input *in = calloc(1, sizeof *in);
    if (!in || !(in->path = strdup(path))) {
        free(in);
        return OS_NOMEM(err, "input");
    }
    int is_stdin = strcmp(path, "-") == 0;
    in->label = is_stdin ? STDIN_LABEL : in->path;
    if (is_stdin)
        snprintf(in->stem, sizeof in->stem, "stdin");
    else
        os_molecule_name_from_path(path, in->stem, sizeof in->stem);
    os_status st = is_stdin ? os_text_read_stdin(INPUT_MAX_BYTES, &in->text, &in->len, err)
                            : os_text_read(path, INPUT_MAX_BYTES, "a molecule file", &in->text,
                                           &in->len, err);
    if (st == OS_OK) {
        os_sha256_hex(in->text, in->len, in->sha256);
        st = os_format_detect(in->text, in->len, in->label, &in->fmt, err);
    }
    if (st == OS_OK)
        st = in->fmt == OS_FORMAT_SDF ? os_sdf_split(in->text, in->len, &in->fr, err)
                                      : os_xyz_split(in->text, in->len, &in->fr, err);
    if (st != OS_OK) {
        os_input_free(in);
        return st;
    }
    *out = in;
    return OS_OK;
}

int os_input_count(const os_input *in) { return in->fr.n; }
const char *os_input_path(const os_input *in) { return in->path; }
const char *os_input_format(const os_input *in) { return os_format_name(in->fmt); }
const char *os_input_sha256(const os_input *in) { return in->sha256; }

void os_input_name(const os_input *in, int i, char *name, size_t n)
{
    if (in->fr.n == 1)
        snprintf(name, n, "%s", in->stem);
    else if (in->fr.v[i].name[0])
        snprintf(name, n, "%s", in->fr.v[i].name);
    else
        snprintf(name, n, "%.200s#%d", in->stem, i + 1);
}

os_status os_input_molecule(const os_input *in, int i, os_molecule *mol, os_error *err)
{
    const os_frame *f = &in->fr.v[i];
    const char *text = in->text + f->off;
    os_status st = in->fmt == OS_FORMAT_SDF
                       ? os_sdf_parse_record(text, f->len, in->label, f->line0, mol, err)
                       : os_xyz_parse_frame(text, f->len, in->label, f->line0, mol, err);
    os_input_name(in, i, mol->name, sizeof mol->name);
    mol->frame = i + 1;
    mol->nframe = in->fr.n;
    return st;
}

void os_input_free(os_input *in)
{
    if (!in) return;
    os_frames_free(&in->fr);
    free(in->text);
    free(in->path);
    free(in);
}
