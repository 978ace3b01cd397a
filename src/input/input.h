/* Internal to src/input/: inputs that hold several molecules (multi-frame
 * XYZ, SDF), split into frames once and parsed frame by frame. */
#ifndef OS_INPUT_H
#define OS_INPUT_H
#include "orbscreen.h"

/* One molecule's text inside its file. */
typedef struct {
    size_t off, len;  /* bytes of the frame within the file's text */
    int line0;        /* lines before the frame (for messages that name file lines) */
    char name[256];   /* the frame's own name (XYZ name=, SDF title), "" if none */
} os_frame;

typedef struct {
    os_frame *v;
    int n, cap;
} os_frames;

os_status os_frames_push(os_frames *fr, const os_frame *f, os_error *err);
void os_frames_free(os_frames *fr);

/* Recognized input formats. */
typedef enum { OS_FORMAT_XYZ, OS_FORMAT_SDF } os_format;

/* The format of `text` by its content (the path's extension breaks ties);
 * OS_ERR_PARSE "unsupported format" when neither fits. */
os_status os_format_detect(const char *text, size_t len, const char *path, os_format *fmt,
                           os_error *err);
const char *os_format_name(os_format fmt);

/* xyz.c: frames of a multi-frame XYZ text, and one frame's molecule (line
 * numbers in messages count from line0 + 1). */
os_status os_xyz_split(const char *text, size_t len, os_frames *fr, os_error *err);
os_status os_xyz_parse_frame(const char *text, size_t len, const char *label, int line0,
                             os_molecule *mol, os_error *err);

/* No two atoms closer than 0.1 Angstrom; lines[i]: atom i's line, for the message. */
os_status os_check_distances(const os_molecule *mol, const char *label, const int *lines,
                             os_error *err);

/* sdf.c: records of an SDF/MOL text (separated by "$$$$" lines), and one
 * record's molecule. */
os_status os_sdf_split(const char *text, size_t len, os_frames *fr, os_error *err);
os_status os_sdf_parse_record(const char *text, size_t len, const char *label, int line0,
                              os_molecule *mol, os_error *err);

/* tags.c */
void os_molecule_free_tags(os_molecule *mol);

#endif
