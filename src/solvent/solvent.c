/* The continuum solvent as one object: cavity + factorized equations for a
 * molecule at one geometry, and its term in the SCF.  Each SCF cycle:
 *   V_i   = sum_A Z_A / |s_i - X_A| - sum_ab P_ab <a|1/|r - s_i||b>   (point_ints.c)
 *   q     = surface charges (cpcm.c), G_pol = 1/2 q.V
 *   F_ab += sum_i q_i <a|-1/|r - s_i||b>                       (point_ints.c)
 * with the total density P = Da + Db: the same term for both spins.  By
 * default the Fock term is the derivative dG_pol/dP (q_fock and an overlap
 * part instead of q, cpcm.c), so that the SCF minimizes its energy and the
 * gradient (gradient.c) needs no response; NWChem's term, the potential of
 * q, is an option (OS_SOLVENT_FOCK_NWCHEM), used to compare with NWChem. */
#include "solvent/solvent.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "integrals/integrals.h"

/* Basis-surface integrals kept in memory up to this by default (MiB). */
#define DEFAULT_MEMORY_MB 1024

struct os_solvent {
    const os_molecule *mol;
    const os_basis *bs;
    os_solvent_options opt;
    int nthreads;
    double *R;                    /* natom: cavity radii, bohr */
    os_cavity cav;
    os_cpcm cpcm;
    os_point_ints *ints;          /* basis <-> surface points */
    int owns_ints;                /* else borrowed from options.share */
    double *Vnuc, *V, *q, *q_fock, *work; /* n each */
    double *Vmat;                 /* nbf^2: the Fock term */
    double *S;                    /* nbf^2: overlap (the Fock term's S part) */
    os_cpcm_solution last;
    int have_solution;
    char description[320];
};

void os_solvent_options_default(os_solvent_options *o)
{
    memset(o, 0, sizeof *o);
    o->eps = 78.4;
    o->scaling = OS_SOLVENT_CPCM;
    o->radii = OS_RADII_BONDI;
    o->radii_scale = 1.2;
    o->cavity = OS_CAVITY_SWIG;
    o->npoints = 110;
    o->charge_constraint = 1;
}

static os_status check_options(const os_solvent_options *o, os_error *err)
{
    if (!(o->eps > 1.0) || o->eps > 1e6)
        return os_fail(err, OS_ERR_INPUT, "dielectric constant %g: must be > 1", o->eps);
    if (o->scaling != OS_SOLVENT_CPCM && o->scaling != OS_SOLVENT_COSMO)
        return os_fail(err, OS_ERR_INPUT, "unknown solvent screening %d", o->scaling);
    if (o->cavity != OS_CAVITY_SWIG && o->cavity != OS_CAVITY_NWCHEM)
        return os_fail(err, OS_ERR_INPUT, "unknown cavity discretization %d", o->cavity);
    if (o->fock != OS_SOLVENT_FOCK_VARIATIONAL && o->fock != OS_SOLVENT_FOCK_NWCHEM)
        return os_fail(err, OS_ERR_INPUT, "unknown solvent Fock term %d", o->fock);
    if (o->radii != OS_RADII_BONDI && o->radii != OS_RADII_UFF)
        return os_fail(err, OS_ERR_INPUT, "unknown radii set %d", o->radii);
    if (!o->radii_bohr && !(o->radii_scale > 0.0))
        return os_fail(err, OS_ERR_INPUT, "radii scale %g: must be > 0", o->radii_scale);
    return OS_OK;
}

/* Potential of the nuclei at the surface points. */
static void nuclear_potential(const os_molecule *mol, const os_cavity *cav, double *V)
{
    for (int i = 0; i < cav->n; ++i) {
        const double *s = cav->xyz + 3 * i;
        double v = 0.0;
        for (int A = 0; A < mol->natom; ++A) {
            const double *X = mol->xyz + 3 * A;
            double d[3] = {s[0] - X[0], s[1] - X[1], s[2] - X[2]};
            v += mol->Z[A] / sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        }
        V[i] = v;
    }
}

