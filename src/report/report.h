/* Reports: what the user sees and pipelines read.
 *
 * One os_report_entry per molecule (succeeded or failed) plus one run-level
 * os_report_run header feed every output:
 *   - os_report_rank          anions ranked by the run's key (reduction potential,
 *                             solvated or gas-phase LUMO; rank.c);
 *   - os_report_write_json    orbscreen.json  (machine-readable, full);
 *   - os_report_write_csv     orbscreen.csv   (one row per molecule);
 *   - os_report_write_table   terminal table (ranked anions first);
 *   - os_report_write_svg     orbitals.svg  (HOMO/LUMO level diagram);
 *   - os_molden_write         <name>.molden (orbitals for viewers);
 *   - os_report_write_atomic  temp file + rename;
 *   - os_results_*            the results folder (results.c): lock, journal,
 *                             one Molden file per molecule, summaries.
 * Energies are Eh inside and eV in every report except the total energy
 * (Eh) and Molden orbital energies (Eh, as the format requires). */
#ifndef OS_REPORT_H
#define OS_REPORT_H

#include "orbscreen.h"

#include <stdio.h>

/* A molecule's continuum-solvent result (NULL in the gas phase). */
typedef struct {
    const char *solvent;       /* e.g. "dme", or NULL when only --eps was given */
    double eps;                /* dielectric constant */
    const char *model;         /* os_solvent_describe() */
    double e_gas;              /* gas-phase SCF energy at the same geometry, Eh */
    double e_pol;              /* polarization energy G_pol = 1/2 q.V of the solvated SCF, Eh */
    double lumo_gas;           /* gas-phase LUMO at the same geometry, Eh (NAN: none) */
} os_report_solvation;

/* A molecule's vertical Delta-SCF results (os_redox_vertical). */
typedef struct {
    os_redox_result red;       /* reduction: N+1 electrons */
    int have_ox;
    os_redox_result ox;        /* oxidation: N-1 electrons (when have_ox) */
    int have_ad;               /* --opt --reduction: the adiabatic reduction (not kept in
                                  the records: --opt runs neither --resume nor MPI ranks) */
    os_redox_adiabatic_result ad;
} os_report_redox;

/* What anions are ranked by. */
enum {
    OS_RANK_AUTO = 0,          /* for option parsers: not chosen yet */
    OS_RANK_LUMO,              /* gas-phase LUMO, lowest first */
    OS_RANK_LUMO_SOLV,         /* LUMO in the solvent, lowest first */
    OS_RANK_REDUCTION          /* vertical reduction potential, highest first */
};

/* Rank places by which the LUMO rank and the reduction rank may differ
 * before the entry is flagged. */
#define OS_REPORT_RANK_DISAGREE 3
/* A reduction is flagged when more than this share of the reduced species'
 * singly occupied orbital sits on diffuse functions (os_redox_result's
 * somo_diffuse): the electron is then mostly cavity-bound, not in a valence
 * orbital.  B3LYP/6-31+G* in DME/DOL: DME- 0.98, DOL- 0.91, acetate2- 1.01;
 * the ring pi* of TFPAA2- 0.41, of TFMBZ2- 0.12. */
#define OS_REPORT_DIFFUSE_ELECTRON 0.5

/* One molecule of the run. */
typedef struct {
    const os_molecule *mol;    /* always set (name/file at least); natom = 0 when parsing failed */
    const os_basis *bs;        /* NULL if the run failed before the basis */
    const os_scf_result *res;  /* NULL if failed */
    const char *error;         /* one-line message when failed, else NULL */
    double wall_s;             /* wall time for this molecule, s */
    int rank;                  /* filled by os_report_rank: 1 = first by the run's key among
                                  anions; 0 = not ranked */
    int rank_lumo, rank_lumo_solv, rank_reduction; /* the rank by each key (0: not ranked) */
    const char *label;         /* display name for the figure, e.g. "TFSI-" (a trailing charge
                                  sign is drawn as a superscript); NULL: mol->name */
    const os_report_solvation *solv; /* in a solvent: res is the solvated SCF; NULL: gas phase */
    const char *input_format;  /* format of the input it came from ("xyz", "sdf"); NULL: unknown */
    const char *input_sha256;  /* SHA-256 of that input's bytes (64 hex digits); NULL: unknown */
    os_status status;          /* why it failed (OS_OK when it did not, or unknown) */
    const double *gradient;    /* nuclear gradient, natom*3, Eh/bohr; NULL when not computed */
    const os_opt_result *opt;  /* the geometry optimization that led to mol (its history;
                                  mol, basis and scf are the entry's own); NULL: none */
    const char *xyz_comment;   /* with opt: the input XYZ's comment line, whose tokens
                                  <stem>.opt.xyz keeps; NULL: none */
    const os_report_redox *redox; /* NULL when not computed */
    const char *redox_error;   /* why the Delta-SCF failed, or NULL */
    const os_opt_result *red_opt; /* with redox->have_ad: the reduced species' optimization
                                  (its last geometry, basis and SCF: <stem>.red.opt.xyz) */
    int have_lumo_diffuse;     /* 1: lumo_diffuse is set */
    double lumo_diffuse;       /* share of the LUMO on the basis's diffuse functions (0..1,
                                  Mulliken; os_scf_lumo_diffuse_share); in a solvent, of the
                                  solvated LUMO */
    int have_lumo_gas_diffuse; /* in a solvent: the gas-phase LUMO's share is set */
    double lumo_gas_diffuse;
} os_report_entry;

