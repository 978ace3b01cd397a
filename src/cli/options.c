/* Command-line options: parsing, bounds, and the checks that are the same
 * for every molecule (method, grid, basis, output folder), made once before
 * any work. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f, const char *basis_dir)
{
    fprintf(f,
            "usage: orbscreen [options] FILE...     (XYZ, multi-frame XYZ, SDF/MOL; - for stdin)\n"
            "       orbscreen [options] --qcschema-in FILE|-\n"
            "Frontier-orbital (HOMO/LUMO) energies; anions ranked by LUMO (lowest = most easily reduced).\n"
            "\n"
            "  --method NAME     hf, b3lyp (default), b3lyp5, pbe, pbe0, blyp, bp86, tpss, m06-2x,\n"
            "                    wb97x, cam-b3lyp, svwn, or any libxc name\n"
            "  --basis NAME      basis set (default 6-31+G*); e.g. cc-pVDZ, def2-TZVP, 6-311++G**\n"
            "  --cartesian       Cartesian d/f... functions (overrides the basis family's default)\n"
            "  --spherical       solid-harmonic functions\n"
            "  --grid SPEC       DFT grid: coarse, default, fine, or RADIAL,ANGULAR (e.g. 99,590)\n"
            "  --charge N        net charge when the XYZ comment line has no charge=\n"
            "  --mult N          spin multiplicity when the XYZ comment line has no mult=\n"
            "  --unrestricted    UHF/UKS even for singlets\n"
            "  --solvent NAME    implicit solvent (C-PCM): water, acetonitrile, thf, dme, dol,\n"
            "                    dme-dol (the 1:1 mixture), ec, dmc, dec (see docs/solvents.md)\n"
            "  --eps X           implicit solvent of dielectric constant X (overrides --solvent's)\n"
            "  --gradient        nuclear gradient (Eh/bohr) of each molecule, printed and in the JSON\n"
            "  --out DIR         results folder (default results); --no-results writes none\n"
            "  --resume          keep the molecules the results folder already has for the same\n"
            "                    input bytes, frame and options; compute only the others\n"
            "  --shard K/N       run only every N-th molecule, starting with the K-th (1 <= K <= N);\n"
            "                    combine the shards' folders with: orbscreen merge OUT DIR...\n"
            "  --json PATH       also write the JSON document to PATH (- for stdout)\n"
            "  --qcschema DIR    one QCSchema AtomicResult (JSON) per molecule in DIR\n"
            "  --qcschema-in F   run the QCSchema AtomicInput in F (- for stdin); the\n"
            "                    AtomicResult goes to stdout\n"
            "  --cube LIST       Gaussian cube files of orbitals in the results folder:\n"
            "                    homo, lumo, homo-K, lumo+K or an orbital number N\n"
            "  --threads N       threads per molecule (default: all cores / jobs)\n"
            "  --jobs N          molecules run side by side (default 1)\n"
            "  --max-iter N      SCF iteration limit (default 100)\n"
            "  --memory MB       integrals kept in memory between SCF cycles (default: half the available memory)\n"
            "  --jk METHOD       two-electron integrals: df (density fitting, default) or exact\n"
            "  --aux NAME        fitting basis for df (default: Psi4's pairing, e.g.\n"
            "                    heavy-aug-cc-pVDZ-JKFIT for 6-31+G*); e.g. def2-QZVPP-JKFIT\n"
            "  --basis-dir DIR   Gaussian94 basis library (default %s)\n"
            "  --verbose         SCF iterations on stderr\n"
            "  --quiet           nothing on stderr but errors\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 all molecules converged, 1 some molecule failed, 2 usage error.\n"
            "The ranked table goes to stdout (stderr when --json - uses stdout); progress\n"
            "and errors to stderr.  See orbscreen(1).\n",
            basis_dir ? basis_dir : os_basis_default_dir());
}

static void print_version(void)
{
    os_build_info bi;
    os_build_info_get(&bi);
    printf("orbscreen %s (git %s)\n", bi.version, bi.git_commit);
    printf("  libint2  %s\n  libxc    %s\n  OpenBLAS %s\n", bi.libint2, bi.libxc, bi.openblas);
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return 0;
    *out = (int)v;
    return 1;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > lo) || v > hi) return 0;
    *out = v;
    return 1;
}

/* --shard K/N: two decimal integers, 1 <= K <= N; says what is wrong. */
static int parse_shard(const char *s, int *k, int *n)
{
    const char *slash = strchr(s, '/');
    char kbuf[32];
    size_t klen = slash ? (size_t)(slash - s) : 0;
    if (!slash || klen == 0 || klen >= sizeof kbuf || strspn(s, "0123456789") != klen ||
        slash[1] == '\0' || strspn(slash + 1, "0123456789") != strlen(slash + 1)) {
        fprintf(stderr, "orbscreen: --shard wants K/N with whole numbers, e.g. 2/8 (got '%s')\n", s);
        return 0;
    }
    memcpy(kbuf, s, klen);
    kbuf[klen] = '\0';
    if (!parse_int(slash + 1, 1, 1000000, n) || !parse_int(kbuf, 1, 1000000, k)) {
        fprintf(stderr, "orbscreen: --shard %s: K and N must be between 1 and 1000000\n", s);
        return 0;
    }
    if (*k > *n) {
        fprintf(stderr, "orbscreen: --shard %s: K must be at most N (shards 1/%d .. %d/%d)\n", s,
                *n, *n, *n);
        return 0;
    }
    return 1;
}