static void describe(os_solvent *s)
{
    const os_solvent_options *o = &s->opt;
    char radii[64];
    if (o->radii_bohr)
        snprintf(radii, sizeof radii, "radii given per atom");
    else
        snprintf(radii, sizeof radii, "%s radii x %.2f", o->radii == OS_RADII_UFF ? "UFF" : "Bondi",
                 o->radii_scale);
    char surface[80];
    if (o->cavity == OS_CAVITY_NWCHEM)
        snprintf(surface, sizeof surface, "NWChem York-Karplus %s level %d (%d/sphere)",
                 o->icosahedron ? "icosahedron" : "octahedron", o->npoints, s->cav.per_sphere);
    else
        snprintf(surface, sizeof surface, "SWIG %d Lebedev points/sphere", o->npoints);
    snprintf(s->description, sizeof s->description, "%s f=%s eps=%g, %s, %d elements, %s%s%s",
             o->scaling == OS_SOLVENT_COSMO ? "COSMO" : "C-PCM",
             o->scaling == OS_SOLVENT_COSMO ? "(eps-1)/(eps+1/2)" : "(eps-1)/eps", o->eps,
             surface, s->cav.n, radii, o->charge_constraint ? ", charge constraint" : "",
             o->fock == OS_SOLVENT_FOCK_NWCHEM ? ", NWChem's Fock term" : "");
}

void os_solvent_free(os_solvent *s)
{
    if (!s) return;
    if (s->owns_ints) os_point_ints_free(s->ints);
    os_cavity_free(&s->cav);
    os_cpcm_free(&s->cpcm);
    double **bufs[] = {&s->R, &s->Vnuc, &s->V, &s->q, &s->q_fock, &s->work, &s->Vmat, &s->S};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i) free(*bufs[i]);
    free(s);
}

static os_status alloc_vectors(os_solvent *s, os_error *err)
{
    size_t n = (size_t)s->cav.n, nbf = (size_t)s->bs->nbf;
    double **bufs[] = {&s->Vnuc, &s->V, &s->q, &s->q_fock, &s->work};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; ++i)
        if (!(*bufs[i] = calloc(n, sizeof(double)))) return OS_NOMEM(err, "solvent");
    if (!(s->Vmat = calloc(nbf * nbf, sizeof(double))) || !(s->S = calloc(nbf * nbf, sizeof(double))))
        return OS_NOMEM(err, "solvent");
    return os_int1e_overlap(s->bs, s->nthreads, s->S, err);
}

/* The basis-surface integrals: those of `share` when they are these (same
 * basis, the same points: the ion's cavity at the parent's geometry; their
 * set-up took 0.75 s on TFPAA-, about one UKS cycle), else computed. */
static os_status surface_integrals(os_solvent *s, const os_solvent *share, os_error *err)
{
    if (share && share->ints && share->bs == s->bs && share->cav.n == s->cav.n &&
        !memcmp(share->cav.xyz, s->cav.xyz, 3 * (size_t)s->cav.n * sizeof(double))) {
        s->ints = share->ints;
        return OS_OK;
    }
    s->owns_ints = 1;
    size_t mb = s->opt.memory_mb ? s->opt.memory_mb : DEFAULT_MEMORY_MB;
    return os_point_ints_new(s->bs, s->cav.n, s->cav.xyz, mb << 20, s->nthreads, &s->ints, err);
}

os_status os_solvent_new(const os_molecule *mol, const os_basis *bs,
                         const os_solvent_options *o, os_solvent **out, os_error *err)
{
    *out = NULL;
    os_solvent_options dflt;
    if (!o) {
        os_solvent_options_default(&dflt);
        o = &dflt;
    }
    os_status st = check_options(o, err);
    if (st != OS_OK) return st;
    if (!mol || mol->natom < 1) return os_fail(err, OS_ERR_INPUT, "solvent: no atoms");
    os_solvent *s = calloc(1, sizeof *s);
    if (!s || !(s->R = malloc((size_t)mol->natom * sizeof(double)))) {
        os_solvent_free(s);
        return OS_NOMEM(err, "solvent");
    }
    s->mol = mol;
    s->bs = bs;
    s->opt = *o;
    s->opt.radii_bohr = NULL; /* copied into R; the caller's array need not outlive us */
    s->opt.share = NULL;
    s->nthreads = o->nthreads > 0 ? o->nthreads : omp_get_max_threads();
    st = os_cavity_radii(mol, o, s->R, err);
    if (st == OS_OK) st = os_cavity_build(mol->natom, mol->xyz, s->R, o, &s->cav, err);
    if (st == OS_OK)
        st = os_cpcm_new(&s->cav, os_cpcm_f(o->scaling, o->eps), mol->charge,
                         o->charge_constraint, s->nthreads, &s->cpcm, err);
    if (st == OS_OK) st = alloc_vectors(s, err);
    if (st == OS_OK) st = surface_integrals(s, o->share, err);
    if (st != OS_OK) {
        os_solvent_free(s);
        return st;
    }
    if (o->radii_bohr) s->opt.radii_bohr = s->R;
    nuclear_potential(mol, &s->cav, s->Vnuc);
    describe(s);
    *out = s;
    return OS_OK;
}

