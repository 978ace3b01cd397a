/* The SCF driver, RHF/UHF and RKS/UKS in one loop, read top to bottom as the
 * stages of stages.h:
 *   setup -> core Hamiltonian -> basis check -> terms -> initial density ->
 *   loop { Fock (terms) -> energy -> orbital gradient -> DIIS -> orbitals -> density }
 *     (once DIIS stalls: { ... -> orbital gradient -> rotation step (descent.c) })
 *   -> stability (a saddle point is followed down and the loop runs again)
 *   -> orbitals of the converged Fock matrix -> frontier orbitals -> result checks.
 * Converged when |dE| < e_conv and the root mean square of the orbital
 * gradient X^T (F D S - S D F) X is below g_conv (Psi4's d_convergence). */
#include "scf/stages.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"
#include "scf/diis.h"
#include "scf/guess.h"

/* Vectors DIIS keeps.  12 rather than 8: the reduced species of the
 * Delta-SCF (UKS B3LYP/6-31+G* in DME/DOL, from the N-electron orbitals)
 * converge in 18 cycles instead of 19 (TFPAA2-) and 21 instead of 28 (DME-),
 * and TFSI- saves one cycle of 16; but the stretched OH radical (UKS
 * TPSS/6-31G*, small grid), which wanders between two states, went from 25
 * cycles to 34 (2026-11-27). */
#define DIIS_VECTORS 12
/* An SCF whose RMS orbital gradient has not fallen to half its best value
 * for this many cycles (or a third of max_iter, when that is more) has
 * stalled and stops as not converged.  In the default run of the library
 * (2026-11-28) four radical-ion SCFs (UKS in DME/DOL) ran out their 100
 * cycles, 12 of its 29 minutes; the converging ones took 7-54 cycles.  One
 * of the four, 3,4,5-trifluorophenylacetate's, had its best gradient at
 * cycle 5 and now stops at cycle 38; the slowest that converges,
 * 2,3,4,5-tetrafluorobenzoate's (54 cycles, a 22-cycle plateau near 2e-6),
 * still does, to the same potential. */
#define STALL_MIN_CYCLES 30
/* DIIS that has not halved its best RMS orbital gradient in this many cycles
 * hands over to direct minimization (descent.c), which then has the stall
 * window above before the SCF stops.  Not fewer: the stretched OH radical
 * (UKS SVWN/6-31G*, 30,110 grid, thresholds 1e-11 / 1e-9) plateaus for 14
 * cycles and then converges by DIIS in 33; handed over after 10, the
 * minimization follows the grid's slight preference along the pi-hole
 * rotation down by 4e-6 Eh and needs 106 cycles. */
#define DESCENT_AFTER 20
/* ... and sooner when, on the final grid, DIIS's energy rose by more than
 * DIIS_RISE (Eh) from one cycle to the next in DIIS_RISE_CYCLES of the last
 * DIIS_RISE_WINDOW cycles: near convergence an energy that keeps going up by
 * far more than the square of the gradient is DIIS circling a saddle region,
 * not converging.  HFB2-* in DME/DOL (the default run) rose 2e-4 to 9e-4 Eh
 * in cycles 10-13 and wandered until the handover at cycle 42, at an RMS
 * gradient of 2-6e-5; direct minimization then found a state 5.8e-3 Eh below.
 * With the handover at cycle 14 it takes 32 cycles instead of 60, and the
 * 2,3,4- and 3,4,5-trifluorophenylacetate dianions 30 instead of 46 and 39,
 * to the same potentials (to 5e-4 V).  (Not "above the lowest energy seen":
 * a guess from another geometry's orbitals can start below the state DIIS
 * converges to, as the stretched OH radical's finite-difference SCFs do.) */
#define DIIS_RISE 1e-4
#define DIIS_RISE_CYCLES 4
#define DIIS_RISE_WINDOW 8

/* Whether the rise record (bit k: the energy rose by more than DIIS_RISE k
 * cycles ago) holds DIIS_RISE_CYCLES rises. */
