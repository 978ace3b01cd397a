/* Basis tests: shell/function/primitive counts against Psi4 1.3.2
 * (tests/reference/molecule/psi4_refs.txt), unit self-overlap of every
 * contracted shell (analytic Gaussian integral, independent of the
 * normalization formula in basis.c), Gaussian94 parser details (SP split,
 * scale factors, Fortran exponents, ECP sections), name aliases, errors, and
 * the fitting (JKFIT) sets Psi4 pairs with each orbital basis.
 *
 * `test_basis --corpus [--must-fail] DIR...` feeds every file in the
 * directories to os_g94_parse and checks for one-line errors, not crashes. */
#include "input/g94.h"
#include "integrals/cart2sph.h"
#include "check.h"
#include "orbscreen.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REF OS_REF_DIR "/molecule/"
#define BASIS_DIR OS_SOURCE_DIR "/basis"

static int load_mol(const char *name, os_molecule *mol)
{
    char path[512];
    os_error err = {""};
    snprintf(path, sizeof path, REF "%s.xyz", name);
    if (os_molecule_read_xyz(path, mol, &err) != OS_OK) {
        printf("  %s\n", err.msg);
        return 0;
    }
    return 1;
}

/* <x^l|x^l> of the contracted shell from the stored coefficients:
 * sum_ij c_i c_j (2l-1)!! / (2p)^l (pi/p)^(3/2), p = a_i + a_j. */
static double shell_self_overlap(const os_shell *sh)
{
    const double pi = 3.14159265358979323846;
    double dfac = 1.0;
    for (int k = 2 * sh->l - 1; k > 1; k -= 2) dfac *= k;
    double s = 0.0;
    for (int i = 0; i < sh->nprim; ++i)
        for (int j = 0; j < sh->nprim; ++j) {
            double p = sh->alpha[i] + sh->alpha[j];
            s += sh->coef[i] * sh->coef[j] * dfac / pow(2.0 * p, sh->l) * pow(pi / p, 1.5);
        }
    return s;
}

/* Structural invariants plus normalization of every shell. */
static void check_structure(const char *what, const os_molecule *mol, const os_basis *bs)
{
    int ok = 1, nbf = 0, maxl = 0, maxp = 0;
    double worst = 0.0;
    for (int s = 0; s < bs->nshell; ++s) {
        const os_shell *sh = &bs->shells[s];
        ok &= sh->bf0 == nbf;
        ok &= sh->nbf == (sh->pure ? os_nsph(sh->l) : os_ncart(sh->l));
        ok &= sh->atom >= 0 && sh->atom < mol->natom;
        ok &= s >= bs->atom_shell0[sh->atom] && s < bs->atom_shell0[sh->atom + 1];
        ok &= memcmp(sh->origin, mol->xyz + 3 * sh->atom, sizeof sh->origin) == 0;
        ok &= sh->alpha >= bs->store && sh->coef > sh->alpha;
        nbf += sh->nbf;
        if (sh->l > maxl) maxl = sh->l;
        if (sh->nprim > maxp) maxp = sh->nprim;
        double d = fabs(shell_self_overlap(sh) - 1.0);
        if (d > worst || !isfinite(d)) worst = isfinite(d) ? d : INFINITY;
    }
    ok &= nbf == bs->nbf && maxl == bs->max_l && maxp == bs->max_nprim;
    ok &= bs->atom_shell0[0] == 0 && bs->atom_shell0[mol->natom] == bs->nshell;
    char buf[320];
    snprintf(buf, sizeof buf, "%.200s: shell bookkeeping", what);
    check_true(buf, ok);
    snprintf(buf, sizeof buf, "%.200s: max |<x^l|x^l> - 1| over shells", what);
    check_close(buf, worst, 0.0, 1e-12);
}

