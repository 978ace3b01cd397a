/*
 * orbscreen — frontier-orbital energies (HOMO/LUMO) of molecules, and a
 * ranking of anions by how easily they are reduced.
 *
 * Public API of liborbscreen.  Conventions:
 *   - atomic units inside: lengths in bohr, energies in Hartree (Eh);
 *     Angstrom and eV appear only at the edges (XYZ parsing, reports).
 *   - matrices are flat row-major double arrays; the caller owns every buffer.
 *   - every fallible call returns an os_status and, when `err` is non-NULL,
 *     fills a one-line message.  Library code never prints to stdout and
 *     never exits.
 */
#ifndef ORBSCREEN_H
#define ORBSCREEN_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OS_VERSION "0.2.0"

/* CODATA 2018. */
#define OS_BOHR_ANGSTROM 0.529177210903   /* 1 bohr in Angstrom */
#define OS_HARTREE_EV 27.211386245988     /* 1 Eh in eV */

/* ------------------------------------------------------------------ errors */

typedef enum {
    OS_OK = 0,
    OS_ERR_IO,       /* a file cannot be opened, read or written */
    OS_ERR_PARSE,    /* malformed input text */
    OS_ERR_INPUT,    /* well-formed but impossible input (charge/mult, atoms too close, ...) */
    OS_ERR_BASIS,    /* unknown basis set, or an element it does not cover */
    OS_ERR_METHOD,   /* unknown method or functional */
    OS_ERR_NOMEM,    /* allocation failed */
    OS_ERR_NOCONV,   /* SCF did not converge */
    OS_ERR_NUMERIC,  /* NaN/Inf, or a failed linear-algebra step */
    OS_ERR_INTERNAL  /* a bug or an unsupported case inside orbscreen */
} os_status;

#define OS_MSG_LEN 512
/* One-line error message; caller owns it. */
typedef struct {
    char msg[OS_MSG_LEN];
} os_error;

/* Short name of a status ("parse error", ...). */
const char *os_status_name(os_status st);

/* ------------------------------------------------------------ build info */

/* What this orbscreen was built from (static strings). */
typedef struct {
    const char *version;    /* OS_VERSION */
    const char *git_commit; /* `git describe` of the source at build time, or "unknown" */
    const char *libint2;    /* libint2 version ("2.7.2") */
    const char *libxc;      /* libxc version, as the linked library reports it */
    const char *openblas;   /* OpenBLAS's configuration string, version first */
} os_build_info;

/* Fill `bi` with the versions above. */
void os_build_info_get(os_build_info *bi);

/* -------------------------------------------------------------- threading */

/* orbscreen parallelizes with OpenMP around its BLAS calls, on the thread
 * counts passed to each call (os_scf_options.nthreads); BLAS should then run
 * single-threaded inside each call.  BLAS's thread count is process-wide:
 * the application sets it once, before any work (the CLI calls
 * os_blas_set_threads(1)). */
void os_blas_set_threads(int n);

/* Memory the machine can give now (Linux MemAvailable), MiB; 0 if unknown. */
size_t os_memory_available_mb(void);

/* ---------------------------------------------------------------- molecule */

#define OS_MAX_ATOMS 5000
#define OS_MAX_Z 86          /* highest element orbscreen computes (Rn: DFT grid data) */
#define OS_MAX_Z_KNOWN 118   /* highest element whose symbol is recognized (Og) */
#define OS_MAX_CHARGE 1000   /* |charge| accepted from a file or the command line */
#define OS_MAX_MULT 1000     /* highest multiplicity accepted */
/* Most key=value tags kept per molecule; more is an error (hostile input). */
#define OS_MAX_TAGS 256

/* A key=value tag from the input: every key=value token of an XYZ comment
 * line (charge=, smiles=, ...), an SDF record's title and data items. */
typedef struct {
    char *key, *value;
} os_tag;

typedef struct {
    char name[256];   /* file base name without directory and .xyz */
    char label[64];   /* display name from the comment line's name= (e.g. "TFSI-"), or "" */
    char file[1024];  /* path as given */
    int natom;
    int *Z;           /* atomic numbers, natom */
    double *xyz;      /* Cartesian coordinates, natom*3, bohr */
    int charge;       /* net charge, e */
    int mult;         /* spin multiplicity 2S+1 */
    int has_charge;   /* 1 when the XYZ comment line gave charge= */
    int has_mult;     /* 1 when the XYZ comment line gave mult=/multiplicity= */
    int frame;        /* 1-based frame (XYZ) or record (SDF) within its file */
    int nframe;       /* molecules in that file (1 for a plain XYZ file) */
    int ntag;
    os_tag *tags;     /* ntag tags in input order (owned; freed by os_molecule_free) */
} os_molecule;

/* Read a standard XYZ file (coordinates in Angstrom).  Errors name the file
 * and line.  `charge=N` and `mult=N` (or `multiplicity=N`) tokens on the
 * comment line set charge/mult and the has_* flags; otherwise they are 0/1;
 * `name=LABEL` sets the display label.
 * On failure natom is 0 and no arrays are held, but name and file are set so
 * the molecule can still be reported. */
os_status os_molecule_read_xyz(const char *path, os_molecule *mol, os_error *err);
/* Same, from a text buffer; `label` stands for the file name in messages. */
os_status os_molecule_parse_xyz(const char *text, size_t len, const char *label,
                                os_molecule *mol, os_error *err);
/* A molecule's name from its file: the base name without directory and a
 * trailing ".xyz", ".sdf", ".sd" or ".mol" (any case), NUL-terminated,
 * truncated to n bytes. */
void os_molecule_name_from_path(const char *path, char *name, size_t n);
/* Set charge and multiplicity, checking their bounds (OS_MAX_CHARGE,
 * OS_MAX_MULT) and that they fit the electron count; messages point at the
 * comment line (FILE:2:) when a value is the one it gave. */
os_status os_molecule_set_state(os_molecule *mol, int charge, int mult, os_error *err);
/* OS_OK when the molecule's atoms, charge and multiplicity are usable (the
 * checks of os_molecule_set_state); os_scf_run checks this first. */