/* Run-level header.  NULL strings are written as null / left out. */
typedef struct {
    const char *program;       /* "orbscreen" */
    const char *version;       /* OS_VERSION */
    const char *method;        /* as requested, e.g. "b3lyp" */
    const char *basis;         /* e.g. "6-31+G*" */
    const char *grid;          /* e.g. "default" or "75,302"; NULL for HF */
    const char *jk;            /* two-electron integrals requested: "df" or "exact" */
    const char *aux;           /* fitting basis requested for "df" (the default pairing's name
                                  when none was given); NULL for "exact" */
    const char *command_line;  /* the command as typed */
    const char *date;          /* ISO 8601 UTC, e.g. "2026-11-25T17:40:00Z" */
    int nthreads;              /* OpenMP threads used */
    int rank_by;               /* OS_RANK_*; OS_RANK_AUTO (0) = OS_RANK_LUMO */
    const os_scf_options *scf; /* the run's SCF options (thresholds); NULL: the defaults */
    const char *phase;         /* "gas phase" unless a solvent model is used; NULL: gas phase */
    double wall_s;             /* the run's wall time so far, s */
} os_report_run;

/* The ranking convention, as written into every report (by LUMO). */
#define OS_REPORT_RANKING_CONVENTION                                                        \
    "anions (charge < 0) that succeeded are ranked by LUMO energy, lowest first: "        \
    "rank 1 = lowest LUMO = most easily reduced; neutral molecules, cations and failed " \
    "runs are not ranked"

/* The convention of a run's ranking key (OS_RANK_*), one sentence. */
const char *os_report_ranking_convention(int rank_by);
/* 1 when the entry's LUMO rank (in the solvent when solvated) and its
 * reduction rank differ by more than OS_REPORT_RANK_DISAGREE places. */
int os_report_rank_disagrees(const os_report_entry *e);
/* The entry's gas-phase LUMO (Eh; NAN when none). */
double os_report_lumo_gas(const os_report_entry *e);

/* Fill `run` with program/version and NULL everything else. */
void os_report_run_init(os_report_run *run);

/* 1 when the entry holds a result (res set, no error). */
int os_report_entry_ok(const os_report_entry *e);

/* "rhf", "uhf", "rks" or "uks" for a result (HF when method is "hf"). */
const char *os_report_reference(const os_scf_result *res);

/* Set every entry's rank_lumo, rank_lumo_solv and rank_reduction, and rank
 * by `rank_by` (OS_RANK_*; AUTO = LUMO): succeeded anions with a value get
 * 1..k (LUMOs ascending, potentials descending; ties broken by name, then
 * input order); all others 0. */
void os_report_rank(os_report_entry *e, int n, int rank_by);

/* SVG label markup for a molecule: `label` (NULL: mol->name) XML-escaped,
 * with a trailing charge marker that matches the charge ("TFSI-", "SO4 2-")
 * removed, and the charge drawn as a real superscript (U+2212 minus in a
 * <tspan baseline-shift="super">).  NUL-terminated, truncated to n bytes. */
void os_report_svg_label(const os_molecule *mol, const char *label, char *buf, size_t n);

/* Write outside text (a name, a label, a message) to f as valid UTF-8:
 * invalid bytes as U+FFFD, control characters as blanks (CR and LF kept when
 * keep_newlines), and each `dq` character doubled (CSV quoting; 0: none). */
void os_report_put_text(FILE *f, const char *s, int keep_newlines, char dq);

/* The bonds an optimization broke or formed, described
 * (os_bond_change_describe) and joined by `sep` into buf: "C9-F10 broken
 * (2.38 A), ...".  NUL-terminated, truncated to n; "" for none or NULL. */