static void test_psi4_counts(void)
{
    FILE *f = fopen(REF "psi4_refs.txt", "r");
    if (!check_true("open psi4_refs.txt", f != NULL)) return;
    char line[512];
    int ncase = 0;
    while (fgets(line, sizeof line, f)) {
        char kind[16], mname[64], basis[64], how[16];
        int pure, nbf, nshell, nprim, maxam;
        if (sscanf(line, "%15s %63s %63s %d %d %15s %d %d %d", kind, mname, basis, &pure, &nbf,
                   how, &nshell, &nprim, &maxam) != 9 ||
            strcmp(kind, "nbf"))
            continue;
        os_molecule mol;
        if (!check_true("load reference molecule", load_mol(mname, &mol))) continue;
        int forced = strcmp(how, "forced") == 0;
        os_basis bs;
        os_error err = {""};
        os_status st = os_basis_load(&mol, basis, BASIS_DIR, forced ? pure : OS_PURE_DEFAULT, &bs,
                                     &err);
        char what[400];
        snprintf(what, sizeof what, "%s %s (%s %s) loads", mname, basis, how,
                 pure ? "spherical" : "Cartesian");
        if (!check_true(what, st == OS_OK)) {
            printf("  %s\n", err.msg);
            os_molecule_free(&mol);
            continue;
        }
        ++ncase;
        int totprim = 0;
        for (int s = 0; s < bs.nshell; ++s) totprim += bs.shells[s].nprim;
        snprintf(what, sizeof what, "%s %s %s: pure flag as Psi4", mname, basis, how);
        check_close(what, bs.shells[0].pure, pure, 0);
        snprintf(what, sizeof what, "%s %s pure=%d: nbf vs Psi4", mname, basis, pure);
        check_close(what, bs.nbf, nbf, 0);
        snprintf(what, sizeof what, "%s %s: nshell vs Psi4", mname, basis);
        check_close(what, bs.nshell, nshell, 0);
        snprintf(what, sizeof what, "%s %s: primitives vs Psi4", mname, basis);
        check_close(what, totprim, nprim, 0);
        snprintf(what, sizeof what, "%s %s: max l vs Psi4", mname, basis);
        check_close(what, bs.max_l, maxam, 0);
        snprintf(what, sizeof what, "%s %s pure=%d", mname, basis, pure);
        check_structure(what, &mol, &bs);
        os_basis_free(&bs);
        os_molecule_free(&mol);
    }
    fclose(f);
    check_true("Psi4 count cases found", ncase >= 20);
}

