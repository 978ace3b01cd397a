/* Internal: the Gaussian94 basis-library parser behind os_basis_load, exposed
 * at buffer level so tests and fuzzers can drive it without files. */
#ifndef OS_BASIS_H
#define OS_BASIS_H

#include "orbscreen.h"

/* Highest shell letter the parser accepts (I = 6); os_basis_load then
 * refuses anything above OS_MAX_L (cart2sph.h) for orbital sets, while
 * fitting sets (auxbasis.c) take all of it. */
#define OS_G94_MAX_L 6
/* Primitives per shell accepted by the parser. */
#define OS_G94_MAX_NPRIM 100

/* One shell as written in the file (SP already split into S then P), raw
 * contraction coefficients (not normalized), exponents already multiplied
 * by the square of the scale factor. */
typedef struct {
    int l;
    int nprim;
    size_t off; /* data[off .. off+nprim) exponents (bohr^-2), then nprim coefficients */
} os_g94_shell;

typedef struct {
    int pure;                        /* 1 "spherical", 0 "cartesian", -1 not stated */
    int nshell;
    os_g94_shell *shells;            /* element blocks in file order */
    double *data;                    /* exponents and coefficients, see os_g94_shell */
    int elem_shell0[OS_MAX_Z_KNOWN + 1];   /* first shell of element Z */
    int elem_nshell[OS_MAX_Z_KNOWN + 1];   /* 0: element absent from the basis section */
    int elem_line[OS_MAX_Z_KNOWN + 1];     /* line of the element's header, 0 if absent */
    unsigned char elem_ecp[OS_MAX_Z_KNOWN + 1]; /* 1: the file gives Z an effective core
                                                   potential */
} os_g94_library;

/* Parse a whole Gaussian94 library text (an optional `cartesian`/`spherical`
 * line, `!` comments, element blocks `Sym 0` ... `****`, and a trailing ECP
 * section whose elements are only flagged).  `label` names the text in
 * messages ("file:line: ...").  On failure `lib` is left empty. */
os_status os_g94_parse(const char *text, size_t len, const char *label, os_g94_library *lib,
                       os_error *err);
void os_g94_free(os_g94_library *lib);

/* The form names are compared in: lowercase, no blanks, "(d)" -> "*" and
 * "(d,p)" -> "**"; NUL-terminated, truncated to n. */
void os_basis_key(const char *name, char *key, size_t n);

/* Canonical display name and library file name (without directory) for a
 * user-given basis name; 0 when the name is not one of the known sets. */
int os_basis_lookup(const char *name, char *canon, size_t ncanon, char *file, size_t nfile);

/* Multiply raw coefficients c[0..nprim) of exponents a[] by primitive
 * normalization and renormalize the contraction, so that the contracted
 * Cartesian x^l component has unit norm.  Returns 0 when the contraction has
 * zero or non-finite norm. */
int os_basis_normalize(int l, int nprim, const double *a, double *c);

/* How much the primitives of a contraction cancel: the norm its terms would
 * have without their signs over its actual norm (1: no cancellation; INFINITY
 * when the norm is not positive).  Every integral over the shell loses about
 * log10 of it in digits. */
double os_basis_cancellation(int l, int nprim, const double *a, const double *c);
/* Contractions cancelling more than this are refused (library sets: at most
 * 7e3, def2 for heavy elements; a +1/-1 pair of nearly equal exponents:
 * 1e10 and beyond). */
#define OS_BASIS_MAX_CANCELLATION 1e6
/* Exponents above this (bohr^-2) are refused: a function's kinetic energy
 * (1.5 a Eh for an s function) would take the Fock matrix's last digits
 * (library sets reach 1.8e7, aug-cc-pVQZ). */
#define OS_BASIS_MAX_EXPONENT 1e9

/* Read and parse `file` from the library directory basis_dir (NULL: the
 * default); `name` (the set's display name) is for messages. */
os_status os_g94_load(const char *basis_dir, const char *file, const char *name,
                      os_g94_library *lib, os_error *err);

/* The shells of `mol`, each element from the first of libs[0..nlib) that has
 * it, pure (OS_SPHERICAL) or Cartesian, refusing l > max_l and elements that
 * need an ECP.  bs->name must be set (messages); on failure bs may hold
 * partial allocations (os_basis_free). */
os_status os_basis_build(const os_molecule *mol, const os_g94_library *const *libs, int nlib,
                         int pure, int max_l, os_basis *bs, os_error *err);
/* os_basis_free, keeping bs->name for the caller's messages. */
void os_basis_free_keep_name(os_basis *bs);

#endif
