/* The redundant internal coordinates of a molecule and the Wilson B matrix.
 *
 * From the bonds (connectivity.c, fragments joined): every bond's stretch;
 * every angle a-b-c between two bonds of b (two linear bends when it is
 * beyond 175 degrees); every torsion a-b-c-d about a bond b-c whose two
 * angles are not near-linear; and an out-of-plane coordinate for each atom
 * with exactly three bonds (the improper dihedral centre-n1-n2-n3, which a
 * planar centre needs: its three angles alone are redundant there).  The
 * set is redundant; steps are taken in the range of B (Pulay & Fogarasi,
 * J. Chem. Phys. 96, 2856 (1992); Peng, Ayala, Schlegel & Frisch,
 * J. Comput. Chem. 17, 49 (1996)).  When the set does not span all 3N-6
 * internal motions (3N-5 for a linear molecule) - a linear chain without
 * torsions, say - the atoms' Cartesians are added, as Psi4's optking does
 * with opt_coordinates "both".
 *
 * The generalized inverse is taken over the small side: M = (B^T B)^+ is
 * 3N x 3N whatever the number of coordinates, and B^+ = M B^T. */
#include "opt/opt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/linalg.h"

/* Eigenvalues of B^T B below this count as zero (rigid motions,
 * redundancies); in 1/bohr^2 for angles, 1 for stretches. */
#define IC_SINGULAR 1e-7

static os_status push(os_ic_set *s, os_ic c, os_error *err)
{
    if (s->n == s->cap) {
        int ncap = s->cap ? 2 * s->cap : 64;
        os_ic *n = realloc(s->ic, (size_t)ncap * sizeof *n);
        if (!n) return OS_NOMEM(err, "internal coordinates");
        s->ic = n;
        s->cap = ncap;
    }
    s->ic[s->n++] = c;
    return OS_OK;
}