static int diis_rising(unsigned rose)
{
    int n = 0;
    for (; rose; rose >>= 1) n += (int)(rose & 1u);
    return n >= DIIS_RISE_CYCLES;
}
/* The first step after a superposition-of-atoms guess diagonalizes
 * (1 - SAD_DAMPING) F_2 + SAD_DAMPING F_1, F_1 the guess density's Fock
 * matrix: the plain step from F_2 overshoots (charge sloshing; TFPAA-
 * B3LYP/6-31+G*: the energy rises by 9 Eh on the next cycle) and DIIS spends
 * a cycle coming back.  Measured on 33 library molecules (B3LYP/6-31+G*, gas
 * phase): 371 -> 338 cycles in all, none more; 0.4 / 0.5 / 0.7 / 0.8 gave
 * 186 / 183 / 180 / 189 cycles on the 18 where 0.6 gave 177 (undamped: 192). */
#define SAD_DAMPING 0.6
/* Saddle points followed down before the SCF gives up. */
#define MAX_FOLLOW 3
/* The early cycles' coarser grid (terms.c) is left below this RMS orbital
 * gradient. */
#define EARLY_GRID_END 1e-4
/* OS_STABILITY_AUTO checks closed-shell results below this gap (Eh). */
#define STAB_AUTO_GAP 0.1
/* ... and when their density is not aufbau by more than this (Eh, checks.c). */
#define STAB_AUTO_AUFBAU 1e-6

void os_scf_options_default(os_scf_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = "b3lyp";
    o->grid = NULL;
    o->max_iter = 100;
    o->e_conv = 1e-9;
    o->g_conv = 1e-7;
    o->lindep = 1e-7;
    o->schwarz = 1e-12;
    o->nthreads = 0;
    o->unrestricted = -1;
    o->guess = OS_GUESS_SAD;
    o->log = NULL;
    o->stability = OS_STABILITY_AUTO;
}

os_status os_scf_options_check(const os_scf_options *o, os_error *err)
{
    os_xc *xc;
    if (o->solver != OS_SCF_SOLVER_AUTO && o->solver != OS_SCF_SOLVER_DESCENT)
        return os_fail(err, OS_ERR_INPUT, "unknown SCF solver %d", o->solver);
    os_status st = scf_terms_check(o, err);
    if (st != OS_OK) return st;
    st = os_xc_new(o->method ? o->method : "b3lyp", 1, &xc, err);
    if (st != OS_OK) return st;
    int is_dft = os_xc_family(xc) != OS_XC_NONE;
    os_xc_free(xc);
    int nrad, nang;
    return is_dft ? os_grid_parse_spec(o->grid, &nrad, &nang, err) : OS_OK;
}

void os_scf_result_free(os_scf_result *r)
{
    double **bufs[] = {&r->eps_a, &r->eps_b, &r->C_a, &r->C_b, &r->occ_a, &r->occ_b};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) {
        free(*bufs[i]);
        *bufs[i] = NULL;
    }
}

static void state_free(scf_state *s)
{
    double **bufs[] = {&s->S,   &s->H,    &s->X, &s->D, &s->F,   &s->Fdiis, &s->J,    &s->K,
                       &s->Klr, &s->Vxc, &s->Vext, &s->P, &s->err, &s->work, &s->work2};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) {
        free(*bufs[i]);
        *bufs[i] = NULL;
    }
    scf_terms_free(s);
}

/* ------------------------------------------------------------------ stages */

