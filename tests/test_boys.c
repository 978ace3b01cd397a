/* Boys function vs mpmath (tests/reference/boys/boys_ref.txt, 50-digit values
 * from gen_boys_ref.py).  Tolerance: 1e-13 relative, for every order
 * m = 0..24 and T from 0 to 1e5, both when F_m is the top order requested
 * (Taylor branch) and when it comes from recursion off F_24. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrals/boys.h"
#include "check.h"

#define REL_TOL 1e-13

/* Worst relative errors at one T, by both evaluation paths. */
static void check_T(const char *T, double worst_top, double worst_rec)
{
    char what[96];
    snprintf(what, sizeof what, "T=%s max rel err, F_m top order", T);
    check_close(what, worst_top, 0.0, REL_TOL);
    snprintf(what, sizeof what, "T=%s max rel err, F_m from F_24", T);
    check_close(what, worst_rec, 0.0, REL_TOL);
}

int main(void)
{
    const char *path = OS_REF_DIR "/boys/boys_ref.txt";
    FILE *f = fopen(path, "r");
    if (!check_true("open boys_ref.txt", f != NULL)) return check_finish();

    char line[256], tprev[64] = "";
    double worst_top = 0.0, worst_rec = 0.0; /* max relative errors within one T */
    int nval = 0;
    double Fall[OS_BOYS_MMAX + 1], Fm[OS_BOYS_MMAX + 1];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        int m;
        char ts[64];
        double want;
        if (sscanf(line, "%d %63s %lf", &m, ts, &want) != 3) continue;
        double T = strtod(ts, NULL);
        if (strcmp(ts, tprev) != 0) {
            if (tprev[0]) check_T(tprev, worst_top, worst_rec);
            snprintf(tprev, sizeof tprev, "%s", ts);
            worst_top = worst_rec = 0.0;
            os_boys(OS_BOYS_MMAX, T, Fall);
        }
        os_boys(m, T, Fm);
        double e_top = fabs(Fm[m] - want) / want, e_rec = fabs(Fall[m] - want) / want;
        if (!(e_top <= worst_top)) worst_top = e_top; /* NaN-sticky */
        if (!(e_rec <= worst_rec)) worst_rec = e_rec;
        ++nval;
    }
    fclose(f);
    if (tprev[0]) check_T(tprev, worst_top, worst_rec);
    check_true("read 51 T x 25 m reference values", nval == 51 * 25);
    return check_finish();
}
