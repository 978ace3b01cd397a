/* The command line's parts: options (options.c), the batch of molecules run
 * on worker threads with results written as they finish (batch.c), and one
 * QCSchema AtomicInput run for a harness (qcschema_in.c). */
#ifndef OS_CLI_H
#define OS_CLI_H
#include "orbscreen.h"
#include "report/report.h"

enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

typedef struct {
    os_scf_options scf;
    const char *basis;
    const char *basis_dir; /* --basis-dir, else found next to the executable, else NULL */
    const char *json;      /* NULL, "-" or a path */
    const char *out_dir;   /* results folder; NULL with --no-results */
    const char *qcschema_dir; /* --qcschema: one QCSchema file per molecule here, or NULL */
    const char *qcschema_in;  /* --qcschema-in: run this AtomicInput ("-": stdin), or NULL */
    os_cube_orbital cube[OS_CUBE_MAX_ORBITALS]; /* --cube: orbitals written as cube files */
    int ncube;
    int charge, mult, has_charge, has_mult;
    int pure;
    int threads, jobs;
    const char *solvent;   /* --solvent: the name (canonical after cli_parse), or NULL */
    double eps;            /* --eps, else --solvent's dielectric constant; 0 = gas phase */
    int verbose, quiet;
    int gradient;          /* --gradient: nuclear gradient after each SCF */
    int opt;               /* --opt: optimize each geometry first (src/opt/) */
    int opt_max_steps;     /* --opt-steps: gradients at most per optimization */
    int ion_starts;        /* --ion-starts: orbitals a diffuse reduced species' electron is
                              started in (the LUMO and those above it) */
    int conv_given;        /* --e-conv (1) and/or --d-conv (2) given */
    int gas;               /* --gas: gas phase only (no default solvent, no Delta-SCF) */
    int reduction;         /* --reduction: vertical Delta-SCF reduction potential (on by
                              default: see cli_parse) */
    int oxidation;         /* --oxidation: and the oxidation potential */
    int rank_by;           /* OS_RANK_* (never OS_RANK_AUTO after cli_parse) */
    int resume;            /* --resume: keep the results folder's finished molecules */
    int shard_k, shard_n;  /* --shard K/N: molecules at 0-based positions p, p % N == K-1 */
    char **inputs;
    int ninput;
    char exe_basis_dir[4096]; /* storage for a basis_dir found next to the executable */
} cli_options;

/* Parse argv into o.  Returns -1 to go on, else the exit code (usage errors,
 * --help, --version), having printed what the user needs. */
int cli_parse(int argc, char **argv, cli_options *o);

/* "orbscreen: MSG" on stderr, MSG written terminal-safe (it may quote what
 * the user typed: invalid UTF-8, escape sequences). */
void cli_error(const char *msg);

/* orbscreen merge OUT DIR...: the result folders of shards (or of separate
 * runs) combined into one results folder (merge.c); returns the exit code. */
int cli_run_merge(int argc, char **argv);

/* Run every input and write the results; returns the exit code. */
int cli_run_batch(const cli_options *o, int argc, char **argv);

/* One molecule's computation: basis, SCF, and in a solvent its solvation. */
typedef struct {
    os_basis bs;
    os_scf_result res;            /* in a solvent: the solvated SCF */
    os_report_solvation solv;     /* valid when have_solv */
    char model[320];              /* the solvent model's description */
    int have_bs, have_res, have_solv;
    double *grad;                 /* --gradient: natom*3, Eh/bohr; NULL otherwise */
    os_report_redox redox;        /* --reduction/--oxidation: valid when have_redox */
    char redox_error[OS_MSG_LEN]; /* why the Delta-SCF failed ("" when it did not) */
    int have_redox, have_diffuse, have_gas_diffuse;
    double lumo_diffuse;          /* share of the LUMO on diffuse functions */
    double gas_diffuse;           /* the same for the gas-phase LUMO (in a solvent) */
    os_opt_result opt;            /* --opt: valid when have_opt; its basis and SCF moved here */
    int have_opt;
    os_scf_result red_ion;        /* --opt --reduction: the vertical reduced species' SCF at the
                                     N-electron optimum, the start of its optimization (valid
                                     when have_red_ion) */
    int have_red_ion;
    os_opt_result red_opt;        /* --opt --reduction: the reduced species' optimization
                                     (valid when have_red_opt) */
    int have_red_opt;
    char comment[1024];           /* --opt: the input's comment-line tags, kept in .opt.xyz */
    char traj_prefix[4096];       /* --opt with a results folder: "<folder>/<stem>", the
                                     optimizations' paths written to <prefix>.opt-trj.xyz and
                                     <prefix>.red.opt-trj.xyz as they go ("": none) */
} cli_calc;

/* Basis and SCF (gas phase, then solvated with --solvent/--eps) and, with
 * --gradient, the nuclear gradient of a molecule whose charge and multiplicity are set, with the options' basis,
 * method and threads (batch.c).  c starts zeroed; free with cli_calc_free. */
os_status cli_compute(const cli_options *o, const os_molecule *mol, cli_calc *c, os_error *err);
void cli_calc_free(cli_calc *c);

/* The phase for reports: "gas phase", or the solvent ("in dme (C-PCM, eps =
 * 7.2)") written into buf. */
const char *cli_phase(const cli_options *o, char *buf, size_t n);

/* --qcschema-in: one AtomicInput in, its AtomicResult (or FailedOperation)
 * on stdout (qcschema_in.c); returns the exit code. */
int cli_run_qcschema(const cli_options *o);

#ifdef ORBSCREEN_MPI
/* Across MPI ranks (mpi_batch.c, only in a -DORBSCREEN_MPI=ON build). */
void cli_mpi_init(int *argc, char ***argv);
void cli_mpi_finalize(void);
int cli_mpi_rank(void);
int cli_mpi_size(void);
/* Ranks on this rank's node (they share its memory). */
int cli_mpi_node_size(void);
/* Rank 0: hand the molecules todo[0..n) (in that order) to ranks 1..size-1
 * as they become free; done(ctx, k, blob, len) for each result as it
 * arrives (blob is the callee's to free; NULL when lost).  Tells every rank
 * to stop at the end.  Returns 0, or -1 when MPI failed. */
int cli_mpi_dispatch(const int *todo, int n, void (*done)(void *ctx, int k, char *blob, size_t len),
                     void *ctx);
/* Ranks > 0: compute(ctx, k, &len) for each molecule k handed out, its blob
 * sent back to rank 0 (and freed), until rank 0 says stop. */
void cli_mpi_serve(char *(*compute)(void *ctx, int k, size_t *len), void *ctx);
#endif

#endif