/* Options with defaults filled in, electron counts, restricted or not. */
static os_status scf_setup(scf_state *s, const os_molecule *mol, const os_basis *bs,
                           const os_scf_options *opt, os_occ_rule rule, os_scf_result *res,
                           os_error *err)
{
    if (opt)
        s->opt = *opt;
    else
        os_scf_options_default(&s->opt);
    if (!s->opt.method) s->opt.method = "b3lyp";
    if (s->opt.nthreads <= 0) s->opt.nthreads = omp_get_max_threads();
    s->mol = mol;
    s->bs = bs;
    s->rule = rule;
    s->n = bs->nbf;
    /* Electron counts from a checked charge and multiplicity only (the SAD
     * guess's spin-averaged atoms are singlets by construction). */
    if (rule == OS_OCC_AUFBAU) {
        os_status st = os_molecule_check_state(mol, err);
        if (st != OS_OK) return st;
    }
    int nel = os_molecule_nelectron(mol);
    s->nelec = nel;
    s->nalpha = (nel + mol->mult - 1) / 2;
    s->nbeta = nel - s->nalpha;
    int unrestricted = s->opt.unrestricted < 0 ? (mol->mult > 1) : s->opt.unrestricted;
    if (rule == OS_OCC_SPHERICAL) unrestricted = 0;
    if (!unrestricted && s->nalpha != s->nbeta && rule == OS_OCC_AUFBAU)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: multiplicity %d needs an unrestricted calculation",
                       os_molecule_label(mol), mol->mult);
    s->nspin = unrestricted ? 2 : 1;
    res->nalpha = s->nalpha;
    res->nbeta = s->nbeta;
    res->unrestricted = unrestricted;
    res->e_nuc = os_molecule_nuclear_repulsion(mol);
    return OS_OK;
}

static os_status alloc_matrices(scf_state *s, os_scf_result *res, os_error *err)
{
    int n = s->n, nmo = s->nmo, nspin = s->nspin;
    size_t n2 = (size_t)n * n, ns2 = nspin * n2, m2 = (size_t)nmo * nmo;
    double **bufs[] = {&s->D, &s->F, &s->Fdiis, &s->K, &s->Klr, &s->Vxc};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i)
        if (!(*bufs[i] = os_zeros(ns2))) return OS_NOMEM(err, "SCF matrices");
    s->J = os_zeros(n2);
    s->Vext = os_zeros(n2);
    s->P = os_zeros(n2);
    s->err = os_zeros((size_t)nspin * m2);
    s->work = os_zeros(n2 + m2);
    s->work2 = os_zeros(n2 + m2);
    if (!s->J || !s->Vext || !s->P || !s->err || !s->work || !s->work2)
        return OS_NOMEM(err, "SCF matrices");
    for (int sp = 0; sp < nspin; ++sp) {
        double **C = sp ? &res->C_b : &res->C_a, **e = sp ? &res->eps_b : &res->eps_a;
        double **o = sp ? &res->occ_b : &res->occ_a;
        *C = os_zeros((size_t)n * nmo);
        *e = os_zeros(nmo);
        *o = os_zeros(nmo);
        if (!*C || !*e || !*o) return OS_NOMEM(err, "orbitals");
        s->C[sp] = *C;
        s->eps[sp] = *e;
        s->occ[sp] = *o;
    }
    return OS_OK;
}

/* Occupations of spin sp from its orbital energies, then its density. */
static void occupy_and_density(scf_state *s, int sp)
{
    if (s->rule == OS_OCC_SPHERICAL)
        os_occupy_spherical(s->nmo, s->eps[sp], s->nelec, s->occ[sp]);
    else
        os_occupy_aufbau(s->nmo, scf_nocc(s, sp), s->occ[sp]);
    os_density_build(s->n, s->nmo, s->C[sp], s->occ[sp], s->D + (size_t)sp * s->n * s->n);
}

/* Diagonalize the Fock matrices Fsrc (per spin) and rebuild the densities. */
static os_status scf_orbitals(scf_state *s, const double *Fsrc, os_error *err)
{
    size_t n2 = (size_t)s->n * s->n;
    for (int sp = 0; sp < s->nspin; ++sp) {
        os_status st = os_diagonalize(s->n, s->nmo, s->X, Fsrc + sp * n2, s->C[sp], s->eps[sp],
                                      s->work2, err);
        if (st != OS_OK) return st;
        occupy_and_density(s, sp);
    }
    return OS_OK;
}