os_status os_molecule_check_state(const os_molecule *mol, os_error *err);
/* The molecule in messages: its file as given, else its name. */
const char *os_molecule_label(const os_molecule *mol);
/* Number of electrons (sum Z - charge). */
int os_molecule_nelectron(const os_molecule *mol);
/* Nuclear repulsion energy, Eh. */
double os_molecule_nuclear_repulsion(const os_molecule *mol);
/* Hill-order formula ("C8H4F3O2"), NUL-terminated, truncated to n. */
void os_molecule_formula(const os_molecule *mol, char *buf, size_t n);
/* Element symbol for Z = 1..OS_MAX_Z_KNOWN ("?" when out of range). */
const char *os_element_symbol(int Z);
/* Atomic number (1..OS_MAX_Z_KNOWN) of a case-insensitive symbol, 0 when unknown. */
int os_element_from_symbol(const char *sym);
void os_molecule_free(os_molecule *mol);
/* Deep copy of src into dst (dst is overwritten, not freed first). */
os_status os_molecule_copy(const os_molecule *src, os_molecule *dst, os_error *err);
/* Append a tag (copies of [key, key+klen) and [value, value+vlen)). */
os_status os_molecule_add_tag(os_molecule *mol, const char *key, size_t klen, const char *value,
                              size_t vlen, os_error *err);
/* Value of the last tag named `key` (case-insensitive), NULL when absent. */
const char *os_molecule_tag(const os_molecule *mol, const char *key);

/* ------------------------------------------------------------------ inputs */

/* One input (a file, or standard input for "-") read once and split into
 * its molecules: the frames of a multi-frame XYZ file or the records of an
 * SDF/MOL file (V2000 or V3000).  The format is recognized by content, the
 * file name's extension breaking ties; anything else is refused as an
 * unsupported format.  Molecules are named after the file ("water"), or
 * "file#n" when the file holds several, unless the frame carries a name
 * (name= on an XYZ comment line, the title line of an SDF record). */
typedef struct os_input os_input;
/* Read and split `path` ("-": standard input).  A file that cannot be read
 * or recognized is an error; a file broken after some good molecules is not:
 * its count includes one last molecule whose parsing gives the error. */
os_status os_input_open(const char *path, os_input **out, os_error *err);
int os_input_count(const os_input *in);
/* Parse molecule i (0-based) into mol; safe to call from several threads.
 * On failure mol still has its name, file and frame. */
os_status os_input_molecule(const os_input *in, int i, os_molecule *mol, os_error *err);
const char *os_input_path(const os_input *in);      /* as given ("-" for stdin) */
const char *os_input_format(const os_input *in);    /* "xyz" or "sdf" */
const char *os_input_sha256(const os_input *in);    /* of the bytes read, 64 hex digits */
/* Name of molecule i: see above (NUL-terminated, truncated to n bytes). */
void os_input_name(const os_input *in, int i, char *name, size_t n);
void os_input_free(os_input *in);

/* ------------------------------------------------------------------- basis */

/* A contracted shell.  Coefficients include the primitive normalization so
 * that the contracted Cartesian component x^l (and every solid harmonic) is
 * normalized to one; see basis.c for the Cartesian-component convention. */
typedef struct {
    int l;             /* angular momentum */
    int pure;          /* 1: 2l+1 solid harmonics, 0: (l+1)(l+2)/2 Cartesians */
    int nprim;
    const double *alpha; /* exponents, bohr^-2 */
    const double *coef;  /* normalized contraction coefficients */
    double origin[3];  /* bohr */
    int atom;          /* index into the molecule */
    int bf0;           /* index of the shell's first basis function */
    int nbf;           /* functions in the shell */
} os_shell;

typedef struct {
    char name[64];     /* canonical basis name, e.g. "6-31+G*" */
    int nshell;
    os_shell *shells;  /* ordered by atom, then as in the library file */
    int nbf;
    int max_l;
    int max_nprim;
    int *atom_shell0;  /* natom+1: shells of atom A are atom_shell0[A]..[A+1]-1 */
    double *store;     /* one allocation backing alpha/coef */
} os_basis;

enum { OS_PURE_DEFAULT = -1, OS_CARTESIAN = 0, OS_SPHERICAL = 1 };

/* Build the basis for `mol` from the Gaussian94 library in `basis_dir`
 * (NULL: os_basis_default_dir()).  `name` is case-insensitive and accepts the
 * usual aliases (6-31+G(d) = 6-31+G*).  `pure` overrides the family's
 * Cartesian/spherical convention unless OS_PURE_DEFAULT. */
os_status os_basis_load(const os_molecule *mol, const char *name, const char *basis_dir,
                        int pure, os_basis *bs, os_error *err);
/* OS_OK when `name` is a known basis set (to reject a bad name before any work). */
os_status os_basis_check(const char *name, os_error *err);
/* Directory searched when basis_dir is NULL: $ORBSCREEN_BASIS_DIR, else the
 * build-time default. */
const char *os_basis_default_dir(void);
void os_basis_free(os_basis *bs);

/* The fitting (auxiliary) basis of density fitting for `mol`: the JKFIT set
 * `aux` (case-insensitive, e.g. "cc-pVDZ-JKFIT"), or with aux NULL the set
 * Psi4 1.3.2 pairs with the orbital basis (heavy-aug-cc-pVDZ-JKFIT for
 * 6-31+G*, ...).  Elements the set lacks come from def2-QZVPP-JKFIT (then the
 * name says "+def2-QZVPP-JKFIT"); spherical or Cartesian as `orbital` is. */
os_status os_basis_load_aux(const os_molecule *mol, const os_basis *orbital, const char *aux,
                            const char *basis_dir, os_basis *bs, os_error *err);
/* OS_OK when `name` is a known fitting set. */
os_status os_basis_check_aux(const char *name, os_error *err);
/* Canonical name of Psi4's default fitting set for an orbital basis name, NULL if none. */
const char *os_basis_default_aux(const char *orbital);

/* --------------------------------------------------------------------- SCF */