static int variational(const os_solvent *s) { return s->opt.fock == OS_SOLVENT_FOCK_VARIATIONAL; }

/* The surface charges for the total density P (s->V, s->q, s->q_fock, s->last). */
static os_status solve_for(os_solvent *s, const double *P, os_error *err)
{
    os_status st = os_point_ints_density_potential(s->ints, P, s->V, err);
    if (st != OS_OK) return st;
    for (int i = 0; i < s->cav.n; ++i) s->V[i] += s->Vnuc[i];
    os_cpcm_solve(&s->cpcm, s->V, s->q, s->q_fock, s->work, &s->last);
    if (!variational(s)) s->last.fock_overlap = 0.0;
    s->have_solution = 1;
    return OS_OK;
}

/* The SCF's external term: charges q for the density P, the Fock term
 * (cpcm.c) added to V, G_pol into *energy. */
static os_status solvent_build(void *ctx, const double *P, double *V, double *energy,
                               os_error *err)
{
    os_solvent *s = ctx;
    size_t nbf = (size_t)s->bs->nbf;
    os_status st = solve_for(s, P, err);
    if (st == OS_OK)
        st = os_point_ints_charges_matrix(s->ints, variational(s) ? s->q_fock : s->q, s->Vmat,
                                          err);
    if (st != OS_OK) return st;
    double c = s->last.fock_overlap;
    for (size_t k = 0; k < nbf * nbf; ++k) V[k] += s->Vmat[k] + c * s->S[k];
    *energy = s->last.energy;
    return OS_OK;
}

/* dG_pol/dX at the converged density P (gradient.c). */
static os_status solvent_gradient(void *ctx, const double *P, double *grad, os_error *err)
{
    os_solvent *s = ctx;
    if (!variational(s) && s->cpcm.constrain && s->cpcm.charge != 0.0)
        return os_fail(err, OS_ERR_INPUT,
                       "%s: no solvent gradient with NWChem's Fock term for an ion (its SCF is "
                       "not stationary for its energy); use the variational Fock term",
                       s->mol->name);
    os_status st = solve_for(s, P, err);
    if (st != OS_OK) return st;
    os_solvent_grad_input in = {.mol = s->mol, .bs = s->bs, .cav = &s->cav, .f = s->cpcm.f,
                                .q = s->q, .q_fock = variational(s) ? s->q_fock : s->q,
                                .fock_overlap = s->last.fock_overlap, .nthreads = s->nthreads};
    return os_solvent_grad(&in, P, grad, err);
}

os_scf_potential os_solvent_potential(os_solvent *s)
{
    os_scf_potential p = {.name = "solvent", .ctx = s, .build = solvent_build,
                          .gradient = solvent_gradient,
                          .not_derivative = s->opt.fock == OS_SOLVENT_FOCK_NWCHEM};
    return p;
}

double os_solvent_energy(const os_solvent *s) { return s->have_solution ? s->last.energy : 0.0; }

int os_solvent_npoints(const os_solvent *s) { return s->cav.n; }

void os_solvent_surface(const os_solvent *s, const double **xyz, const double **q)
{
    if (xyz) *xyz = s->cav.xyz;
    if (q) *q = s->q;
}

const char *os_solvent_describe(const os_solvent *s) { return s->description; }

const os_cavity *os_solvent_cavity(const os_solvent *s) { return &s->cav; }

double os_solvent_cpcm_tsum(const os_solvent *s) { return s->cpcm.t_sum; }

const os_cpcm_solution *os_solvent_solution(const os_solvent *s)
{
    return s->have_solution ? &s->last : NULL;
}