/* Orbitals of an earlier result, occupied for this molecule. */
static os_status guess_from_orbitals(scf_state *s, os_error *err)
{
    const os_scf_result *g = s->opt.guess_orbitals;
    if (!g || !g->C_a || g->nbf != s->n || g->nmo != s->nmo)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: the guess orbitals do not fit this basis (%d x %d, need %d x %d)",
                       os_molecule_label(s->mol), g ? g->nbf : 0, g ? g->nmo : 0, s->n, s->nmo);
    for (int sp = 0; sp < s->nspin; ++sp) {
        const double *C = sp == 1 && g->C_b ? g->C_b : g->C_a;
        const double *eps = sp == 1 && g->eps_b ? g->eps_b : g->eps_a;
        memcpy(s->C[sp], C, (size_t)s->n * s->nmo * sizeof(double));
        memcpy(s->eps[sp], eps, (size_t)s->nmo * sizeof(double));
        occupy_and_density(s, sp);
    }
    return OS_OK;
}

/* The starting density.  Returns in *exact_count whether it holds this
 * molecule's electrons (SAD does not: its first Fock matrix is only
 * diagonalized, never extrapolated or tested for convergence). */
static os_status scf_initial(scf_state *s, int *exact_count, os_error *err)
{
    size_t n2 = (size_t)s->n * s->n;
    *exact_count = 1;
    switch (s->opt.guess) {
    case OS_GUESS_CORE: return scf_orbitals(s, s->H, err); /* H for every spin */
    case OS_GUESS_ORBITALS: return guess_from_orbitals(s, err);
    default: break;
    }
    os_status st = os_guess_sad(s->mol, s->bs, &s->opt, s->P, err);
    if (st != OS_OK) return st;
    for (int sp = 0; sp < s->nspin; ++sp)
        for (size_t k = 0; k < n2; ++k) s->D[sp * n2 + k] = s->P[k] / 2.0;
    *exact_count = 0;
    return OS_OK;
}

static void log_header(const scf_state *s, const os_scf_result *res)
{
    if (!s->opt.log) return;
    fprintf(s->opt.log,
            "%s: %s/%s, %d basis functions (%d kept, min S eigenvalue %.2e, threshold %.0e), "
            "%s, %d alpha + %d beta electrons%s%s, J/K %s, %.0f MB kept, %d threads\n",
            s->mol->name, res->method, s->bs->name, s->n, s->nmo, res->s_min_eig, s->opt.lindep,
            res->unrestricted ? "unrestricted" : "restricted", s->nalpha, s->nbeta,
            s->is_dft ? ", grid " : "", res->grid, os_jk_name(s->t->jk),
            os_jk_memory_bytes(s->t->jk) / 1048576.0, s->opt.nthreads);
}

/* The orbital gradients X^T (F D S - S D F) X of every spin into s->err, their
 * largest element and their root mean square. */
static void orbital_gradients(scf_state *s, double *gmax, double *grms)
{
    size_t n2 = (size_t)s->n * s->n, m2 = (size_t)s->nmo * s->nmo;
    double m = 0, sq = 0;
    for (int sp = 0; sp < s->nspin; ++sp)
        m = fmax(m, os_orbital_gradient(s->n, s->nmo, s->F + sp * n2, s->D + sp * n2, s->S, s->X,
                                        s->err + sp * m2, s->work, s->work2));
    for (size_t k = 0; k < s->nspin * m2; ++k) sq += s->err[k] * s->err[k];
    *gmax = m;
    *grms = sqrt(sq / (double)(s->nspin * m2));
}

/* Bytes this SCF holds now: the integrals the J/K builder keeps, the grid and
 * the XC work space, the matrices of the state and the result, the DIIS
 * history. */