void os_ic_set_free(os_ic_set *s)
{
    if (!s) return;
    free(s->ic);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------- neighbours */

typedef struct {
    int *start; /* natom + 1 */
    int *list;
} neighbours;

static os_status neighbours_build(const os_connectivity *c, neighbours *nb, os_error *err)
{
    int n = c->natom;
    nb->start = calloc((size_t)n + 1, sizeof(int));
    nb->list = malloc((size_t)(2 * c->nbond + 1) * sizeof(int));
    if (!nb->start || !nb->list) return OS_NOMEM(err, "neighbour lists");
    for (int k = 0; k < c->nbond; ++k) {
        ++nb->start[c->bonds[k].a + 1];
        ++nb->start[c->bonds[k].b + 1];
    }
    for (int i = 0; i < n; ++i) nb->start[i + 1] += nb->start[i];
    int *fill = calloc((size_t)n, sizeof(int));
    if (!fill) return OS_NOMEM(err, "neighbour lists");
    for (int k = 0; k < c->nbond; ++k) {
        int a = c->bonds[k].a, b = c->bonds[k].b;
        nb->list[nb->start[a] + fill[a]++] = b;
        nb->list[nb->start[b] + fill[b]++] = a;
    }
    free(fill);
    return OS_OK;
}

static void neighbours_free(neighbours *nb)
{
    free(nb->start);
    free(nb->list);
}

/* ------------------------------------------------------------ the set */

static os_status add_stretches(const os_connectivity *c, os_ic_set *s, os_error *err)
{
    for (int k = 0; k < c->nbond; ++k) {
        os_status st = push(s, (os_ic){OS_IC_STRETCH, {c->bonds[k].a, c->bonds[k].b, -1, -1},
                                       {0, 0, 0}}, err);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}

static os_status add_bends(const neighbours *nb, const double *xyz, os_ic_set *s, os_error *err)
{
    for (int b = 0; b < s->natom; ++b)
        for (int i = nb->start[b]; i < nb->start[b + 1]; ++i)
            for (int j = i + 1; j < nb->start[b + 1]; ++j) {
                int a = nb->list[i], c = nb->list[j];
                os_status st;
                if (os_ic_angle(xyz, a, b, c) < OS_IC_LINEAR_ANGLE) {
                    st = push(s, (os_ic){OS_IC_BEND, {a, b, c, -1}, {0, 0, 0}}, err);
                } else {
                    os_ic pair[2];
                    os_ic_linear_pair(xyz, a, b, c, pair);
                    st = push(s, pair[0], err);
                    if (st == OS_OK) st = push(s, pair[1], err);
                    s->nlinear += 2;
                }
                if (st != OS_OK) return st;
            }
    return OS_OK;
}

static os_status add_torsions(const os_connectivity *c, const neighbours *nb, const double *xyz,
                              os_ic_set *s, os_error *err)
{
    for (int k = 0; k < c->nbond; ++k) {
        int b = c->bonds[k].a, cc = c->bonds[k].b;
        for (int i = nb->start[b]; i < nb->start[b + 1]; ++i) {
            int a = nb->list[i];
            if (a == cc || os_ic_angle(xyz, a, b, cc) >= OS_IC_LINEAR_ANGLE) continue;
            for (int j = nb->start[cc]; j < nb->start[cc + 1]; ++j) {
                int d = nb->list[j];
                if (d == b || d == a || os_ic_angle(xyz, b, cc, d) >= OS_IC_LINEAR_ANGLE)
                    continue;
                os_status st = push(s, (os_ic){OS_IC_TORSION, {a, b, cc, d}, {0, 0, 0}}, err);
                if (st != OS_OK) return st;
            }
        }
    }
    return OS_OK;
}

static os_status add_out_of_plane(const neighbours *nb, const double *xyz, os_ic_set *s,
                                  os_error *err)
{
    for (int a = 0; a < s->natom; ++a) {
        if (nb->start[a + 1] - nb->start[a] != 3) continue;
        const int *n = nb->list + nb->start[a];
        /* Its angles a-n0-n1 and n0-n1-n2 must not be straight. */
        if (os_ic_angle(xyz, a, n[0], n[1]) >= OS_IC_LINEAR_ANGLE ||
            os_ic_angle(xyz, n[0], n[1], n[2]) >= OS_IC_LINEAR_ANGLE)
            continue;
        os_status st = push(s, (os_ic){OS_IC_OUT_OF_PLANE, {a, n[0], n[1], n[2]}, {0, 0, 0}}, err);
        if (st != OS_OK) return st;
    }
    return OS_OK;
}

static os_status add_cartesians(os_ic_set *s, os_error *err)
{
    for (int a = 0; a < s->natom; ++a)
        for (int k = 0; k < 3; ++k) {
            os_status st = push(s, (os_ic){OS_IC_CARTESIAN, {a, k, -1, -1}, {0, 0, 0}}, err);
            if (st != OS_OK) return st;
        }
    return OS_OK;
}

/* 1 when all atoms lie on one line. */
static int is_linear(int natom, const double *xyz)
{
    for (int c = 2; c < natom; ++c) {
        double u[3], v[3];
        for (int k = 0; k < 3; ++k) {
            u[k] = xyz[3 + k] - xyz[k];
            v[k] = xyz[3 * c + k] - xyz[k];
        }
        double x[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                       u[0] * v[1] - u[1] * v[0]};
        double lu = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
        double lv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        if (x[0] * x[0] + x[1] * x[1] + x[2] * x[2] > 1e-8 * lu * lv) return 0;
    }
    return 1;
}

/* Internal motions of the molecule: 3N-6, 3N-5 when linear. */
static int internal_dof(int natom, const double *xyz)
{
    if (natom <= 1) return 0;
    return is_linear(natom, xyz) ? 3 * natom - 5 : 3 * natom - 6;
}

os_status os_ic_set_build(const os_molecule *mol, const os_connectivity *conn,
                          const double *xyz, os_ic_set *s, os_error *err)
{
    memset(s, 0, sizeof *s);
    s->natom = mol->natom;
    neighbours nb = {0};
    os_status st = neighbours_build(conn, &nb, err);
    if (st == OS_OK) st = add_stretches(conn, s, err);
    if (st == OS_OK) st = add_bends(&nb, xyz, s, err);
    if (st == OS_OK) st = add_torsions(conn, &nb, xyz, s, err);
    if (st == OS_OK) st = add_out_of_plane(&nb, xyz, s, err);
    neighbours_free(&nb);
    os_ic_frame f = {0};
    if (st == OS_OK) st = os_ic_frame_build(s, xyz, &f, err);
    if (st == OS_OK && f.rank < internal_dof(mol->natom, xyz)) st = add_cartesians(s, err);
    os_ic_frame_free(&f);
    if (st != OS_OK) os_ic_set_free(s);
    return st;
}

os_status os_ic_set_cartesian(int natom, os_ic_set *s, os_error *err)
{
    memset(s, 0, sizeof *s);
    s->natom = natom;
    s->cartesian = 1;
    os_status st = add_cartesians(s, err);
    if (st != OS_OK) os_ic_set_free(s);
    return st;
}

/* Closest a bend, torsion or out-of-plane may come to straight before the
 * set is rebuilt: a little past where it was built (175 degrees). */
#define IC_UNSOUND_ANGLE (178.0 * 3.14159265358979323846 / 180.0)

int os_ic_set_sound(const os_ic_set *s, const double *xyz)
{
    for (int i = 0; i < s->n; ++i) {
        const int *a = s->ic[i].atom;
        switch (s->ic[i].kind) {
        case OS_IC_BEND:
            if (os_ic_angle(xyz, a[0], a[1], a[2]) > IC_UNSOUND_ANGLE) return 0;
            break;
        case OS_IC_TORSION:
        case OS_IC_OUT_OF_PLANE:
            if (os_ic_angle(xyz, a[0], a[1], a[2]) > IC_UNSOUND_ANGLE ||
                os_ic_angle(xyz, a[1], a[2], a[3]) > IC_UNSOUND_ANGLE)
                return 0;
            break;
        default: break;
        }
    }
    return 1;
}

void os_ic_values(const os_ic_set *s, const double *xyz, double *q)
{
    for (int i = 0; i < s->n; ++i) q[i] = os_ic_value(&s->ic[i], xyz);
}

void os_ic_diff(const os_ic_set *s, const double *q1, const double *q0, double *dq)
{
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < s->n; ++i) {
        double d = q1[i] - q0[i];
        if (os_ic_periodic(&s->ic[i])) {
            while (d > pi) d -= 2 * pi;
            while (d <= -pi) d += 2 * pi;
        }
        dq[i] = d;
    }
}

/* ------------------------------------------------------------ rigid motions */

void os_rigid_project(int natom, const double *xyz, double *v)
{
    if (natom < 1) return;
    /* Translations: the mean displacement.  Rotations about the centroid:
     * the omega that best fits v = omega x r, from I omega = sum r x v with
     * I = sum (r.r - r r^T) (unit weights; both sets are then orthogonal to
     * each other), inverted over its non-zero eigenvalues (a linear
     * molecule has no rotation about its axis). */
    double c[3] = {0, 0, 0}, mean[3] = {0, 0, 0};
    for (int a = 0; a < natom; ++a)
        for (int k = 0; k < 3; ++k) {
            c[k] += xyz[3 * a + k] / natom;
            mean[k] += v[3 * a + k] / natom;
        }
    double I[9] = {0}, L[3] = {0, 0, 0};
    for (int a = 0; a < natom; ++a) {
        double r[3], *u = v + 3 * a;
        for (int k = 0; k < 3; ++k) {
            r[k] = xyz[3 * a + k] - c[k];
            u[k] -= mean[k];
        }
        double rr = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) I[3 * i + j] += (i == j ? rr : 0.0) - r[i] * r[j];
        L[0] += r[1] * u[2] - r[2] * u[1];
        L[1] += r[2] * u[0] - r[0] * u[2];
        L[2] += r[0] * u[1] - r[1] * u[0];
    }
    double w[3], omega[3] = {0, 0, 0};
    if (os_eigh(3, I, w, NULL) != OS_OK) return;
    for (int k = 0; k < 3; ++k) {
        if (w[k] <= 1e-10 * fmax(w[2], 1e-300)) continue;
        double p = (I[k] * L[0] + I[3 + k] * L[1] + I[6 + k] * L[2]) / w[k];
        for (int i = 0; i < 3; ++i) omega[i] += p * I[3 * i + k];
    }
    for (int a = 0; a < natom; ++a) {
        double r[3], *u = v + 3 * a;
        for (int k = 0; k < 3; ++k) r[k] = xyz[3 * a + k] - c[k];
        u[0] -= omega[1] * r[2] - omega[2] * r[1];
        u[1] -= omega[2] * r[0] - omega[0] * r[2];
        u[2] -= omega[0] * r[1] - omega[1] * r[0];
    }
}