static void test_aliases(void)
{
    static const char *const pairs[][2] = {
        {"6-31+G(d)", "6-31+G*"},      {"6-31G(d,p)", "6-31G**"},   {"6-311G(d)", "6-311G*"},
        {" 6-31++g(D,P) ", "6-31++G**"}, {"6-311+G(d,p)", "6-311+G**"}, {"CC-PVDZ", "cc-pVDZ"},
        {"aug-cc-pvtz", "aug-cc-pVTZ"}, {"DEF2-svp", "def2-SVP"},     {"def2-tzvpd", "def2-TZVPD"},
        {"sto-3g", "STO-3G"},          {"6-31g*", "6-31G*"},         {"3-21g", "3-21G"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; ++i) {
        char canon[64] = "", file[64] = "", what[128];
        int ok = os_basis_lookup(pairs[i][0], canon, sizeof canon, file, sizeof file);
        snprintf(what, sizeof what, "alias '%s' -> %s", pairs[i][0], pairs[i][1]);
        check_true(what, ok && strcmp(canon, pairs[i][1]) == 0);
    }
    check_true("6-31G(2df) is not known", !os_basis_lookup("6-31G(2df)", NULL, 0, NULL, 0));
    check_true("6-31G*** is not known", !os_basis_lookup("6-31G***", NULL, 0, NULL, 0));
}

/* SP shells split into S then P with shared exponents; 6-31G* carbon is
 * S, SP, SP, D (Cartesian: 1+4+4+6 = 15 functions). */
static void test_sp_split(void)
{
    os_molecule mol;
    os_error err = {""};
    const char *t = "1\n\nC 0 0 0\n";
    if (!check_true("parse C atom", os_molecule_parse_xyz(t, strlen(t), "c", &mol, &err) == OS_OK))
        return;
    os_basis bs;
    if (check_true("load 6-31G* for C", os_basis_load(&mol, "6-31g(d)", BASIS_DIR,
                                                      OS_PURE_DEFAULT, &bs, &err) == OS_OK)) {
        int l[6] = {-1, -1, -1, -1, -1, -1};
        for (int s = 0; s < bs.nshell && s < 6; ++s) l[s] = bs.shells[s].l;
        check_true("C shells S S P S P D",
                   bs.nshell == 6 && l[0] == 0 && l[1] == 0 && l[2] == 1 && l[3] == 0 &&
                       l[4] == 1 && l[5] == 2);
        check_close("C 6-31G* Cartesian nbf", bs.nbf, 15, 0);
        check_true("canonical name 6-31G*", strcmp(bs.name, "6-31G*") == 0);
        check_true("SP pair shares exponents",
                   bs.shells[1].nprim == bs.shells[2].nprim &&
                       memcmp(bs.shells[1].alpha, bs.shells[2].alpha,
                              (size_t)bs.shells[1].nprim * sizeof(double)) == 0);
        /* 6-31G* carbon's first SP shell in basis/6-31gs.gbs starts with 7.8682724. */
        check_close("C first SP exponent (file value)", bs.shells[1].alpha[0], 7.8682724, 1e-12);
        os_basis_free(&bs);
    }
    if (check_true("load 6-31G* spherical", os_basis_load(&mol, "6-31G*", BASIS_DIR, OS_SPHERICAL,
                                                          &bs, &err) == OS_OK)) {
        check_close("C 6-31G* spherical nbf", bs.nbf, 14, 0);
        os_basis_free(&bs);
    }
    os_molecule_free(&mol);
}

/* Parser details on small buffers. */
static void test_g94_buffer(void)
{
    os_g94_library lib;
    os_error err = {""};
    const char *t = "! comment\n"
                    "spherical\n"
                    "****\n"
                    "H     0\n"
                    "S   2   2.00\n"
                    "  1.0D+01   0.5d0\n"
                    "  0.25      0.5\n"
                    "H   1   1.00\n"
                    "  1.5       1.0\n"
                    "****\n"
                    "Uuo 0\n" /* beyond the element table: parsed, dropped */
                    "S 1 1.0\n 1.0 1.0\n"
                    "****\n"
                    "RB 0\n"
                    "RB-ECP 1 28\n"
                    "p-ul potential\n"
                    "  1\n"
                    "2  1.0  -2.0\n"
                    "s-ul potential\n"
                    "  2\n"
                    "2  3.0  4.0\n"
                    "2  5.0  6.0\n";
    os_status st = os_g94_parse(t, strlen(t), "buf.gbs", &lib, &err);
    if (check_true("parse small G94 buffer", st == OS_OK)) {
        check_close("spherical flag", lib.pure, 1, 0);
        check_close("H shells", lib.elem_nshell[1], 2, 0);
        const os_g94_shell *s0 = &lib.shells[lib.elem_shell0[1]];
        check_close("scale 2 -> exponent 1.0D+01 * 4", lib.data[s0->off], 40.0, 0);
        check_close("scale 2 -> exponent 0.25 * 4", lib.data[s0->off + 1], 1.0, 0);
        check_close("Fortran coefficient 0.5d0", lib.data[s0->off + 2], 0.5, 0);
        check_close("h shell l", lib.shells[lib.elem_shell0[1] + 1].l, 5, 0);
        check_close("Rb flagged as ECP", lib.elem_ecp[37], 1, 0);
        check_close("Rb has no shells here", lib.elem_nshell[37], 0, 0);
        os_g94_free(&lib);
    } else {
        printf("  %s\n", err.msg);
    }

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"H 0\nS 1 1.0\n 1.0 1.0\n", "b.gbs:3: block of H (line 1) lacks its '****'"},
        {"H 0\nX 1 1.0\n 1.0 1.0\n****\n",
         "b.gbs:2: expected a shell line 'S|P|D|F|G|H|I|SP nprim scale' (1 <= nprim <= 100, "
         "scale > 0) or '****'"},
        {"H 0\nS 2 1.0\n 1.0 1.0\n****\n", "b.gbs:4: expected 'exponent coefficient'"},
        {"H 0\nS 1 1.0\n -1.0 1.0\n****\n", "b.gbs:3: exponent must be positive and finite"},
        {"H 0\nS 1 1.0\n 1.0Q+01 1.0\n****\n",
         "b.gbs:3: expected 'exponent coefficient': '1.0Q+01' is not a decimal number"},
        /* strtod alone would read these as 13 and infinity (issue 9). */
        {"H 0\nS 1 1.0\n 0xd 1.0\n****\n",
         "b.gbs:3: expected 'exponent coefficient': '0xd' is not a decimal number"},
        {"H 0\nS 1 1.0\n 1.0 infinity\n****\n",
         "b.gbs:3: expected 'exponent coefficient': 'infinity' is not a decimal number"},
        {"H 0\nS 1 1.0\n 1.0 \t0.5\xc2\xa0\n****\n",
         "b.gbs:3: expected 'exponent coefficient': '0.5\\xc2\\xa0' is not a decimal number"},
        {"H 0\nSP 1 1.0\n 1.0 1.0\n****\n",
         "b.gbs:3: expected 'exponent s-coefficient p-coefficient'"},
        {"H 0\nS 1 1.0\n 1.0 1.0\n****\nh 0\nS 1 1.0\n 2.0 1.0\n****\n",
         "b.gbs:5: element h defined again (first on line 1)"},
        {"H 1\nS 1 1.0\n 1.0 1.0\n****\n", "b.gbs:1: expected an element header 'Sym 0'"},
        {"H 0\n****\n", "b.gbs:1: element H has no shells"},
        {"H 0\nH-ECP 2 0\np-ul\n1\n2 1.0 1.0\n", "b.gbs:5: ECP ends early"},
        {"H 0\nS 1 1.0\n 1.0 1.0\n\0****\n", "b.gbs:4: NUL byte in text"},
        {"H 0\nS 101 1.0\n", "b.gbs:2: expected a shell line 'S|P|D|F|G|H|I|SP nprim scale' "
                             "(1 <= nprim <= 100, scale > 0) or '****'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        size_t len = strlen(bad[i].text);
        if (strstr(bad[i].msg, "NUL")) len += 1 + strlen(bad[i].text + len + 1);
        st = os_g94_parse(bad[i].text, len, "b.gbs", &lib, &err);
        char what[96];
        snprintf(what, sizeof what, "bad G94 buffer %zu: parse error and message", i);
        if (!check_true(what, st == OS_ERR_PARSE && strcmp(err.msg, bad[i].msg) == 0))
            printf("  got  '%s'\n  want '%s'\n", err.msg, bad[i].msg);
        check_true("failed parse leaves an empty library", lib.nshell == 0 && !lib.shells);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_errors(void)
{
    os_molecule mol;
    os_basis bs;
    os_error err = {""};
    const char *t = "2\n\nXe 0 0 0\nH 0 0 1.6\n";
    if (!check_true("parse XeH", os_molecule_parse_xyz(t, strlen(t), "xeh", &mol, &err) == OS_OK))
        return;
    os_status st = os_basis_load(&mol, "6-31G(d)", BASIS_DIR, OS_PURE_DEFAULT, &bs, &err);
    check_true("Xe in 6-31G*: basis error naming element",
               st == OS_ERR_BASIS &&
                   strcmp(err.msg, "element Xe (Z = 54) is known but not supported by basis set "
                                   "6-31G*") == 0);
    check_true("failed load leaves no shells", bs.nshell == 0 && !bs.shells && !bs.store);
    st = os_basis_load(&mol, "def2-svp", BASIS_DIR, OS_PURE_DEFAULT, &bs, &err);
    check_true("Xe in def2-SVP: ECP refused",
               st == OS_ERR_BASIS &&
                   strcmp(err.msg, "basis def2-SVP: element Xe needs an effective core potential, "
                                   "which orbscreen does not support") == 0);
    st = os_basis_load(&mol, "6-31G(2df)", BASIS_DIR, OS_PURE_DEFAULT, &bs, &err);
    check_true("unknown basis error lists the name and the known sets",
               st == OS_ERR_BASIS &&
                   strncmp(err.msg, "unknown basis set '6-31G(2df)' (known: STO-3G, 3-21G,", 51) == 0);
    st = os_basis_load(&mol, "cc-pvdz", "/nonexistent-dir", OS_PURE_DEFAULT, &bs, &err);
    check_true("missing library directory -> I/O error naming the file",
               st == OS_ERR_IO && strcmp(err.msg, "/nonexistent-dir/cc-pvdz.gbs: cannot open: "
                                                  "No such file or directory") == 0);
    os_molecule_free(&mol);

    /* A private library directory with broken files under real names. */
    char dir[] = "/tmp/os_test_basis_XXXXXX";
    if (!check_true("make temp dir", mkdtemp(dir) != NULL)) return;
    char p1[256], p2[256], p3[256], p4[256], p5[256], p6[256], msg[512];
    snprintf(p1, sizeof p1, "%s/sto-3g.gbs", dir);
    snprintf(p2, sizeof p2, "%s/3-21g.gbs", dir);
    snprintf(p3, sizeof p3, "%s/6-31g.gbs", dir);
    write_file(p1, "spherical\n****\nH 0\nS 1 1.0\n 1.0 1.0\nI 1 1.0\n 1.0 1.0\n****\n");
    write_file(p2, "H 0\nS 2 1.0\n 1.0 1.0\n 1.0 -1.0\n****\n");
    write_file(p3, "H 0\nS 1 1.0\n 1.0 abc\n****\n");
    t = "1\n\nH 0 0 0\n";
    if (os_molecule_parse_xyz(t, strlen(t), "h", &mol, &err) == OS_OK) {
        st = os_basis_load(&mol, "sto-3g", dir, OS_PURE_DEFAULT, &bs, &err);
        check_true("l=6 shell refused at load",
                   st == OS_ERR_BASIS &&
                       strcmp(err.msg, "basis STO-3G: element H has l=6 functions; orbscreen "
                                       "supports l <= 5") == 0);
        st = os_basis_load(&mol, "3-21G", dir, OS_PURE_DEFAULT, &bs, &err);
        check_true("zero-norm contraction refused",
                   st == OS_ERR_BASIS &&
                       strcmp(err.msg, "basis 3-21G: element H shell 1 cannot be normalized") == 0);
        st = os_basis_load(&mol, "6-31G", dir, OS_PURE_DEFAULT, &bs, &err);
        snprintf(msg, sizeof msg, "%s: expected 'exponent coefficient'", p3);
        char want[600];
        snprintf(want, sizeof want,
                 "%s/6-31g.gbs:3: expected 'exponent coefficient': 'abc' is not a decimal number",
                 dir);
        check_true("malformed library file: parse error naming file and line",
                   st == OS_ERR_PARSE && strcmp(err.msg, want) == 0);
        /* Nearly equal exponents with +1/-1 coefficients: the normalized function
         * exists, but its integrals cancel 15 digits away (issue 9: E = -3.5e13 Eh). */
        snprintf(p4, sizeof p4, "%s/6-31gs.gbs", dir);
        write_file(p4, "H 0\nS 2 1.0\n 1.0 1.0\n 1.0000001 -1.0\n****\n");
        st = os_basis_load(&mol, "6-31G*", dir, OS_PURE_DEFAULT, &bs, &err);
        check_true("ill-conditioned contraction refused, naming the shell",
                   st == OS_ERR_BASIS &&
                       strstr(err.msg, "basis 6-31G*: element H shell 1 is numerically "
                                       "ill-conditioned: its primitives cancel to 1 part in ") ==
                           err.msg);
        if (st != OS_ERR_BASIS) printf("  got '%s'\n", err.msg);
        /* An exponent of 1e30 (kinetic energy 1.5e30 Eh) leaves the Fock matrix no
         * digits: B3LYP ran to a number or to a random failure. */
        snprintf(p6, sizeof p6, "%s/cc-pvdz.gbs", dir);
        write_file(p6, "H 0\nS 1 1.0\n 1.0D+30 1.0\nS 1 1.0\n 1.0 1.0\n****\n");
        st = os_basis_load(&mol, "cc-pVDZ", dir, OS_PURE_DEFAULT, &bs, &err);
        check_true("exponent 1e30 refused, naming the shell and the limit",
                   st == OS_ERR_BASIS &&
                       strcmp(err.msg, "basis cc-pVDZ: element H shell 1 has the exponent 1e+30, "
                                       "above 1e+09: its kinetic energy would leave the Fock "
                                       "matrix no digits") == 0);
        if (st != OS_ERR_BASIS) printf("  got '%s'\n", err.msg);
        double a2[2] = {1.0, 1.0001}, c2[2] = {1.0, -1.0};
        /* (2 sqrt(a b)/(a+b))^1.5 = 1 - 3 d^2/16 + O(d^3) for a = 1, b = 1 + d: the norm is
         * 3 d^2 / 8 against 4 without signs, a ratio of 32/3 d^-2 (d = 1e-4). */
        check_close("cancellation of a +1/-1 pair, d = 1e-4 (relative)",
                    os_basis_cancellation(0, 2, a2, c2) / (32.0 / 3.0 * 1e8), 1.0, 1e-3);
        double a3[3] = {3.42525091, 0.62391373, 0.16885540}, c3[3] = {0.15432897, 0.53532814,
                                                                       0.44463454};
        check_close("STO-3G H 1s does not cancel", os_basis_cancellation(0, 3, a3, c3), 1.0,
                    1e-15);
        /* A FIFO under a library name is refused at once, never waited on (issue 9). */
        snprintf(p5, sizeof p5, "%s/6-31pgs.gbs", dir);
        if (check_true("make FIFO", mkfifo(p5, 0600) == 0)) {
            alarm(30); /* a blocking open would end the test here */
            st = os_basis_load(&mol, "6-31+G*", dir, OS_PURE_DEFAULT, &bs, &err);
            alarm(0);
            check_true("basis file that is a FIFO refused",
                       st == OS_ERR_IO && strstr(err.msg, "6-31pgs.gbs: is a FIFO, not a "
                                                          "Gaussian94 basis file"));
        }
        os_molecule_free(&mol);
    }
    /* Uranium is an element, known, but in none of the library's basis sets. */
    t = "1\n\nU 0 0 0\n";
    if (check_true("parse U", os_molecule_parse_xyz(t, strlen(t), "u", &mol, &err) == OS_OK)) {
        st = os_basis_load(&mol, "def2-SVP", BASIS_DIR, OS_PURE_DEFAULT, &bs, &err);
        check_true("U: known but not supported by the basis set",
                   st == OS_ERR_BASIS &&
                       strcmp(err.msg, "element U (Z = 92) is known but not supported by basis "
                                       "set def2-SVP") == 0);
        os_molecule_free(&mol);
    }
    unlink(p1);
    unlink(p2);
    unlink(p3);
    unlink(p4);
    unlink(p5);
    unlink(p6);
    rmdir(dir);

    /* Default directory: the environment wins over the build-time path. */
    setenv("ORBSCREEN_BASIS_DIR", "/some/where", 1);
    check_true("ORBSCREEN_BASIS_DIR honoured", strcmp(os_basis_default_dir(), "/some/where") == 0);
    unsetenv("ORBSCREEN_BASIS_DIR");
    /* The build-time default (CMake's ORBSCREEN_BASIS_DIR) must hold the library. */
    char dpath[2048];
    struct stat sb;
    snprintf(dpath, sizeof dpath, "%s/cc-pvdz.gbs", os_basis_default_dir());
    check_true("build-time default directory holds cc-pvdz.gbs", stat(dpath, &sb) == 0);
}

/* Gaussian normalization numbers computed by hand for one primitive:
 * N(a=1, l=0) = (2/pi)^(3/4) = 0.712705470354990; N(a=2, l=2) with
 * (4/pi)^(3/4) * 8 / sqrt(3) = 5.52770524224...; a contraction's norm is
 * invariant to scaling the raw coefficients. */
static void test_normalize(void)
{
    double a[1] = {1.0}, c[1] = {3.0};
    check_true("normalize s", os_basis_normalize(0, 1, a, c));
    check_close("N(1, s)", c[0], 0.712705470354990, 1e-14);
    double a2[1] = {2.0}, c2[1] = {1.0};
    check_true("normalize d", os_basis_normalize(2, 1, a2, c2));
    check_close("N(2, d)", c2[0], pow(4.0 / 3.14159265358979323846, 0.75) * 8.0 / sqrt(3.0), 1e-13);
    double a3[2] = {1.0, 1.0}, c3[2] = {1.0, -1.0};
    check_true("zero contraction refused", !os_basis_normalize(1, 2, a3, c3));
}

static int g94_file_fails(const char *path, int *crashed_msg)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) return -1;
    os_g94_library lib;
    os_error err = {""};
    os_status st = os_g94_parse(buf, len, path, &lib, &err);
    free(buf);
    if (st == OS_OK) {
        os_g94_free(&lib);
        return 0;
    }
    *crashed_msg |= !err.msg[0] || strchr(err.msg, '\n') != NULL;
    return 1;
}