static size_t scf_memory_bytes(const scf_state *s, const os_diis *diis)
{
    size_t n2 = (size_t)s->n * s->n, m2 = (size_t)s->nmo * s->nmo, nmo = (size_t)s->nmo;
    size_t ns = (size_t)s->nspin;
    size_t doubles = 2 * n2 + s->n * nmo          /* S, H, X */
                     + 6 * ns * n2 + 3 * n2         /* D, F, Fdiis, K, Klr, Vxc; J, Vext, P */
                     + ns * m2 + 2 * (n2 + m2)      /* orbital gradients, scratch */
                     + ns * (s->n * nmo + 2 * nmo); /* orbitals, energies, occupations */
    size_t b = sizeof(double) * doubles + os_jk_memory_bytes(s->t->jk) + os_diis_memory_bytes(diis);
    const scf_terms *t = s->t;
    if (t->have_grid) b += os_grid_memory_bytes(&t->grid);
    if (t->ni) b += os_numint_memory_bytes(t->ni);
    if (t->have_grid_early) b += os_grid_memory_bytes(&t->grid_early);
    if (t->ni_early) b += os_numint_memory_bytes(t->ni_early);
    return b;
}

/* Whether the energy may be minimized directly: every external term's
 * potential is its energy's derivative.  Else NULL, or the name of the first
 * that is not. */
static const char *not_derivative_term(const scf_state *s)
{
    for (int t = 0; t < s->opt.npotentials; ++t)
        if (s->opt.potentials[t].not_derivative)
            return s->opt.potentials[t].name ? s->opt.potentials[t].name : "?";
    return NULL;
}

/* The SCF cycles; on return res holds the last energy and iteration count.
 * With `descent`, the orbitals are found by direct minimization from the
 * start (when the external terms allow it), as after a saddle point: DIIS,
 * which seeks any stationary point, can lead back up to it. */