/* A potential added to the Fock matrix by a model outside the SCF (the
 * solvent's reaction field is one).  The SCF calls `build` once per cycle
 * with the total density P = Da + Db (nbf*nbf); the term adds its
 * spin-independent potential matrix to V (nbf*nbf) and sets *energy, its
 * contribution to the total energy (Eh), which need not be Tr(P V). */
typedef struct {
    const char *name;      /* e.g. "pcm", for logs and reports */
    void *ctx;             /* the model's own state, passed back to build */
    os_status (*build)(void *ctx, const double *P, double *V, double *energy, os_error *err);
    /* Optional (NULL: the term adds nothing to nuclear gradients): adds the
     * derivative of the term's energy with respect to the nuclei, for the
     * converged total density P, to grad (natom*3, Eh/bohr).  Called by
     * os_scf_gradient. */
    os_status (*gradient)(void *ctx, const double *P, double *grad, os_error *err);
    /* 1 when the potential is not the derivative of the energy with respect to
     * P (NWChem's COSMO Fock term): the SCF then never minimizes the energy
     * directly (os_scf_options.solver), it only makes the Fock matrix
     * self-consistent. */
    int not_derivative;
} os_scf_potential;

/* Where the SCF starts. */
enum {
    OS_GUESS_SAD = 0,      /* superposition of atomic densities (default) */
    OS_GUESS_CORE,         /* orbitals of the core Hamiltonian */
    OS_GUESS_ORBITALS      /* orbitals of an earlier result (guess_orbitals), reoccupied */
};

typedef struct os_scf_result os_scf_result;

/* J/K integrals (density fitting) and DFT grids that several SCFs of the
 * same nuclei and basis share: the gas-phase, solvated and Delta-SCF runs of
 * one molecule.  The first SCF given it fills it; a later one reuses what it
 * holds when nuclei, basis, exchange, fitting basis, grid and threads are
 * the same, and replaces it otherwise.  os_scf_gradient given it takes the
 * fitted tensors and grid from it when they are this geometry's (the same
 * gradient, without recomputing them).  One SCF at a time may use it; free
 * it after the last.  Exact (four-centre) J/K is never shared. */
typedef struct os_scf_shared os_scf_shared;
os_status os_scf_shared_new(os_scf_shared **out, os_error *err);
void os_scf_shared_free(os_scf_shared *sh);

typedef struct {
    const char *method;    /* "hf" or a functional name/alias (see xc.c); NULL = "b3lyp" */
    const char *grid;      /* "coarse", "default", "fine" or "RADIAL,ANGULAR"; NULL = default */
    int max_iter;          /* default 100 */
    double e_conv;         /* |dE| threshold, Eh; default 1e-9 (tight enough for gradients;
                              OS_SCF_E_CONV_ENERGY for energies alone) */
    double g_conv;         /* RMS of the orbital gradient X^T (FDS-SDF) X (Psi4's d_convergence);
                              default 1e-7 (OS_SCF_G_CONV_ENERGY for energies alone) */
    double lindep;         /* drop overlap eigenvalues below this; default 1e-7 */
    double schwarz;        /* integral screening threshold; default 1e-12 */
    const char *jk;        /* two-electron integrals: "df" (density fitting, the default when
                              NULL) or "exact" (four-centre integrals) */
    const char *aux;       /* fitting basis for "df" (e.g. "cc-pVDZ-JKFIT"); NULL: the set
                              Psi4 pairs with the orbital basis (os_basis_load_aux) */
    const char *basis_dir; /* library the fitting basis is read from; NULL: the default */
    int nthreads;          /* threads for every parallel loop of this SCF; 0 = OpenMP's default */
    size_t memory_mb;      /* integral cache (semi-direct SCF), MiB; 0 = half the memory
                              available when the SCF starts (os_memory_available_mb) */
    int unrestricted;      /* -1 auto (UHF/UKS when mult > 1), 0 force restricted, 1 force unrestricted */
    int guess;             /* OS_GUESS_*; default OS_GUESS_SAD */
    const os_scf_result *guess_orbitals; /* OS_GUESS_ORBITALS: a result in a basis of the same
                                            size (another charge, spin or geometry) */
    const os_scf_potential *potentials;  /* external terms, npotentials of them (NULL: none) */
    int npotentials;
    FILE *log;             /* one line per SCF cycle when non-NULL */
    os_scf_shared *shared; /* NULL, or J/K integrals and DFT grids shared with other SCFs of
                              the same nuclei and basis (os_scf_shared_new) */
    int stability;         /* OS_STABILITY_*: after convergence, check that the result is a
                              minimum, not a saddle point, and follow a saddle point down.
                              Not run with an external term whose potential is not the
                              energy's derivative (not_derivative; result.stability_skipped) */
    int solver;            /* OS_SCF_SOLVER_*; default OS_SCF_SOLVER_AUTO */
} os_scf_options;

/* os_scf_options.solver: how the orbitals of the next cycle are found. */
enum {
    OS_SCF_SOLVER_AUTO = 0,   /* DIIS (with ADIIS far from convergence); once DIIS has not
                                 halved its best orbital gradient in 20 cycles, direct
                                 minimization of the energy over orbital rotations
                                 (quasi-Newton, L-BFGS) from where it stands */
    OS_SCF_SOLVER_DESCENT = 1 /* direct minimization from the first orbitals (the SAD guess's
                                 first diagonalization, or the guess orbitals) */
};

/* Thresholds for an energy and its orbitals alone (Psi4's energy() defaults,
 * e_convergence and d_convergence): the energy's error is second order in
 * the orbital gradient, ~1e-10 Eh here.  A gradient is first order in it:
 * os_scf_options_default's tighter 1e-9 / 1e-7 are for those. */
#define OS_SCF_E_CONV_ENERGY 1e-6 /* Eh */
#define OS_SCF_G_CONV_ENERGY 1e-6