static void run_corpus(const char *dir, int must_fail)
{
    DIR *d = opendir(dir);
    if (!check_true("open corpus directory", d != NULL)) return;
    int n = 0, nerr = 0, badmsg = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t L = strlen(de->d_name);
        int is_gbs = L > 4 && strcmp(de->d_name + L - 4, ".gbs") == 0;
        if (de->d_name[0] == '.' || (!is_gbs && strncmp(de->d_name, "crash-", 6) &&
                                     strncmp(de->d_name, "g94-", 4)))
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        int r = g94_file_fails(path, &badmsg);
        if (r < 0) continue;
        ++n;
        nerr += r;
        if (!r && must_fail) printf("  unexpectedly accepted: %s\n", path);
    }
    closedir(d);
    printf("corpus %s: %d files, %d errors\n", dir, n, nerr);
    check_true("corpus: every error has a one-line message", badmsg == 0);
    if (must_fail) check_true("corpus: every file rejected", n > 0 && nerr == n);
}

/* Every library file shipped in basis/ parses, and names a known set. */
static void test_library_parses(void)
{
    DIR *d = opendir(BASIS_DIR);
    if (!check_true("open basis directory", d != NULL)) return;
    int n = 0, nfail = 0, badmsg = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t L = strlen(de->d_name);
        if (L < 5 || strcmp(de->d_name + L - 4, ".gbs")) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", BASIS_DIR, de->d_name);
        ++n;
        if (g94_file_fails(path, &badmsg) != 0) {
            ++nfail;
            printf("  does not parse: %s\n", path);
        }
    }
    closedir(d);
    check_true("basis/: at least the 20 required sets", n >= 20);
    check_close("basis/: files that fail to parse", nfail, 0, 0);
    for (int i = 0; i < 26; ++i) {
        static const char *const req[] = {
            "STO-3G", "3-21G", "6-31G", "6-31G*", "6-31G**", "6-31+G*", "6-31+G**",
            "6-31++G**", "6-311G*", "6-311G**", "6-311+G**", "6-311++G**", "def2-SVP",
            "def2-TZVP", "def2-TZVPD", "cc-pVDZ", "cc-pVTZ", "cc-pVQZ", "aug-cc-pVDZ",
            "aug-cc-pVTZ", "6-31+G", "6-31++G*", "6-311+G*", "6-311++G*", "def2-SVPD",
            "aug-cc-pVQZ"};
        char file[64], path[2048], what[128];
        struct stat sb;
        int ok = os_basis_lookup(req[i], NULL, 0, file, sizeof file);
        snprintf(path, sizeof path, "%s/%s", BASIS_DIR, ok ? file : "?");
        snprintf(what, sizeof what, "%s is known and its file exists", req[i]);
        check_true(what, ok && stat(path, &sb) == 0);
    }
}