static os_status scf_iterate(scf_state *s, int exact_count, int descent, os_scf_result *res,
                             os_error *err)
{
    size_t n2 = (size_t)s->n * s->n, m2 = (size_t)s->nmo * s->nmo;
    int nspin = s->nspin;
    os_diis diis;
    os_status st = os_diis_init(&diis, DIIS_VECTORS, nspin * n2, nspin * m2, 1, err);
    if (st != OS_OK) return st;
    int guess_pending = !exact_count;
    double *F_guess = NULL; /* the guess density's Fock matrix, for the first step */
    double Eold = 0, dE = 0, gmax = 0, grms = 0, best_grms = INFINITY;
    int best_iter = 0, stall = s->opt.max_iter / 3 > STALL_MIN_CYCLES ? s->opt.max_iter / 3
                                                                        : STALL_MIN_CYCLES;
    unsigned rose = 0; /* bit k: the energy rose by more than DIIS_RISE k cycles ago */
    scf_energy e = {0};
    scf_descent *qn = NULL; /* set once DIIS has stalled, or from the start */
    const char *blocker = not_derivative_term(s);
    if (descent && !blocker) st = scf_descent_new(s, &qn, err);
    else if (s->opt.solver == OS_SCF_SOLVER_DESCENT)
        st = blocker ? os_fail(err, OS_ERR_INPUT,
                               "%s: direct minimization needs potentials that are the energy's "
                               "derivative; the term '%s' is not",
                               os_molecule_label(s->mol), blocker)
                     : scf_descent_new(s, &qn, err);
    if (st != OS_OK) {
        os_diis_free(&diis);
        return st;
    }
    int iter;
    for (iter = 1; iter <= s->opt.max_iter; ++iter) {
        if ((st = scf_fock(s, &e, err)) != OS_OK) break;
        if (!isfinite(e.total)) {
            st = os_fail(err, OS_ERR_NUMERIC, "%s: SCF energy is not finite at iteration %d",
                         os_molecule_label(s->mol), iter);
            break;
        }
        res->nelec_grid = e.nelec_grid;
        size_t bytes = scf_memory_bytes(s, &diis);
        if (bytes > res->peak_memory_bytes) res->peak_memory_bytes = bytes;
        dE = e.total - Eold;
        if (!guess_pending) {
            orbital_gradients(s, &gmax, &grms);
            if (s->early_grid && grms < EARLY_GRID_END) {
                /* near enough: the rest on the final grid */
                if ((st = scf_final_grid(s, &e, err)) != OS_OK) break;
                orbital_gradients(s, &gmax, &grms);
                if (qn) scf_descent_restart(qn); /* energies on two grids do not compare */
                dE = e.total - Eold;
                if (s->opt.log) fprintf(s->opt.log, "  final grid from here\n");
            }
            if (s->opt.log)
                fprintf(s->opt.log,
                        "  iter %3d  E = %.12f  dE = % .3e  |g| = %.3e (rms %.3e)  "
                        "work %ld  J/K %.2f s  XC %.2f s\n",
                        iter, e.total, dE, gmax, grms, os_jk_last_work(s->t->jk), e.jk_s, e.xc_s);
            if (!s->early_grid && iter > 2)
                rose = ((rose << 1) | (dE > DIIS_RISE)) & ((1u << DIIS_RISE_WINDOW) - 1);
            if (iter > 1 && fabs(dE) < s->opt.e_conv && grms < s->opt.g_conv) {
                res->converged = 1;
                break;
            }
            if (grms < 0.5 * best_grms) {
                best_grms = grms;
                best_iter = iter;
            } else if (!qn && !blocker &&
                       (iter - best_iter >= DESCENT_AFTER || diis_rising(rose))) {
                if ((st = scf_descent_new(s, &qn, err)) != OS_OK) break;
                if (s->opt.log)
                    fprintf(s->opt.log,
                            "  DIIS %s (best rms %.2e at cycle %d): direct minimization "
                            "from here\n",
                            diis_rising(rose) ? "rising" : "stalled", best_grms,
                            best_iter);
                best_grms = grms;
                best_iter = iter;
            } else if (iter - best_iter >= stall) {
                st = os_fail(err, OS_ERR_NOCONV,
                             "%s: SCF stalled: the RMS orbital gradient did not fall below half "
                             "of its best (%.2e, cycle %d) in %d cycles (last dE %.2e Eh, |g| "
                             "%.2e, rms %.2e)",
                             os_molecule_label(s->mol), best_grms, best_iter, stall, dE, gmax,
                             grms);
                break;
            }
            if (qn) {
                Eold = e.total;
                scf_descent_step(qn, s, e.total);
                continue;
            }
            if ((st = os_diis_step(&diis, s->F, s->D, s->err, s->Fdiis, err)) != OS_OK) break;
            if (F_guess) { /* the first step after the guess, damped */
                for (size_t k = 0; k < nspin * n2; ++k)
                    s->Fdiis[k] = (1.0 - SAD_DAMPING) * s->Fdiis[k] + SAD_DAMPING * F_guess[k];
                free(F_guess);
                F_guess = NULL;
            }
        } else {
            memcpy(s->Fdiis, s->F, nspin * n2 * sizeof(double));
            if (!(F_guess = malloc(nspin * n2 * sizeof(double)))) {
                st = OS_NOMEM(err, "SCF guess");
                break;
            }
            memcpy(F_guess, s->F, nspin * n2 * sizeof(double));
            if (s->opt.log)
                fprintf(s->opt.log, "  iter %3d  guess (superposition of atomic densities)\n",
                        iter);
        }
        Eold = guess_pending ? 0 : e.total;
        guess_pending = 0;
        if ((st = scf_orbitals(s, s->Fdiis, err)) != OS_OK) break;
    }
    os_diis_free(&diis);
    scf_descent_free(qn);
    free(F_guess);
    res->iterations = iter <= s->opt.max_iter ? iter : s->opt.max_iter;
    res->e_conv = s->opt.e_conv;
    res->g_conv = s->opt.g_conv;
    res->last_de = fabs(dE);
    res->last_gradient = gmax;
    res->energy = e.total;
    res->e_xc = e.xc;
    res->e_ext = e.external;
    if (st == OS_OK && !res->converged)
        st = os_fail(err, OS_ERR_NOCONV,
                     "%s: SCF not converged in %d iterations (last dE %.2e Eh, |g| %.2e, rms %.2e)",
                     os_molecule_label(s->mol), s->opt.max_iter, dE, gmax, grms);
    return st;
}