/* os_scf_options.stability */
enum {
    OS_STABILITY_OFF = 0,    /* not checked (the result may be a saddle point) */
    OS_STABILITY_ALWAYS = 1, /* checked after every SCF until the sign of the lowest
                                eigenvalue is clear (DFT: XC kernel on the early coarse grid;
                                result.stability_eig is then an upper bound) */
    OS_STABILITY_EXACT = 2,  /* checked, the lowest eigenvalue converged to ~1e-8 Eh on the
                                final grid (slower) */
    OS_STABILITY_AUTO = 3    /* default: checked where a saddle point is plausible: open-shell
                                or unrestricted, a HOMO-LUMO gap under 0.1 Eh (2.7 eV), or a
                                density that is not aufbau; otherwise skipped, with the gap as
                                the reason (result.stability_skipped) */
};

/* Fill `opt` with the defaults above. */
void os_scf_options_default(os_scf_options *opt);
/* OS_OK when the method, grid, J/K choice and fitting basis in `opt` are
 * known (checked before any work). */
os_status os_scf_options_check(const os_scf_options *opt, os_error *err);

struct os_scf_result {
    int converged;
    int iterations;
    double e_conv, g_conv; /* the thresholds this SCF used: |dE| (Eh), max |FDS-SDF| */
    double last_de;        /* |dE| of the last iteration, Eh (the final residual) */
    double last_gradient;  /* max |X^T (FDS - SDF) X| of the last iteration */
    int unrestricted;
    double energy;         /* total energy, Eh */
    double e_nuc;          /* nuclear repulsion, Eh */
    double e_xc;           /* exchange-correlation energy, Eh (0 for HF) */
    double e_ext;          /* energy of the external potentials (options.potentials), Eh */
    double nelec_grid;     /* integrated density (DFT), electrons */
    size_t peak_memory_bytes; /* most memory this SCF held at once: integrals kept by the J/K
                                 builder, grid, XC work space, matrices, DIIS history (bytes);
                                 counted per molecule, so it holds with several side by side */
    int nbf, nmo;          /* basis functions; orbitals kept after orthogonalization */
    int n_dropped;         /* functions dropped as linearly dependent */
    double s_min_eig;      /* smallest overlap eigenvalue */
    double lindep;         /* threshold below which overlap eigenvalues were dropped */
    int nalpha, nbeta;
    double *eps_a, *eps_b; /* orbital energies, nmo, Eh (eps_b == NULL when restricted) */
    double *C_a, *C_b;     /* MO coefficients, nbf*nmo row-major (C[mu*nmo+i]) */
    double *occ_a, *occ_b; /* occupation of each orbital per spin (0..1), nmo (occ_b NULL when
                              restricted: then every orbital holds 2*occ_a electrons) */
    double homo, lumo;     /* Eh; over both spins when unrestricted */
    int homo_lumo_degenerate; /* 1: HOMO and LUMO closer than OS_SCF_DEGENERATE_EH (occupation
                                 ambiguous; see warning) */
    double s2;             /* <S^2> of the determinant (UHF/UKS: spin contamination shows here) */
    double s2_exact;       /* S(S+1) of the state asked for, S = (nalpha - nbeta)/2 */
    double stability_eig;  /* lowest eigenvalue of the orbital Hessian (real rotations within
                              the restricted or unrestricted space), Eh; NAN when not checked */
    double stability_curvature; /* with options.stability = 2: the energy's second derivative
                                   along that mode from energies alone (4x the eigenvalue
                                   restricted), a check of it; NAN otherwise */
    char stability_skipped[160]; /* "" or why the stability check did not run although
                                    asked for (e.g. an external term such as a solvent) */
    char warning[256];     /* "" or a one-line warning about the result */
    char method[64];       /* canonical method name */
    char grid[32];         /* "R,A" actually used (DFT), "" for HF */
    char jk[16];           /* two-electron integrals used: "df" or "exact" */
    char aux[64];          /* fitting basis of "df" (e.g. "heavy-aug-cc-pVDZ-JKFIT"), else "" */
};

/* HOMO-LUMO gaps below this (Eh) make the aufbau occupation ambiguous. */
#define OS_SCF_DEGENERATE_EH 1e-3

/* Run an SCF for `mol` in basis `bs`.  A run that does not converge returns
 * OS_ERR_NOCONV (the result is kept for inspection but is not a result). */
os_status os_scf_run(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                     os_scf_result *res, os_error *err);
void os_scf_result_free(os_scf_result *res);
/* Share of the LUMO (over both spins) on the basis's diffuse functions: the
 * Mulliken population sum_{mu diffuse} c_mu (S c)_mu of the orbital, where
 * the diffuse shells are those the augmented basis adds to its parent
 * (6-31+G* over 6-31G*, aug-cc-pVDZ over cc-pVDZ, def2-SVPD over def2-SVP):
 * per atom and angular momentum, shells more diffuse than the parent's most
 * diffuse one.  *share = NAN when the basis has no such parent or no LUMO. */
os_status os_scf_lumo_diffuse_share(const os_molecule *mol, const os_basis *bs,
                                    const char *basis_dir, const os_scf_result *res,
                                    int nthreads, double *share, os_error *err);
/* The same share for the singly occupied orbital of an open-shell result
 * with more alpha than beta electrons (its highest occupied alpha orbital:
 * where a reduction put the electron).  *share = NAN when there is none. */
os_status os_scf_somo_diffuse_share(const os_molecule *mol, const os_basis *bs,
                                    const char *basis_dir, const os_scf_result *res,
                                    int nthreads, double *share, os_error *err);
/* Spin density matrix (nbf*nbf) of a result: spin 0 alpha, 1 beta (the
 * alpha one again when restricted). */
os_status os_scf_density(const os_scf_result *res, int spin, double *D, os_error *err);

/* ----------------------------------------------------------------- solvent */

/* Conductor-like implicit solvent (C-PCM / COSMO): the solute's potential
 * polarizes Gaussian surface charges q on a cavity of atomic spheres,
 *   q = -f(eps) A^-1 (V + lambda 1),
 * whose polarization energy G_pol = 1/2 q.V is added to the SCF energy and
 * whose derivative dG_pol/dP enters the Fock matrix (an os_scf_potential).
 * docs/solvent.md describes the model, its parameters and their sources. */