/* An installed orbscreen (bin/orbscreen) finds its basis library in
 * ../share/orbscreen/basis next to the executable; $ORBSCREEN_BASIS_DIR
 * overrides it, and a build-tree binary falls back to the library's
 * build-time default (NULL here). */
static const char *installed_basis_dir(cli_options *o)
{
    const char *env = getenv("ORBSCREEN_BASIS_DIR");
    if (env && *env) return NULL;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = '\0';
    int w = snprintf(o->exe_basis_dir, sizeof o->exe_basis_dir, "%s/../share/orbscreen/basis", exe);
    struct stat sb;
    if (w < 0 || (size_t)w >= sizeof o->exe_basis_dir || stat(o->exe_basis_dir, &sb) != 0 ||
        !S_ISDIR(sb.st_mode))
        return NULL;
    return o->exe_basis_dir;
}

int cli_parse(int argc, char **argv, cli_options *o)
{
    enum { O_CART = 256, O_SPH, O_GRID, O_OUT, O_NORES, O_BDIR, O_MAXIT, O_UHF, O_MEM,
           O_SOLVENT, O_EPS, O_QCS, O_QCSIN, O_CUBE, O_GRAD, O_JK, O_AUX, O_RESUME, O_SHARD };
    static const struct option longopts[] = {
        {"method", required_argument, 0, 'm'},  {"basis", required_argument, 0, 'b'},
        {"charge", required_argument, 0, 'c'},  {"mult", required_argument, 0, 'M'},
        {"json", required_argument, 0, 'j'},    {"threads", required_argument, 0, 't'},
        {"jobs", required_argument, 0, 'J'},    {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {"verbose", no_argument, 0, 'v'},
        {"quiet", no_argument, 0, 'q'},         {"cartesian", no_argument, 0, O_CART},
        {"spherical", no_argument, 0, O_SPH},   {"grid", required_argument, 0, O_GRID},
        {"out", required_argument, 0, O_OUT},   {"no-results", no_argument, 0, O_NORES},
        {"basis-dir", required_argument, 0, O_BDIR},
        {"max-iter", required_argument, 0, O_MAXIT},
        {"unrestricted", no_argument, 0, O_UHF},
        {"memory", required_argument, 0, O_MEM},
        {"solvent", required_argument, 0, O_SOLVENT},
        {"eps", required_argument, 0, O_EPS},
        {"qcschema", required_argument, 0, O_QCS},
        {"qcschema-in", required_argument, 0, O_QCSIN},
        {"cube", required_argument, 0, O_CUBE},
        {"gradient", no_argument, 0, O_GRAD},
        {"jk", required_argument, 0, O_JK},     {"aux", required_argument, 0, O_AUX},
        {"resume", no_argument, 0, O_RESUME},   {"shard", required_argument, 0, O_SHARD},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    os_scf_options_default(&o->scf);
    o->basis = "6-31+G*";
    o->out_dir = "results";
    o->pure = OS_PURE_DEFAULT;
    o->jobs = 1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': o->scf.method = optarg; break;
        case 'b': o->basis = optarg; break;
        case 'c':
            if (!parse_int(optarg, -1000, 1000, &o->charge)) goto bad_value;
            o->has_charge = 1;
            break;
        case 'M':
            if (!parse_int(optarg, 1, 1000, &o->mult)) goto bad_value;
            o->has_mult = 1;
            break;
        case 'j': o->json = optarg; break;
        case 't':
            if (!parse_int(optarg, 1, 4096, &o->threads)) goto bad_value;
            break;
        case 'J':
            if (!parse_int(optarg, 1, 4096, &o->jobs)) goto bad_value;
            break;
        case O_MAXIT:
            if (!parse_int(optarg, 1, 100000, &o->scf.max_iter)) goto bad_value;
            break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case O_CART: o->pure = OS_CARTESIAN; break;
        case O_SPH: o->pure = OS_SPHERICAL; break;
        case O_GRID: o->scf.grid = optarg; break;
        case O_OUT: o->out_dir = optarg; break;
        case O_NORES: o->out_dir = NULL; break;
        case O_BDIR: o->basis_dir = optarg; break;
        case O_UHF: o->scf.unrestricted = 1; break;
        case O_GRAD: o->gradient = 1; break;
        case O_JK: o->scf.jk = optarg; break;
        case O_AUX: o->scf.aux = optarg; break;
        case O_RESUME: o->resume = 1; break;
        case O_SHARD:
            if (!parse_shard(optarg, &o->shard_k, &o->shard_n)) return EXIT_USAGE;
            break;
        case O_MEM: {
            int mb;
            if (!parse_int(optarg, 0, INT_MAX, &mb)) goto bad_value;
            o->scf.memory_mb = (size_t)mb;
            break;
        }
        case O_SOLVENT: o->solvent = optarg; break;
        case O_EPS:
            if (!parse_double(optarg, 1.0, 1e6, &o->eps)) goto bad_value;
            break;
        case O_QCS: o->qcschema_dir = optarg; break;
        case O_QCSIN: o->qcschema_in = optarg; break;
        case O_CUBE: {
            os_error cerr;
            if (os_cube_parse_spec(optarg, o->cube, &o->ncube, &cerr) != OS_OK) {
                fprintf(stderr, "orbscreen: --cube: %s\n", cerr.msg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'h':
            if (!o->basis_dir) o->basis_dir = installed_basis_dir(o);
            usage(stdout, o->basis_dir);
            return EXIT_ALL_OK;
        case 'V': print_version(); return EXIT_ALL_OK;
        default:
            fprintf(stderr, "orbscreen: unknown or incomplete option '%s' (see --help)\n",
                    argv[optind - 1]);
            return EXIT_USAGE;
        }
        continue;
    bad_value:
        fprintf(stderr, "orbscreen: invalid value '%s' for %s (see --help)\n", optarg,
                argv[optind - 1]);
        return EXIT_USAGE;
    }
    if (o->qcschema_in && optind < argc) {
        fprintf(stderr, "orbscreen: --qcschema-in takes no other input files\n");
        return EXIT_USAGE;
    }
    if (!o->qcschema_in && optind >= argc) {
        fprintf(stderr, "orbscreen: no input files (usage: orbscreen [options] FILE...)\n");
        return EXIT_USAGE;
    }
    if (o->resume && !o->out_dir) {
        fprintf(stderr, "orbscreen: --resume reads the results folder: not with --no-results\n");
        return EXIT_USAGE;
    }
    if (o->ncube > 0 && !o->out_dir) {
        fprintf(stderr, "orbscreen: --cube writes into the results folder: not with --no-results\n");
        return EXIT_USAGE;
    }
    o->inputs = argv + optind;
    o->ninput = argc - optind;
    if (!o->basis_dir) o->basis_dir = installed_basis_dir(o);
    o->scf.basis_dir = o->basis_dir; /* the fitting basis comes from the same library */
    /* A bad method, grid, J/K choice, basis or output folder is the same for
     * every molecule: say so once, before any work. */
    os_error err;
    double eps;
    if (o->solvent && os_solvent_lookup(o->solvent, &eps, &o->solvent, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (o->solvent && o->eps == 0.0) o->eps = eps; /* --eps overrides the table */
    if (o->gradient && o->eps > 0.0) {
        fprintf(stderr, "orbscreen: --gradient in a solvent needs the solvent's gradient term, "
                        "which is not there yet: use --gradient in the gas phase\n");
        return EXIT_USAGE;
    }
    if (os_scf_options_check(&o->scf, &err) != OS_OK || os_basis_check(o->basis, &err) != OS_OK) {
        fprintf(stderr, "orbscreen: %s\n", err.msg);
        return EXIT_USAGE;
    }
    return -1;
}

