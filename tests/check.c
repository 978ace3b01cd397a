#include "check.h"
#include "integrals/integrals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_pass, n_fail;

int check_close(const char *what, double got, double want, double tol)
{
    double diff = fabs(got - want);
    int ok = isfinite(got) && diff <= tol;
    printf("%s %-48s got %.12g want %.12g |diff| %.3g tol %.3g\n", ok ? "PASS" : "FAIL",
           what, got, want, diff, tol);
    ok ? ++n_pass : ++n_fail;
    return ok;
}

int check_true(const char *what, int cond)
{
    printf("%s %s\n", cond ? "PASS" : "FAIL", what);
    cond ? ++n_pass : ++n_fail;
    return cond;
}

int check_read_keys(const char *path, void (*fn)(const char *key, char *value, void *ctx),
                    void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 0;
    }
    static char line[1 << 20];
    while (fgets(line, sizeof line, f)) {
        char key[64];
        int off = 0;
        if (line[0] == '#' || sscanf(line, "%63s %n", key, &off) != 1) continue;
        char *rest = line + off;
        rest[strcspn(rest, "\r\n")] = 0;
        fn(key, rest, ctx);
    }
    fclose(f);
    return 1;
}

double check_urand(void)
{
    static unsigned long long rng = 88172645463325252ULL;
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0 - 0.5;
}

double check_maxdiff(size_t len, const double *a, const double *b)
{
    double m = 0;
    for (size_t k = 0; k < len; ++k) m = fmax(m, fabs(a[k] - b[k]));
    return m;
}

int check_finish(void)
{
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail == 0 && n_pass > 0 ? 0 : 1;
}

os_status check_overlap_build(void *ctx, const double *P, double *V, double *energy,
                               os_error *err)
{
    const check_overlap_term *t = ctx;
    size_t n2 = (size_t)t->bs->nbf * t->bs->nbf;
    double *S = calloc(n2, sizeof(double));
    if (!S) return OS_ERR_NOMEM;
    os_status st = os_int1e_overlap(t->bs, 1, S, err);
    *energy = 0.0;
    for (size_t k = 0; k < n2; ++k) {
        V[k] += t->c * S[k];
        *energy += t->c * P[k] * S[k];
    }
    free(S);
    return st;
}

os_status check_overlap_gradient(void *ctx, const double *P, double *grad, os_error *err)
{
    const check_overlap_term *t = ctx;
    int natom = 0;
    for (int s = 0; s < t->bs->nshell; ++s)
        if (t->bs->shells[s].atom + 1 > natom) natom = t->bs->shells[s].atom + 1;
    double *g = calloc((size_t)3 * natom, sizeof(double));
    if (!g) return OS_ERR_NOMEM;
    os_status st = os_int1e_overlap_grad(t->bs, 1, P, g, err);
    for (int i = 0; i < 3 * natom; ++i) grad[i] += t->c * g[i];
    free(g);
    return st;
}
