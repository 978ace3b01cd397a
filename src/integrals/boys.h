/* Boys function F_m(T) = int_0^1 t^(2m) exp(-T t^2) dt. */
#ifndef OS_BOYS_H
#define OS_BOYS_H

/* Highest order supported: 4*l_max + 1 derivative order (g: 4*4+1 = 17), with room. */
#define OS_BOYS_MMAX 24

/* F_0(T) .. F_mmax(T) into F[0..mmax]; T >= 0; ~1e-14 relative accuracy. */
void os_boys(int mmax, double T, double *F);

/* scale * F_m(T) for m = 0..mmax: the same, with a prefactor folded in
 * (saves a pass over F in the ERI hot loop). */
void os_boys_scaled(int mmax, double T, double scale, double *F);

#endif