void os_report_bond_changes(const os_opt_result *r, const char *sep, char *buf, size_t n);

/* The phase the run's molecules are in, for captions ("gas phase"). */
const char *os_report_phase(const os_report_run *run);

/* Level of theory as printed in papers, "B3LYP/6-31+G*" (method in capitals),
 * NUL-terminated, truncated to n. */
void os_report_level_of_theory(const os_report_run *run, char *buf, size_t n);

/* Writers.  Each writes to an open stream, checks the stream's error state
 * and returns OS_ERR_IO with a message when writing failed.  They read
 * e[i].rank as set by os_report_rank. */
os_status os_report_write_json(FILE *f, const os_report_run *run, const os_report_entry *e,
                               int n, os_error *err);
os_status os_report_write_csv(FILE *f, const os_report_run *run, const os_report_entry *e,
                              int n, os_error *err);
/* Human-readable table: ranked anions in rank order, then unranked
 * molecules, then failed ones with their error, then the convention. */
os_status os_report_write_table(FILE *f, const os_report_run *run, const os_report_entry *e,
                                int n, os_error *err);
/* Orbital-level diagram of the succeeded molecules, in the order given. */
os_status os_report_write_svg(FILE *f, const os_report_run *run, const os_report_entry *e,
                              int n, os_error *err);
/* Molden file of one molecule's orbitals (see molden.c for conventions). */
os_status os_molden_write(FILE *f, const os_molecule *mol, const os_basis *bs,
                          const os_scf_result *res, os_error *err);

/* Writer callback for os_report_write_atomic. */
typedef os_status (*os_report_writer)(FILE *f, void *ctx, os_error *err);

/* OS_ERR_IO naming `what` when the stream `f` has its error flag set. */
os_status os_report_stream_status(FILE *f, const char *what, os_error *err);

/* Write `path` atomically: the writer fills `path.tmp.<pid>` (same
 * directory), which is flushed and renamed over `path`; with `durable` also
 * fsync'ed (file and directory), so that it survives a machine crash, not
 * only a killed process (a few ms per file).  On any
 * failure the temporary file is removed, `path` is left as it was and the
 * message names `path`. */
os_status os_report_write_atomic(const char *path, os_report_writer writer, void *ctx,
                                 int durable, os_error *err);

/* `len` bytes of `data` written atomically to `path` (not durable): a file
 * made elsewhere (another MPI rank's, another results folder's). */
os_status os_report_write_bytes_atomic(const char *path, const void *data, size_t len,
                                       os_error *err);

/* The JSON document alone, written atomically to `path`. */
os_status os_report_write_json_file(const char *path, const os_report_run *run,
                                    const os_report_entry *e, int n, os_error *err);

/* Create `dir` (with parents) if missing and check it can be written into:
 * lets the CLI refuse an unusable folder before any work. */
os_status os_report_prepare_dir(const char *dir, os_error *err);

/* A molecule's result as one exact line of text (record.c): every number
 * kept bit for bit, no MO coefficients.  Read back, it gives an entry whose
 * summaries (JSON, CSV, SVG, table) are byte-identical to the original's. */
typedef struct os_report_record os_report_record;
/* Write e as one newline-terminated record line. */
os_status os_report_record_write(FILE *f, const os_report_entry *e, os_error *err);
/* Parse one record line (with or without its newline). */
os_status os_report_record_parse(const char *line, os_report_record **out, os_error *err);
/* The entry a record holds (valid until os_report_record_free). */
const os_report_entry *os_report_record_entry(const os_report_record *x);
void os_report_record_free(os_report_record *x);

/* The results folder (results.c): Molden files written once per molecule, a
 * journal line per molecule (orbscreen.jsonl), summaries rewritten from a
 * snapshot, and a lock against a second run on the same folder. */
typedef struct os_results os_results;
/* Longest output stem (bytes): keeps "<stem>.molden.tmp.<pid>" a valid name. */
#define OS_REPORT_STEM_MAX 200
/* Create `dir` if missing and lock it; OS_ERR_IO naming the folder (and the
 * other run's pid) when another run holds it.  Starts a new journal; with
 * `resume` the result records of earlier runs are kept. */
os_status os_results_open(const char *dir, int resume, os_results **out, os_error *err);
/* Where a result belongs: its resume key (64 hex digits: input bytes, frame
 * and the options that change numbers), its 0-based position in the whole
 * input, and the shard K/N that ran it (1/1 without --shard). */