/* With OS_STABILITY_AUTO: is a saddle point plausible?  Open-shell and
 * unrestricted results are always checked (UHF/UKS instabilities are
 * common), closed-shell ones when the gap of the converged Fock matrix is
 * under STAB_AUTO_GAP or the density is not its aufbau one.  Measured on the 24
 * molecules of molecules/ (B3LYP/6-31+G*, 2026-11-28): the lowest orbital
 * Hessian eigenvalue is 0.85-1.05 times the gap for every closed-shell anion
 * and neutral (gaps 3.9-9.5 eV, eigenvalues 0.15-0.37 Eh), so a gap above
 * 0.1 Eh leaves an eigenvalue far above zero; the check's cost (a third of
 * a 255-function B3LYP run) is then spent on a foregone answer. */
static os_status stability_warranted(scf_state *s, os_scf_result *res, int *warranted,
                                     os_error *err)
{
    *warranted = 1;
    if (s->opt.stability != OS_STABILITY_AUTO) return OS_OK;
    if (s->nspin == 2 || s->nalpha != s->nbeta || s->nalpha == 0 || s->nalpha >= s->nmo)
        return OS_OK;
    /* The orbitals of the converged density's own Fock matrix (the last
     * diagonalized one was extrapolated): is the density aufbau for it, and
     * with what gap?  D is kept. */
    size_t n2 = (size_t)s->n * s->n;
    memcpy(s->Fdiis, s->D, n2 * sizeof(double));
    os_status st = scf_orbitals(s, s->F, err);
    double excess = st == OS_OK ? scf_aufbau_excess(s, s->Fdiis, 0) : 0.0;
    double gap = s->eps[0][s->nalpha] - s->eps[0][s->nalpha - 1];
    memcpy(s->D, s->Fdiis, n2 * sizeof(double));
    if (st != OS_OK || excess > STAB_AUTO_AUFBAU || gap < STAB_AUTO_GAP) return st;
    *warranted = 0;
    snprintf(res->stability_skipped, sizeof res->stability_skipped,
             "not needed: closed-shell HOMO-LUMO gap %.2f eV (checked below %.2f eV)",
             gap * OS_HARTREE_EV, STAB_AUTO_GAP * OS_HARTREE_EV);
    if (s->opt.log) fprintf(s->opt.log, "  stability: %s\n", res->stability_skipped);
    return OS_OK;
}

/* Orbitals for the density s->D (the stability check moved it down from a
 * saddle point), semicanonical for s->F, occupied by index. */
static os_status orbitals_of_density(scf_state *s, os_error *err)
{
    size_t n2 = (size_t)s->n * s->n;
    for (int sp = 0; sp < s->nspin; ++sp) {
        int nocc = scf_nocc(s, sp);
        os_status st = scf_semicanonical(s, sp, s->D + sp * n2, nocc, s->C[sp], s->eps[sp], err);
        if (st != OS_OK) return st;
        occupy_and_density(s, sp);
    }
    return OS_OK;
}

/* The cycles, then the stability check: a saddle point is followed down
 * and the cycles start again from there, at most MAX_FOLLOW times. */
static os_status scf_converge(scf_state *s, int exact_count, os_scf_result *res, os_error *err)
{
    os_status st = scf_iterate(s, exact_count, 0, res, err);
    res->stability_eig = res->stability_curvature = NAN;
    if (s->rule != OS_OCC_AUFBAU || !s->opt.stability) return st;
    const char *blocker = not_derivative_term(s);
    if (blocker) {
        /* The Hessian products would not be the energy's: not checked, and
         * said so. */
        snprintf(res->stability_skipped, sizeof res->stability_skipped,
                 "not checked with the external term '%s' (its potential is not the energy's "
                 "derivative)",
                 blocker);
        if (s->opt.log) fprintf(s->opt.log, "  stability: %s\n", res->stability_skipped);
        return st;
    }
    int warranted = 1;
    if (st == OS_OK) st = stability_warranted(s, res, &warranted, err);
    if (st != OS_OK || !warranted) return st;
    int total = res->iterations;
    for (int follow = 0; st == OS_OK; ++follow) {
        int moved = 0;
        double e_saddle = res->energy;
        st = scf_stability(s, res, follow < MAX_FOLLOW, &moved, err);
        if (st != OS_OK || !moved) break;
        if (s->opt.log)
            fprintf(s->opt.log, "  following the unstable mode down from E = %.12f\n", e_saddle);
        st = orbitals_of_density(s, err);
        if (st == OS_OK) st = scf_iterate(s, 1, 1, res, err);
        total += res->iterations;
        if (st == OS_OK && !(res->energy < e_saddle - 1e-8))
            st = os_fail(err, OS_ERR_NUMERIC,
                         "%s: the SCF converged to a saddle point of the energy (lowest orbital "
                         "Hessian eigenvalue %.2e Eh) and following it down led back up",
                         os_molecule_label(s->mol), res->stability_eig);
    }
    /* The check's trial densities went through the external terms (the
     * solvent keeps the charges of the last one): the converged density's
     * once more leaves them as the result has it (s->D and s->F are the
     * converged ones again, so J, K and XC need no rebuild). */
    if (st == OS_OK && s->opt.npotentials > 0) st = scf_external_refresh(s, err);
    res->iterations = total;
    return st;
}