/* How the cavity surface is discretized. */
enum {
    OS_CAVITY_SWIG = 0,   /* Lebedev points on each sphere, switching/Gaussian elements of
                             Lange & Herbert (J. Chem. Phys. 133, 244111 (2010)) (default) */
    OS_CAVITY_NWCHEM      /* NWChem 7.0.2's York-Karplus COSMO: subdivided octahedron,
                             its switching and Gaussian widths (reproduces its numbers) */
};
/* Screening factor f(eps). */
enum {
    OS_SOLVENT_CPCM = 0,  /* (eps - 1)/eps (default; NWChem's "screen st") */
    OS_SOLVENT_COSMO      /* (eps - 1)/(eps + 1/2) (Klamt's COSMO) */
};
/* The solvent's term in the Fock matrix.  They differ only for a charged
 * solute with the charge constraint (docs/solvent.md, "Fock term"). */
enum {
    OS_SOLVENT_FOCK_VARIATIONAL = 0, /* dG_pol/dP: the SCF minimizes E_0 + G_pol (default);
                                        the analytic gradient needs no response equations */
    OS_SOLVENT_FOCK_NWCHEM           /* the potential of the current charges q, as NWChem's
                                        COSMO (reproduces its numbers; for an ion with the
                                        constraint not the derivative of G_pol: no gradient) */
};
/* Atomic radii before scaling. */
enum {
    OS_RADII_BONDI = 0,   /* Bondi 1964, Mantina et al. 2009 for main-group elements Bondi lacks */
    OS_RADII_UFF          /* UFF (Rappe et al. 1992), half the van der Waals distance x_i */
};

typedef struct {
    double eps;            /* static dielectric constant of the solvent (> 1) */
    int scaling;           /* OS_SOLVENT_CPCM or OS_SOLVENT_COSMO */
    int radii;             /* OS_RADII_* */
    double radii_scale;    /* cavity radius = scale x table radius; default 1.2 */
    const double *radii_bohr; /* per-atom cavity radii (bohr) instead of the table; NULL */
    int cavity;            /* OS_CAVITY_SWIG or OS_CAVITY_NWCHEM */
    int npoints;           /* SWIG: Lebedev points per sphere (default 110);
                              NWCHEM: tessellation level minbem (default 2: 32 per sphere) */
    int icosahedron;       /* NWCHEM only: start from the icosahedron (ificos 1) */
    int charge_constraint; /* 1 (default): sum q = -f Q exactly (NWChem's Lagrangian
                              correction); 0: none */
    int fock;              /* OS_SOLVENT_FOCK_*: the solvent's term in the Fock matrix */
    int nthreads;          /* threads for the surface integrals; 0 = OpenMP's default */
    size_t memory_mb;      /* basis-surface integrals kept in memory up to this, MiB (else
                              recomputed each SCF cycle); 0 = 1024 */
    const struct os_solvent *share; /* NULL, or a model whose basis-surface integrals a new
                              model reuses when they are its own (same basis, same surface
                              points: an ion at the same geometry); it must outlive the
                              new model */
} os_solvent_options;

typedef struct os_solvent os_solvent;

/* Defaults: eps 78.4 (water), C-PCM, Bondi x 1.2, SWIG with 110 points,
 * charge constraint on, variational Fock term. */
void os_solvent_options_default(os_solvent_options *o);
/* The cavity, its factorized A matrix and the basis-surface integrals for
 * `mol` (at its current geometry) in basis `bs`; both must outlive the model. */
os_status os_solvent_new(const os_molecule *mol, const os_basis *bs,
                         const os_solvent_options *o, os_solvent **out, os_error *err);
/* The model as an external term for os_scf_options.potentials (valid while
 * the model lives), with its analytic nuclear gradient (os_scf_gradient):
 * the surface charges' interaction with the nuclei and electrons, the A
 * matrix with its switching functions, the points moving with their atoms. */
os_scf_potential os_solvent_potential(os_solvent *s);
/* G_pol = 1/2 q.V (Eh) at the last density the SCF passed in (0 before any). */
double os_solvent_energy(const os_solvent *s);
/* Number of surface points (elements) of the cavity. */
int os_solvent_npoints(const os_solvent *s);
/* The surface: positions (3n, bohr) and the last charges q (n, e); either may be NULL. */
void os_solvent_surface(const os_solvent *s, const double **xyz, const double **q);
/* One-line description of the model ("C-PCM f=(eps-1)/eps eps=7.2, SWIG 110 Lebedev
 * points/sphere, 457 elements, Bondi radii x 1.20, charge constraint"). */
const char *os_solvent_describe(const os_solvent *s);
void os_solvent_free(os_solvent *s);

/* Dielectric constant of a named solvent (case-insensitive: water,
 * acetonitrile, thf, dme, dol, dme-dol, ec, dmc, dec; see docs/solvents.md);
 * *canonical gets the table's name.  OS_ERR_INPUT listing the names when unknown. */
os_status os_solvent_lookup(const char *name, double *eps, const char **canonical,
                            os_error *err);
/* 1 kcal/mol in Eh units: E_kcal = E_Eh * OS_HARTREE_KCAL. */
#define OS_HARTREE_KCAL 627.509474063 /* CODATA 2018 Eh, 4.184 J/cal */
/* ------------------------------------------------------ reduction (Delta-SCF) */

/* Absolute electrode potential of Li+/Li, V: E_abs(SHE) = 4.44 V (Trasatti,
 * Pure Appl. Chem. 58, 955 (1986), IUPAC) minus 3.04 V (Li+/Li vs SHE),
 * as the Electrolyte Genome work shifts to the Li scale (Qu et al., Comput.
 * Mater. Sci. 103, 56 (2015)).  docs/reduction.md. */
#define OS_LI_ABS_POTENTIAL_V 1.40

/* The convention of every reported potential. */
#define OS_REDOX_CONVENTION                                                                 \
    "vertical Delta-SCF at the N-electron geometry, same model (method, basis, solvent) "  \
    "for both species: E_red = -(E(N+1) - E(N))/F - 1.40 V, E_ox = (E(N-1) - E(N))/F - "   \
    "1.40 V, vs Li/Li+ (absolute SHE 4.44 V, Li+/Li -3.04 V vs SHE); the electronic "      \
    "energy difference stands in for the free energy (no zero-point, thermal or entropy "  \
    "terms); higher E_red = reduced more easily"