typedef struct {
    char key[65];
    int index, shard_k, shard_n;
} os_results_place;
/* One finished molecule: <stem>.molden when it has orbitals, <stem>.opt.xyz
 * when it was optimized (and succeeded), <stem>.red.opt.xyz when its reduced
 * species was (red_opt), its journal line, and with a place
 * (non-NULL, key set) its exact record. */
os_status os_results_add(os_results *r, const os_report_run *run, const os_report_entry *e,
                         const char *stem, const os_results_place *pl, os_error *err);
/* A record read back from a results folder, with its place and stem. */
typedef struct {
    os_results_place place;
    char stem[OS_REPORT_STEM_MAX];
    os_report_record *rec;
} os_results_saved;
/* The records of the folder `dir` in the order written (none when it has
 * none), of a key and position only the last one written; *nbad counts
 * lines that were not records. */
os_status os_results_read_records(const char *dir, os_results_saved **out, int *n, int *nbad,
                                  os_error *err);
void os_results_saved_free(os_results_saved *s, int n);
/* A resumed run (opened with `resume`): the folder's records become exactly
 * `keep` (replaced atomically), before the run adds its own. */
os_status os_results_keep_records(os_results *r, const os_results_saved *keep, int n,
                                  os_error *err);
/* orbscreen.json, orbscreen.csv and orbitals.svg from these entries (ranked). */
os_status os_results_summaries(os_results *r, const os_report_run *run,
                               const os_report_entry *e, int n, os_error *err);
void os_results_close(os_results *r);
/* Unique, file-system-safe output stems for the molecule names of a run:
 * "h2", "h2-2", ... (a later duplicate gets the first free suffix). */
void os_results_assign_stems(const char *const *names, int n, char (*stems)[OS_REPORT_STEM_MAX]);

/* What a QCSchema AtomicInput asked for, echoed into its result: "id", the
 * driver ("energy" or "gradient"; NULL: "energy") and the raw JSON text of
 * "keywords", "protocols" and "extras" (NULL: none or {}). */
typedef struct {
    const char *id;
    const char *driver;
    const char *keywords_json, *protocols_json, *extras_json;
} os_qcschema_echo;

/* QCSchema (MolSSI, schema v1) for one molecule (qcschema.c): an
 * AtomicResult when it succeeded, else a FailedOperation (success false, a
 * ComputeError) whose input_data is the AtomicInput that was run (null when
 * the molecule could not be read).  echo: NULL for none. */
os_status os_report_write_qcschema(FILE *f, const os_report_run *run, const os_report_entry *e,
                                   const os_qcschema_echo *echo, os_error *err);

/* Gaussian cube file of orbital `mo` (0-based) of spin `spin` (0 alpha, 1
 * beta) on a grid of `spacing` bohr reaching `margin` bohr beyond the atoms
 * (cube.c); nthreads for the evaluation. */
os_status os_cube_write(FILE *f, const os_molecule *mol, const os_basis *bs,
                        const os_scf_result *res, int spin, int mo, double spacing, double margin,
                        int nthreads, os_error *err);

/* Which orbitals --cube writes: "homo", "lumo", "homo-K", "lumo+K", or a
 * 1-based orbital number N. */
typedef struct {
    int kind;   /* 0 HOMO-relative, 1 LUMO-relative, 2 orbital number */
    int offset; /* K below the HOMO / above the LUMO, or N */
} os_cube_orbital;
#define OS_CUBE_MAX_ORBITALS 16
/* Parse a comma-separated list ("homo,lumo,12"). */
os_status os_cube_parse_spec(const char *spec, os_cube_orbital *sel, int *n, os_error *err);
/* The spin (0 alpha, 1 beta) and 0-based orbital an entry selects in a
 * result, and a file-name tag ("homo", "lumo+1", "mo12"); for an
 * unrestricted result the HOMO is the higher of the two spins' highest
 * occupied orbitals and the LUMO the lower of their lowest empty ones. */
os_status os_cube_resolve(const os_scf_result *res, const os_cube_orbital *sel, int *spin,
                          int *mo, char *tag, size_t ntag, os_error *err);

/* The one-line JSON form of one molecule (the journal's line), newline-terminated. */
os_status os_report_write_json_entry(FILE *f, const os_report_run *run, const os_report_entry *e,
                                     os_error *err);

/* Everything at once: open, every molecule, summaries, close.  Call
 * os_report_rank first. */
os_status os_report_write_dir(const char *dir, const os_report_run *run,
                              const os_report_entry *e, int n, os_error *err);

#endif