/* Fitting bases against Psi4 1.3.2's own choice (tests/reference/df/pairing.txt,
 * from pairing.in): for each orbital basis (default and forced spherical
 * puream), the default fitting set's name (Psi4's "Blend", as a set of names),
 * puream, function count and highest l, on water and LiF (Li is missing from
 * the cc-pVXZ-JKFIT family: it comes from def2-QZVPP-JKFIT). */
static int same_blend(const char *ours, const char *psi4)
{
    char a[256], b[256];
    snprintf(a, sizeof a, "+%s+", ours);
    snprintf(b, sizeof b, "+%s+", psi4);
    for (char *c = a; *c; ++c) *c = (char)toupper((unsigned char)*c);
    int na = 0, nb = 0;
    for (char *c = a; *c; ++c) na += *c == '+';
    for (char *c = b; *c; ++c) nb += *c == '+';
    if (na != nb) return 0;
    for (char *tok = strtok(b + 1, "+"); tok; tok = strtok(NULL, "+")) {
        char key[128];
        snprintf(key, sizeof key, "+%s+", tok);
        if (!strstr(a, key)) return 0;
    }
    return 1;
}

static void test_fitting_pairing(void)
{
    static const char lif_xyz[] = "2\ncharge=0 mult=1\nLi 0 0 0\nF 0 0 1.6\n";
    FILE *f = fopen(OS_REF_DIR "/df/pairing.txt", "r");
    if (!check_true("read df/pairing.txt", f != NULL)) return;
    char line[512];
    int nlines = 0;
    while (fgets(line, sizeof line, f)) {
        char mname[32], orb[32], user[32], blend[128];
        int orb_pure, aux_pure, naux, lmax;
        if (line[0] == '#' || sscanf(line, "%31s %31s %31s %d %127s %d %d %d", mname, orb, user,
                                     &orb_pure, blend, &aux_pure, &naux, &lmax) != 8)
            continue;
        os_molecule mol;
        os_error err = {""};
        int ok = strcmp(mname, "LiF") == 0
                     ? os_molecule_parse_xyz(lif_xyz, sizeof lif_xyz - 1, "LiF", &mol, &err) == OS_OK
                     : load_mol("water", &mol);
        os_basis bs, aux;
        int pure = strcmp(user, "puream=1") == 0 ? OS_SPHERICAL : OS_PURE_DEFAULT;
        ok = ok && os_basis_load(&mol, orb, BASIS_DIR, pure, &bs, &err) == OS_OK;
        ok = ok && os_basis_load_aux(&mol, &bs, NULL, BASIS_DIR, &aux, &err) == OS_OK;
        char what[400];
        snprintf(what, sizeof what, "%s %s %s: default fitting basis loads", mname, orb, user);
        if (!check_true(what, ok)) {
            printf("  %s\n", err.msg);
            continue;
        }
        ++nlines;
        snprintf(what, sizeof what, "%s %s %s: %s is Psi4's %s", mname, orb, user, aux.name, blend);
        check_true(what, same_blend(aux.name, blend));
        snprintf(what, sizeof what, "%s %s %s: fitting functions as Psi4", mname, orb, user);
        check_close(what, aux.nbf, naux, 0);
        snprintf(what, sizeof what, "%s %s %s: fitting puream and l_max as Psi4", mname, orb, user);
        check_true(what, aux.shells[0].pure == aux_pure && aux.max_l == lmax);
        check_structure(what, &mol, &aux);
        os_basis_free(&aux);
        os_basis_free(&bs);
        os_molecule_free(&mol);
    }
    fclose(f);
    check_true("pairing.txt: 18 cases", nlines == 18);
    /* every fitting set parses and loads for water; a user-chosen set; errors */
    os_molecule mol;
    if (!load_mol("water", &mol)) return;
    os_basis bs, aux;
    os_error err = {""};
    if (check_true("water cc-pVDZ", os_basis_load(&mol, "cc-pVDZ", BASIS_DIR, OS_PURE_DEFAULT, &bs,
                                                    &err) == OS_OK)) {
        static const char *sets[] = {"cc-pvdz-jkfit", "CC-PVTZ-JKFIT", "cc-pVQZ-JKFIT",
                                     "heavy-aug-cc-pVDZ-JKFIT", "heavy-aug-cc-pVTZ-JKFIT",
                                     "aug-cc-pVDZ-JKFIT", "aug-cc-pVTZ-JKFIT", "aug-cc-pVQZ-JKFIT",
                                     "def2-SVP-JKFIT", "def2-TZVP-JKFIT", "def2-QZVPP-JKFIT"};
        for (size_t i = 0; i < sizeof sets / sizeof *sets; ++i) {
            char what[128];
            snprintf(what, sizeof what, "--aux %s loads for water", sets[i]);
            int ok = os_basis_load_aux(&mol, &bs, sets[i], BASIS_DIR, &aux, &err) == OS_OK;
            if (check_true(what, ok)) os_basis_free(&aux);
            else printf("  %s\n", err.msg);
        }
        check_true("unknown fitting set refused",
                   os_basis_load_aux(&mol, &bs, "cc-pVDZ", BASIS_DIR, &aux, &err) == OS_ERR_BASIS &&
                       strstr(err.msg, "unknown fitting basis"));
        check_true("os_basis_check_aux", os_basis_check_aux("Def2-QZVPP-JKFIT", &err) == OS_OK &&
                                             os_basis_check_aux("6-31G*", &err) != OS_OK);
        os_basis_free(&bs);
    }
    os_molecule_free(&mol);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--corpus") == 0) {
        int must_fail = 0;
        for (int i = 2; i < argc; ++i) {
            if (strcmp(argv[i], "--must-fail") == 0) must_fail = 1;
            else run_corpus(argv[i], must_fail);
        }
        return check_finish();
    }
    test_library_parses();
    test_psi4_counts();
    test_aliases();
    test_sp_split();
    test_g94_buffer();
    test_errors();
    test_normalize();
    test_fitting_pairing();
    return check_finish();
}