/* Charge and multiplicity of `mol` with `dn` electrons more (+1, reduction)
 * or fewer (-1, oxidation): a singlet becomes a doublet, a state with
 * unpaired electrons loses one (mult - 1: the electron pairs with, or is
 * taken from, an unpaired one). */
void os_redox_state(const os_molecule *mol, int dn, int *charge, int *mult);

typedef struct {
    int dn;                /* +1: reduction (N+1 electrons), -1: oxidation (N-1) */
    int charge, mult;      /* of the ion */
    double e_n;            /* E(N), Eh: the parent result's energy */
    double e_ion;          /* E(N+dn), Eh, same model */
    double e_pol_ion;      /* the ion's G_pol, Eh (0 in the gas phase) */
    double s2, s2_exact;   /* the ion's <S^2> and S(S+1) */
    double lumo_ion, homo_ion; /* the ion's frontier orbital energies, Eh */
    int iterations;        /* of the ion's SCF */
    double potential_v;    /* vs Li/Li+, V (OS_REDOX_CONVENTION) */
    double somo_diffuse;   /* reduction: share of the ion's singly occupied orbital on the
                              diffuse functions (os_scf_somo_diffuse_share), set by the
                              caller; NAN when not computed */
    double stability_eig;  /* the ion's lowest orbital-Hessian eigenvalue, Eh (its SCF's
                              stability check); NAN when not checked */
    int start;             /* reduction: the parent's virtual orbital the extra electron
                              started in, counted above the LUMO (0: the LUMO) */
    int starts;            /* reduction: starts tried for the kept state (1: the LUMO alone;
                              set by the caller that tries more) */
} os_redox_result;

/* Vertical Delta-SCF: the ion of `mol` (os_redox_state) at the same geometry
 * and basis, with the same SCF options and, when `solvent` is not NULL, the
 * same continuum model (its own surface charges; same cavity, eps, scaling),
 * started from the orbitals of `parent` (the converged N-electron result of
 * that same model).  ion: NULL, or gets the ion's SCF result (caller frees). */
os_status os_redox_vertical(const os_molecule *mol, const os_basis *bs,
                            const os_scf_options *scf, const os_solvent_options *solvent,
                            const os_scf_result *parent, int dn, os_redox_result *out,
                            os_scf_result *ion, os_error *err);

/* The reduced species (dn = +1) of os_redox_vertical with its extra electron
 * started in the parent's virtual orbital `start` places above the LUMO
 * (start = 0 is os_redox_vertical).  A radical ion whose electron is diffuse
 * has several SCF minima, and the LUMO's is not always the lowest: TFA2-*
 * in DME/DOL (B3LYP/6-31+G*) converged from the LUMO 3.9e-3 Eh above the
 * state that LUMO+1, +2 and +3 all reach.  For start > 0 the ion's SCF is
 * a direct minimization (occupations by index: DIIS re-occupies by energy
 * and puts the electron back), which stays in that orbital's basin.  A
 * closed-shell (restricted) parent only; compare the energies and keep the
 * lowest. */
os_status os_redox_vertical_start(const os_molecule *mol, const os_basis *bs,
                                  const os_scf_options *scf,
                                  const os_solvent_options *solvent,
                                  const os_scf_result *parent, int start,
                                  os_redox_result *out, os_scf_result *ion, os_error *err);
/* The ion of os_redox_vertical started from `guess` (orbitals of that ion,
 * say an earlier result of it) instead of the parent's: with scf.solver =
 * OS_SCF_SOLVER_DESCENT from its own converged orbitals, the same state
 * again, now with the stability check that scf asks for.  out->start is
 * `start` (what the guess came from). */
os_status os_redox_vertical_from(const os_molecule *mol, const os_basis *bs,
                                 const os_scf_options *scf, const os_solvent_options *solvent,
                                 const os_scf_result *parent, const os_scf_result *guess,
                                 int dn, int start, os_redox_result *out, os_scf_result *ion,
                                 os_error *err);

/* ---------------------------------------------------------------- gradient */

/* Nuclear gradient dE/dR of a converged SCF result, grad[3*A + k] (natom*3,
 * Eh/bohr; atoms in the molecule's order, k = x, y, z).  mol, bs and opt
 * must be those the SCF ran with (its method, grid, J/K and fitting basis,
 * external potentials); the two-electron term differentiates the integrals
 * the result says it used (exact or density-fitted, the fitting basis
 * loaded again from opt and checked against res->aux); each potential's
 * gradient callback adds its term.  For DFT
 * the grid's response is included (its points move with their atoms, the
 * Becke weights with every atom), so the gradient is the derivative of the
 * energy the SCF computes. */
os_status os_scf_gradient(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                          const os_scf_result *res, double *grad, os_error *err);

/* ------------------------------------------------------------ connectivity */

/* Single-bond covalent radius of element Z, Angstrom: Cordero et al.,
 * "Covalent radii revisited", Dalton Trans. 2008, 2832 (C sp3; Mn, Fe, Co
 * low spin); 1.50 past its table (Z > 96). */
double os_covalent_radius(int Z);

/* Atoms a and b are bonded when closer than OS_BOND_SCALE x (r_a + r_b),
 * r the covalent radii above (geomeTRIC's factor; C-C bonds up to 1.82 A). */
#define OS_BOND_SCALE 1.2

typedef struct {
    int a, b;          /* atoms, 0-based, a < b */
    int link;          /* 0: a covalent bond; 1: a contact added to join two fragments */
} os_bond;

typedef struct {
    int natom;
    int nbond;
    os_bond *bonds;    /* covalent bonds (by a, then b), then the links */
    int nfragment;     /* connected pieces of the covalent bonds */
} os_connectivity;

/* The bonds of `mol` at its geometry (scale <= 0: OS_BOND_SCALE); with
 * `link`, fragments (ions of a pair, a complex) are joined by their shortest
 * contacts, marked as links. */
os_status os_connectivity_build(const os_molecule *mol, double scale, int link,
                                os_connectivity *c, os_error *err);