/* ------------------------------------------------------------------ driver */

os_status os_scf_solve(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                       os_occ_rule rule, os_scf_result *res, os_error *err)
{
    memset(res, 0, sizeof *res);
    scf_state s;
    memset(&s, 0, sizeof s);
    int exact_count = 1;
    double t0 = omp_get_wtime(), t_core, t_terms;
    os_status st = scf_setup(&s, mol, bs, opt, rule, res, err);
    if (st == OS_OK) st = scf_core(&s, res, err);
    t_core = omp_get_wtime();
    if (st == OS_OK && rule == OS_OCC_AUFBAU) st = scf_check_basis(&s, res, err);
    if (st == OS_OK && rule == OS_OCC_AUFBAU && s.nalpha > s.nmo)
        st = os_fail(err, OS_ERR_INPUT, "%s: %d occupied orbitals but only %d basis functions",
                     os_molecule_label(mol), s.nalpha, s.nmo);
    if (st == OS_OK) st = alloc_matrices(&s, res, err);
    if (st == OS_OK) st = scf_terms_new(&s, res, err);
    t_terms = omp_get_wtime();
    if (st == OS_OK) log_header(&s, res);
    if (st == OS_OK) st = scf_initial(&s, &exact_count, err);
    if (st == OS_OK && s.opt.log)
        fprintf(s.opt.log, "  set-up: one-electron %.2f s, J/K and grid %.2f s, guess %.2f s\n",
                t_core - t0, t_terms - t_core, omp_get_wtime() - t_terms);
    if (st == OS_OK) st = scf_converge(&s, exact_count, res, err);
    /* Orbitals of the last Fock matrix itself (not the extrapolated one),
     * kept for inspection even when the SCF did not converge; the density
     * they came from is kept for the checks. */
    if (st == OS_OK || st == OS_ERR_NOCONV) {
        size_t ns2 = (size_t)s.nspin * s.n * s.n;
        memcpy(s.Fdiis, s.D, ns2 * sizeof(double));
        os_error e2;
        os_status st2 = scf_orbitals(&s, s.F, &e2);
        if (st2 != OS_OK) {
            st = st2;
            if (err) *err = e2;
        } else {
            os_scf_frontier(res);
            st2 = os_scf_spin(s.S, res, &e2);
            if (st2 != OS_OK) {
                st = st2;
                if (err) *err = e2;
            }
        }
    }
    if (st == OS_OK && rule == OS_OCC_AUFBAU) st = scf_check_result(&s, s.Fdiis, res, err);
    /* Every message about a molecule names it (a failure deep inside, such as
     * the eigensolver's, does not know which). */
    if (st != OS_OK && rule == OS_OCC_AUFBAU) os_error_prefix(err, os_molecule_label(mol));
    state_free(&s);
    return st;
}

os_status os_scf_run(const os_molecule *mol, const os_basis *bs, const os_scf_options *opt,
                     os_scf_result *res, os_error *err)
{
    return os_scf_solve(mol, bs, opt, OS_OCC_AUFBAU, res, err);
}