void os_vec_max_rms(int n, const double *v, double *vmax, double *vrms)
{
    double m = 0.0, s = 0.0;
    for (int i = 0; i < n; ++i) {
        m = fmax(m, fabs(v[i]));
        s += v[i] * v[i];
    }
    *vmax = m;
    *vrms = n > 0 ? sqrt(s / n) : 0.0;
}

/* ------------------------------------------------------------------- frame */

void os_ic_frame_free(os_ic_frame *f)
{
    if (!f) return;
    free(f->B);
    free(f->M);
    memset(f, 0, sizeof *f);
}

static os_status fill_b(const os_ic_set *s, const double *xyz, double *B, int ncart,
                        os_error *err)
{
    for (int i = 0; i < s->n; ++i) {
        const os_ic *c = &s->ic[i];
        double d[12];
        if (!os_ic_derivative(c, xyz, d))
            return os_fail(err, OS_ERR_NUMERIC,
                           "internal coordinate %d (atoms %d %d %d %d) undefined at this geometry",
                           i + 1, c->atom[0] + 1, c->atom[1] + 1, c->atom[2] + 1, c->atom[3] + 1);
        double *row = B + (size_t)i * ncart;
        if (c->kind == OS_IC_CARTESIAN) {
            row[3 * c->atom[0] + c->atom[1]] = 1.0;
            continue;
        }
        for (int a = 0; a < os_ic_natom(c); ++a)
            for (int k = 0; k < 3; ++k) row[3 * c->atom[a] + k] += d[3 * a + k];
    }
    return OS_OK;
}