/* 1 when a-b is a covalent bond of c (links do not count). */
int os_connectivity_bonded(const os_connectivity *c, int a, int b);
void os_connectivity_free(os_connectivity *c);

/* A covalent bond present in one of two connectivities of the same atoms only. */
typedef struct {
    int a, b;          /* atoms, 0-based, a < b */
    int formed;        /* 1: only in `after` (formed); 0: only in `before` (broken) */
    double length;     /* a-b distance in the molecule compared at, Angstrom */
} os_bond_change;

/* Bonds broken and formed from `before` to `after` (links ignored), lengths
 * measured in `mol`; *changes is allocated (NULL when none; caller frees). */
os_status os_connectivity_compare(const os_connectivity *before, const os_connectivity *after,
                                  const os_molecule *mol, os_bond_change **changes, int *n,
                                  os_error *err);
/* "C7-C10 broken (2.95 A)" (1-based atom numbers), NUL-terminated, truncated to n. */
void os_bond_change_describe(const os_molecule *mol, const os_bond_change *c, char *buf,
                             size_t n);

/* --------------------------------------------------- geometry optimization */

/* Gaussian's default convergence criteria: all four met, or the forces
 * alone below 1/100 of theirs. */
#define OS_OPT_MAX_FORCE 4.5e-4 /* Eh/bohr */
#define OS_OPT_RMS_FORCE 3.0e-4 /* Eh/bohr */
#define OS_OPT_MAX_STEP 1.8e-3  /* bohr */
#define OS_OPT_RMS_STEP 1.2e-3  /* bohr */
/* Curvatures below this (Eh/bohr^2, Eh/rad^2) say "not a minimum". */
#define OS_OPT_NEGATIVE_CURVATURE (-1e-4)

enum { OS_OPT_INTERNAL = 0, OS_OPT_CARTESIAN };

/* External terms that depend on the geometry (a solvent's cavity), rebuilt
 * by the caller at every geometry the optimizer visits. */
typedef struct {
    void *ctx;
    /* The terms for `mol` at its current geometry in basis `bs` (both valid
     * until release): *pots gets *npot terms, each with a gradient callback. */
    os_status (*build)(void *ctx, const os_molecule *mol, const os_basis *bs,
                       const os_scf_potential **pots, int *npot, os_error *err);
    /* Frees what the last build made; called after each geometry's gradient. */
    void (*release)(void *ctx);
} os_opt_external;

typedef struct {
    int max_steps;             /* gradients at most; default 100 */
    double max_force, rms_force; /* Eh/bohr; default OS_OPT_MAX_FORCE, OS_OPT_RMS_FORCE */
    double max_step, rms_step; /* bohr; default OS_OPT_MAX_STEP, OS_OPT_RMS_STEP */
    int coordinates;           /* OS_OPT_INTERNAL (default, redundant internals) or OS_OPT_CARTESIAN */
    double trust;              /* first trust radius: the step's norm in the optimizer's
                                  coordinates (bohr and radians); default 0.3 */
    double trust_min, trust_max; /* default 1e-3, 1.0 */
    int restart_orbitals;      /* 1 (default): each SCF starts from the previous geometry's
                                  orbitals; 0: every SCF from the SAD guess */
    int probe_modes;           /* after convergence, the curvature along this many of the
                                  updated Hessian's softest modes, one extra gradient each
                                  (default 2; 0: none) */
    int saddle_escapes;        /* a saddle point the probes find is left this many times at
                                  most: a 0.1 bohr step down its negative mode, and the
                                  optimization goes on from there (default 2; 0: flag only) */
    int scf_adaptive;          /* 1 (default): while the last max force is above 10x
                                  max_force, each SCF stops at an RMS orbital gradient of
                                  1e-3 x that force (at most 1e-5) and |dE| < 1e-8 Eh
                                  (forces to ~0.3%); 0: the SCF options' thresholds always */
    const os_opt_external *external; /* geometry-dependent external terms; NULL: none */
    FILE *log;                 /* the table of steps; NULL: none */
    FILE *trajectory;          /* every geometry evaluated (probes aside) appended as an XYZ
                                  frame and flushed, so a run stopped early leaves its path:
                                  Angstrom; comment charge= mult= step= energy= (Eh)
                                  max_force= rms_force= (Eh/bohr) accepted= (0: rejected);
                                  NULL: none */
} os_opt_options;

/* One geometry the optimizer evaluated. */
typedef struct {
    double energy;             /* Eh */
    double de;                 /* minus the last accepted geometry's energy, Eh (0 at the start) */
    double max_force, rms_force; /* Cartesian gradient, rigid motions projected out, Eh/bohr */
    double max_step, rms_step; /* the Cartesian step taken from here, bohr (0: none) */
    double trust;              /* trust radius of that step */
    int scf_iterations;
    int accepted;              /* 0: the energy rose; the optimizer went back */
    int cartesian;             /* 1: the step from here was Cartesian (back-transformation failed) */
    double scf_s, gradient_s;  /* wall time of the SCF and of the gradient, s */
    double cpu_s;              /* process CPU time of this geometry, s */
} os_opt_step;

typedef struct {
    int converged;
    int nsteps;                /* geometries evaluated (gradients), = nhistory */
    int scf_iterations;        /* over all of them */
    double energy;             /* at the final geometry, Eh */
    double start_energy;       /* at the first, Eh */
    os_molecule mol;           /* final geometry: the last accepted one when not converged */
    os_basis basis;            /* the basis at the final geometry */
    os_scf_result scf;         /* the SCF at the final geometry */
    double *gradient;          /* natom*3 there, Eh/bohr */
    double max_force, rms_force, max_step, rms_step; /* at the final geometry */
    int met[4];                /* criteria met there: max force, rms force, max step, rms step */
    int ninternal;             /* internal coordinates used (0: Cartesian) */
    double hessian_min_eig;    /* lowest eigenvalue of the updated Hessian over the
                                  optimizer's coordinates (Eh/bohr^2, Eh/rad^2): the softest
                                  mode; positive, as BFGS keeps it (see nprobe) */
    int nprobe;                /* modes probed (options.probe_modes) */
    double probe_min_curvature; /* lowest probed curvature, Eh/bohr^2 (NAN: none probed) */
    int saddle;                /* 1: negative curvature found: not a minimum */
    int saddle_escapes;        /* saddle points found and left on the way (options.saddle_escapes) */
    os_bond_change *bond_changes; /* covalent bonds broken/formed from the start to mol */
    int nbond_changes;
    os_opt_step *history;
    int nhistory;
    char message[256];         /* one line: converged or not, in how many steps, final forces */
} os_opt_result;