/* M = (B^T B)^+ over eigenvalues above IC_SINGULAR. */
static os_status pseudo_inverse(os_ic_frame *f, os_error *err)
{
    int m = f->ncart;
    double *G = malloc((size_t)m * m * sizeof *G), *w = malloc((size_t)m * sizeof *w);
    if (!G || !w) {
        free(G);
        free(w);
        return OS_NOMEM(err, "B^T B");
    }
    os_gemm(1, 0, m, m, f->n, 1.0, f->B, f->B, 0.0, G);
    os_status st = os_eigh(m, G, w, err);
    if (st == OS_OK) {
        memset(f->M, 0, (size_t)m * m * sizeof(double));
        f->rank = 0;
        for (int k = 0; k < m; ++k) {
            if (w[k] <= IC_SINGULAR) continue;
            ++f->rank;
            for (int i = 0; i < m; ++i)
                for (int j = 0; j < m; ++j) f->M[i * m + j] += G[i * m + k] * G[j * m + k] / w[k];
        }
    }
    free(G);
    free(w);
    return st;
}

/* Plain Cartesians: M projects rigid translations and rotations out. */
static void rigid_projector(int natom, const double *xyz, double *M)
{
    int m = 3 * natom;
    for (int i = 0; i < m; ++i) {
        double *row = M + (size_t)i * m;
        row[i] = 1.0;
        os_rigid_project(natom, xyz, row); /* M is symmetric: rows are columns */
    }
}

os_status os_ic_frame_build(const os_ic_set *s, const double *xyz, os_ic_frame *f, os_error *err)
{
    memset(f, 0, sizeof *f);
    f->n = s->n;
    f->ncart = 3 * s->natom;
    f->B = calloc((size_t)f->n * f->ncart + 1, sizeof(double));
    f->M = calloc((size_t)f->ncart * f->ncart + 1, sizeof(double));
    if (!f->B || !f->M) {
        os_ic_frame_free(f);
        return OS_NOMEM(err, "B matrix");
    }
    os_status st = fill_b(s, xyz, f->B, f->ncart, err);
    if (st == OS_OK && s->cartesian) {
        rigid_projector(s->natom, xyz, f->M);
        f->rank = internal_dof(s->natom, xyz);
    } else if (st == OS_OK) {
        st = pseudo_inverse(f, err);
    }
    if (st != OS_OK) os_ic_frame_free(f);
    return st;
}

os_status os_ic_to_cartesian(const os_ic_frame *f, const double *dq, double *dx, os_error *err)
{
    int m = f->ncart;
    double *t = calloc((size_t)m, sizeof(double));
    if (!t) return OS_NOMEM(err, "Cartesian step");
    os_gemm(1, 0, m, 1, f->n, 1.0, f->B, dq, 0.0, t);
    os_gemm(0, 0, m, 1, m, 1.0, f->M, t, 0.0, dx);
    free(t);
    return OS_OK;
}

os_status os_ic_gradient(const os_ic_frame *f, const double *gx, double *gq, os_error *err)
{
    int m = f->ncart;
    double *t = calloc((size_t)m, sizeof(double));
    if (!t) return OS_NOMEM(err, "internal gradient");
    os_gemm(0, 0, m, 1, m, 1.0, f->M, gx, 0.0, t);
    os_gemm(0, 0, f->n, 1, m, 1.0, f->B, t, 0.0, gq);
    free(t);
    return OS_OK;
}

os_status os_ic_projector(const os_ic_frame *f, double *P, os_error *err)
{
    int m = f->ncart, n = f->n;
    double *BM = malloc((size_t)n * m * sizeof *BM + 1);
    if (!BM) return OS_NOMEM(err, "projector");
    os_gemm(0, 0, n, m, m, 1.0, f->B, f->M, 0.0, BM);
    os_gemm(0, 1, n, n, m, 1.0, BM, f->B, 0.0, P);
    free(BM);
    os_symmetrize(n, P);
    return OS_OK;
}