/* Fill `o` with the defaults above. */
void os_opt_options_default(os_opt_options *o);

/* Minimize the SCF energy of `mol` (which is not changed) over its nuclear
 * positions: quasi-Newton steps (rational function, trust radius, BFGS) in
 * redundant internal coordinates from Lindh's model Hessian, one SCF and
 * gradient per geometry (threads: scf->nthreads), each SCF from the previous
 * geometry's orbitals, the basis (basis, basis_dir, pure as for
 * os_basis_load) moving with the atoms.  `scf` must not carry potentials
 * (give geometry-dependent ones through opt->external).  Bonds of the start
 * and the result are compared into res->bond_changes (the caller decides
 * whether a change is a failure).  Not converged in max_steps: OS_ERR_NOCONV
 * with res filled at the last accepted geometry. */
os_status os_optimize(const os_molecule *mol, const char *basis, const char *basis_dir, int pure,
                      const os_scf_options *scf, const os_opt_options *opt, os_opt_result *res,
                      os_error *err);
void os_opt_result_free(os_opt_result *res);

/* The optimized molecule m (with its basis bs and SCF scf: res->mol,
 * res->basis and res->scf, or wherever the caller moved them) as an XYZ file
 * (Angstrom): the comment line keeps the key=value tokens of `input_comment`
 * (the input's comment line; NULL: none) other than those it writes -
 * charge=, mult=, level= (method/basis), grid=, jk=, energy= (Eh), opt=
 * (converged or unconverged), steps=, max_force= (Eh/bohr), program= - which
 * follow. */
os_status os_opt_write_xyz(FILE *f, const os_molecule *m, const os_basis *bs,
                           const os_scf_result *scf, const os_opt_result *res,
                           const char *input_comment, os_error *err);

/* ------------------------------------------- solvent during optimizations */

/* A continuum solvent that follows the atoms during os_optimize: its model
 * (cavity, A matrix, integrals) built at each geometry the optimizer visits
 * and freed after that geometry's gradient.  os_solvent_opt_init fills `ext`
 * for os_opt_options.external (valid while s lives). */
typedef struct {
    os_solvent_options options;
    os_solvent *model;     /* the current geometry's model (NULL between geometries) */
    os_scf_potential pot;  /* its SCF term, with the analytic nuclear gradient */
    int builds;            /* geometries a model was built for */
} os_solvent_opt;
/* Set s up for solvent options o and point ext's callbacks at it. */
void os_solvent_opt_init(os_solvent_opt *s, const os_solvent_options *o, os_opt_external *ext);

/* ------------------------------------------------- adiabatic redox potential */

/* The convention of the adiabatic potentials. */
#define OS_REDOX_ADIABATIC_CONVENTION                                                       \
    "adiabatic: both species optimized in the same model (method, basis, solvent), the "  \
    "ion from the N-electron optimum: E_red_ad = -(E(N+1) at its optimum - E(N) at its "  \
    "optimum)/F - 1.40 V vs Li/Li+; electronic energies (no zero-point, thermal or "       \
    "entropy terms)"

typedef struct {
    int dn;                /* +1: reduction (N+1 electrons), -1: oxidation (N-1) */
    int charge, mult;      /* of the ion */
    double e_n;            /* E(N) at the N-electron optimum (the parent's energy), Eh */
    double e_ion;          /* E(N+dn) at the ion's final geometry, Eh */
    double s2, s2_exact;   /* the ion's <S^2> there and S(S+1) */
    int converged;         /* 1: the ion's optimization converged (else: its last accepted
                              geometry, and potential_v only bounds the adiabatic one) */
    int steps;             /* gradients of the ion's optimization */
    int nbond_changes;     /* covalent bonds the ion broke or formed (ion->bond_changes) */
    int saddle;            /* 1: the ion's final geometry is a saddle point (negative curvature
                              left after options.saddle_escapes): potential_v only bounds the
                              adiabatic one from below */
    double min_curvature;  /* lowest probed curvature there, Eh/bohr^2 (NAN: none probed) */
    double stability_eig;  /* the lowest orbital-Hessian eigenvalue of the ion's SCF there, Eh
                              (its stability check; NAN when not checked) */
    double potential_v;    /* vs Li/Li+, V (OS_REDOX_ADIABATIC_CONVENTION) */
} os_redox_adiabatic_result;

/* Adiabatic Delta-SCF: the ion of `mol` (os_redox_state; UHF/UKS when open
 * shell) optimized with os_optimize from mol's geometry - which should be
 * the N-electron optimum, `parent` the converged N-electron result there in
 * the same model - in the solvent `solvent` (NULL: gas phase; it replaces
 * opt->external).  The ion's first SCF starts from `ion_start`, the vertical
 * ion's converged result at that geometry (os_redox_vertical's ion_res) when
 * the caller has it - a minimum the stability check has confirmed, which the
 * parent's orbitals need not lead back to - else (NULL) from the parent's.
 * A bond broken or formed is a result, not a failure (out->nbond_changes,
 * ion->bond_changes);
 * an optimization out of steps reports its last accepted geometry with
 * out->converged = 0.  ion (caller frees with os_opt_result_free) gets the
 * ion's optimization, filled as far as it got even when this fails. */
os_status os_redox_adiabatic(const os_molecule *mol, const char *basis, const char *basis_dir,
                             int pure, const os_scf_options *scf,
                             const os_solvent_options *solvent, const os_opt_options *opt,
                             const os_scf_result *parent, const os_scf_result *ion_start, int dn,
                             os_redox_adiabatic_result *out, os_opt_result *ion, os_error *err);

#ifdef __cplusplus
}
#endif
#endif
