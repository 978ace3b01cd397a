/* Command-line options: parsing, bounds, and the checks that are the same
 * for every molecule (method, grid, basis, output folder), made once before
 * any work. */
#include "cli/cli.h"

#include "cli/numeric.h"
#include "core/parse.h"
#include "core/error.h"
#include "report/report.h"

#include <fcntl.h>
#include <getopt.h>
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
            "Frontier orbitals (HOMO/LUMO) and reduction potentials vs Li/Li+ in DME/DOL; anions\n"
            "ranked by the potential (highest = reduced first), or by LUMO with --gas.\n"
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
            "  (default phase: the paper's electrolyte, dme-dol, with the vertical reduction\n"
            "   potential of every molecule; --gas, --solvent or --eps choose another)\n"
            "  --gas             gas phase only: orbitals, anions ranked by the gas-phase LUMO\n"
            "  --solvent NAME    implicit solvent (C-PCM): water, acetonitrile, thf, dme, dol,\n"
            "                    dme-dol (the 1:1 mixture), ec, dmc, dec (see docs/solvents.md)\n"
            "  --eps X           implicit solvent of dielectric constant X (overrides --solvent's)\n"
            "  --gradient        nuclear gradient (Eh/bohr) of each molecule, printed and in the JSON\n"
            "  --reduction       vertical reduction potential vs Li/Li+ by Delta-SCF (N+1 electrons,\n"
            "                    UKS/UHF from the N-electron orbitals) in the solvent (on by default;\n"
            "                    with --solvent or --eps, on when asked); anions ranked by it\n"
            "  --oxidation       also the vertical oxidation potential (N-1 electrons)\n"
            "  --ion-starts N    a reduced species whose electron is diffuse is also started\n"
            "                    with it in the LUMO+1 ... LUMO+N-1, the lowest state kept\n"
            "                    (default 2; 1: the LUMO alone)\n"
            "  --rank-by KEY     lumo (gas phase), lumo-solv (in the solvent) or reduction\n"
            "                    (default: reduction when computed, else the run's LUMO)\n"
            "  --opt             optimize each geometry (redundant internals, BFGS, RFO; Gaussian's\n"
            "                    default criteria), then report the orbitals there; writes\n"
            "                    <out>/<name>.opt.xyz (and every step, as it goes, to\n"
            "                    <out>/<name>.opt-trj.xyz).  Gas phase unless --solvent, --eps or\n"
            "                    --reduction is given: then optimized in the solvent (dme-dol\n"
            "                    for --reduction alone), and with --reduction the reduced\n"
            "                    species is optimized too: adiabatic E_red_ad, bonds it broke,\n"
            "                    <out>/<name>.red.opt.xyz (steps: .red.opt-trj.xyz)\n"
            "  --opt-steps N     gradients per optimization at most (default 100)\n"
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
            "  --threads N       threads per molecule (default: all cores / jobs); every\n"
            "                    number is the same to the last bit for any N\n"
            "  --jobs N          molecules run side by side (default 1)\n"
            "  --max-iter N      SCF iteration limit (default 100); DIIS that has not halved\n"
            "                    its RMS orbital gradient in 20 cycles hands over to direct\n"
            "                    minimization, stopped when stalled 30 cycles (N/3 if more)\n"
            "  --e-conv X        SCF converged when |dE| < X Eh and ...\n"
            "  --d-conv X        ... the RMS orbital gradient < X (Psi4's defaults: 1e-6\n"
            "                    and 1e-6 for energies; 1e-9 and 1e-7 with --gradient or --opt)\n"
            "  --stability WHEN  check that each SCF result is a minimum, not a saddle point:\n"
            "                    auto (default: open-shell results, and closed-shell ones\n"
            "                    with a HOMO-LUMO gap under 2.7 eV or a non-aufbau density),\n"
            "                    always or off\n"
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

void cli_error(const char *msg)
{
    fputs("orbscreen: ", stderr);
    os_report_put_text(stderr, msg, 0, 0);
    fputc('\n', stderr);
}

/* A numeric option's value (cli/numeric.c: the grammar and the range); a
 * bad one is reported naming the option.  Returns 1 when *iv or *rv was set. */
static int number_option(const char *opt, const char *arg, long *iv, double *rv)
{
    char msg[256];
    int ok = cli_numeric_parse(opt, arg, iv, rv, msg, sizeof msg);
    if (ok == 0) fprintf(stderr, "orbscreen: %s (see --help)\n", msg);
    return ok == 1;
}

/* The integer option's value into *out (its range fits an int). */
static int int_option(const char *opt, const char *arg, int *out)
{
    long v = 0;
    double unused;
    if (!number_option(opt, arg, &v, &unused)) return 0;
    *out = (int)v;
    return 1;
}

/* --shard K/N: two decimal integers, 1 <= K <= N; says what is wrong. */
static int parse_shard(const char *s, int *k, int *n)
{
    const char *slash = strchr(s, '/');
    char kbuf[32], msg[OS_MSG_LEN];
    size_t klen = slash ? (size_t)(slash - s) : 0;
    long kv = 0, nv = 0;
    if (!slash || klen == 0 || klen >= sizeof kbuf || strspn(s, "0123456789") != klen ||
        slash[1] == '\0' || strspn(slash + 1, "0123456789") != strlen(slash + 1)) {
        snprintf(msg, sizeof msg, "--shard wants K/N with whole numbers, e.g. 2/8 (got '%.64s')", s);
        cli_error(msg);
        return 0;
    }
    memcpy(kbuf, s, klen);
    kbuf[klen] = '\0';
    if (os_parse_int(slash + 1, 1, 1000000, &nv) != OS_NUM_OK ||
        os_parse_int(kbuf, 1, 1000000, &kv) != OS_NUM_OK) {
        snprintf(msg, sizeof msg, "--shard %.64s: K and N must be between 1 and 1000000", s);
        cli_error(msg);
        return 0;
    }
    *k = (int)kv;
    *n = (int)nv;
    if (*k > *n) {
        snprintf(msg, sizeof msg, "--shard %.64s: K must be at most N (shards 1/%d .. %d/%d)", s,
                 *n, *n, *n);
        cli_error(msg);
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
           O_SOLVENT, O_EPS, O_QCS, O_QCSIN, O_CUBE, O_GRAD, O_JK, O_AUX, O_RED, O_OX,
           O_RANKBY, O_RESUME, O_SHARD, O_OPT, O_OPT_STEPS, O_STAB, O_GAS, O_ECONV, O_DCONV, O_STARTS };
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
        {"e-conv", required_argument, 0, O_ECONV},
        {"d-conv", required_argument, 0, O_DCONV},
        {"unrestricted", no_argument, 0, O_UHF},
        {"memory", required_argument, 0, O_MEM},
        {"solvent", required_argument, 0, O_SOLVENT},
        {"eps", required_argument, 0, O_EPS},
        {"qcschema", required_argument, 0, O_QCS},
        {"qcschema-in", required_argument, 0, O_QCSIN},
        {"cube", required_argument, 0, O_CUBE},
        {"gradient", no_argument, 0, O_GRAD},
        {"opt", no_argument, 0, O_OPT},
        {"opt-steps", required_argument, 0, O_OPT_STEPS},
        {"ion-starts", required_argument, 0, O_STARTS},
        {"reduction", no_argument, 0, O_RED},   {"oxidation", no_argument, 0, O_OX},
        {"rank-by", required_argument, 0, O_RANKBY},
        {"jk", required_argument, 0, O_JK},     {"aux", required_argument, 0, O_AUX},
        {"resume", no_argument, 0, O_RESUME},   {"shard", required_argument, 0, O_SHARD},
        {"stability", required_argument, 0, O_STAB},
        {"gas", no_argument, 0, O_GAS},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    os_scf_options_default(&o->scf);
    o->basis = "6-31+G*";
    o->out_dir = "results";
    o->pure = OS_PURE_DEFAULT;
    o->jobs = 1;
    o->opt_max_steps = 100;
    o->ion_starts = 2;
    opterr = 0;
    for (;;) {
        int idx = -1;
        int c = getopt_long(argc, argv, "hV", longopts, &idx);
        if (c == -1) break;
        /* Every option with a value is long: idx names it. */
        const char *name = idx >= 0 ? longopts[idx].name : "?";
        int ok = 1, mb = 0;
        long unused_long;
        switch (c) {
        case 'm': o->scf.method = optarg; break;
        case 'b': o->basis = optarg; break;
        case 'c':
            ok = int_option(name, optarg, &o->charge);
            o->has_charge = 1;
            break;
        case 'M':
            ok = int_option(name, optarg, &o->mult);
            o->has_mult = 1;
            break;
        case 'j': o->json = optarg; break;
        case 't': ok = int_option(name, optarg, &o->threads); break;
        case 'J': ok = int_option(name, optarg, &o->jobs); break;
        case O_MAXIT: ok = int_option(name, optarg, &o->scf.max_iter); break;
        case O_ECONV:
            ok = number_option(name, optarg, &unused_long, &o->scf.e_conv);
            o->conv_given |= 1;
            break;
        case O_DCONV:
            ok = number_option(name, optarg, &unused_long, &o->scf.g_conv);
            o->conv_given |= 2;
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
        case O_OPT: o->opt = 1; break;
        case O_OPT_STEPS: ok = int_option(name, optarg, &o->opt_max_steps); break;
        case O_STARTS: ok = int_option(name, optarg, &o->ion_starts); break;
        case O_RESUME: o->resume = 1; break;
        case O_SHARD:
            if (!parse_shard(optarg, &o->shard_k, &o->shard_n)) return EXIT_USAGE;
            break;
        case O_MEM:
            ok = int_option(name, optarg, &mb);
            o->scf.memory_mb = (size_t)mb;
            break;
        case O_GRAD: o->gradient = 1; break;
        case O_RED: o->reduction = 1; break;
        case O_GAS: o->gas = 1; break;
        case O_OX: o->oxidation = 1; break;
        case O_RANKBY:
            if (!strcmp(optarg, "lumo")) o->rank_by = OS_RANK_LUMO;
            else if (!strcmp(optarg, "lumo-solv")) o->rank_by = OS_RANK_LUMO_SOLV;
            else if (!strcmp(optarg, "reduction")) o->rank_by = OS_RANK_REDUCTION;
            else {
                cli_error("--rank-by: lumo, lumo-solv or reduction (see --help)");
                return EXIT_USAGE;
            }
            break;
        case O_STAB:
            if (!strcmp(optarg, "auto")) o->scf.stability = OS_STABILITY_AUTO;
            else if (!strcmp(optarg, "always")) o->scf.stability = OS_STABILITY_ALWAYS;
            else if (!strcmp(optarg, "off")) o->scf.stability = OS_STABILITY_OFF;
            else {
                cli_error("--stability: auto, always or off (see --help)");
                return EXIT_USAGE;
            }
            break;
        case O_JK: o->scf.jk = optarg; break;
        case O_AUX: o->scf.aux = optarg; break;
        case O_SOLVENT: o->solvent = optarg; break;
        case O_EPS: ok = number_option(name, optarg, &unused_long, &o->eps); break;
        case O_QCS: o->qcschema_dir = optarg; break;
        case O_QCSIN: o->qcschema_in = optarg; break;
        case O_CUBE: {
            os_error cerr;
            if (os_cube_parse_spec(optarg, o->cube, &o->ncube, &cerr) != OS_OK) {
                char msg[OS_MSG_LEN + 16];
                snprintf(msg, sizeof msg, "--cube: %s", cerr.msg);
                cli_error(msg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'h':
            if (!o->basis_dir) o->basis_dir = installed_basis_dir(o);
            usage(stdout, o->basis_dir);
            return EXIT_ALL_OK;
        case 'V': print_version(); return EXIT_ALL_OK;
        default: {
            char q[OS_QUOTE_LEN], m[OS_QUOTE_LEN + 64];
            const char *a = argv[optind - 1];
            snprintf(m, sizeof m, "unknown or incomplete option '%s' (see --help)",
                     os_quote(q, sizeof q, a, strlen(a)));
            cli_error(m);
            return EXIT_USAGE;
        }
        }
        if (!ok) return EXIT_USAGE;
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
        cli_error(err.msg);
        return EXIT_USAGE;
    }
    if (o->solvent && o->eps == 0.0) o->eps = eps; /* --eps overrides the table */
    if (o->gas && (o->eps > 0.0 || o->reduction || o->oxidation)) {
        cli_error("--gas runs the gas phase only: not with --solvent, --eps, --reduction or "
                  "--oxidation");
        return EXIT_USAGE;
    }
    /* The default screen: reduction is what the ranking should measure, and
     * it means something in a dielectric only (the gas-phase dianions are
     * unbound; docs/reduction.md), so by default every molecule gets its
     * orbitals in the paper's electrolyte and its vertical reduction
     * potential.  An optimization keeps the gas phase unless --solvent,
     * --eps or --reduction asks for the solvent (optimizing both species in
     * it costs two optimizations a molecule); a QCSchema input is a plain
     * energy. */
    if (!o->gas && o->eps == 0.0 && !o->opt && !o->qcschema_in)
        o->reduction = 1;
    if (o->opt && o->resume) {
        cli_error("--opt with --resume is not there yet (the records do not keep the "
                  "optimization's history or the adiabatic potential)");
        return EXIT_USAGE;
    }
    /* The adiabatic fields stay out of the records (the journal lines that
     * orbscreen merge combines): a shard's merge would lose them. */
    if (o->opt && o->reduction && o->shard_n > 1) {
        cli_error("--opt --reduction with --shard is not there yet (the records that "
                  "'orbscreen merge' combines do not keep the adiabatic potential): run "
                  "without --shard");
        return EXIT_USAGE;
    }
    /* Reduction potentials mean something in a dielectric only (the gas-phase
     * dianions are unbound): the paper's electrolyte unless told otherwise. */
    if ((o->reduction || o->oxidation) && o->eps == 0.0 &&
        os_solvent_lookup("dme-dol", &o->eps, &o->solvent, &err) != OS_OK) {
        cli_error(err.msg);
        return EXIT_USAGE;
    }
    /* SCF thresholds by task, as Psi4 sets them.  Energies, orbital energies
     * and Delta-SCF differences need no more than its energy() defaults:
     * measured against the library's 1e-9/1e-7 on DOL, TFA-, acetate and DME
     * (default run, B3LYP/6-31+G* in dme-dol), energies move by <= 1e-9 Eh,
     * E_red not at all (to 1e-4 V), and the run takes 36.6 s, not 55.8 s.
     * A reported gradient, an optimization and a QCSchema input keep the
     * library's tighter ones (a gradient's error is first order). */
    if (!o->gradient && !o->opt && !o->qcschema_in) {
        if (!(o->conv_given & 1)) o->scf.e_conv = OS_SCF_E_CONV_ENERGY;
        if (!(o->conv_given & 2)) o->scf.g_conv = OS_SCF_G_CONV_ENERGY;
    }
    if (o->rank_by == OS_RANK_REDUCTION && !o->reduction) {
        cli_error("--rank-by reduction needs --reduction");
        return EXIT_USAGE;
    }
    if (o->rank_by == OS_RANK_LUMO_SOLV && o->eps == 0.0) {
        cli_error("--rank-by lumo-solv needs --solvent or --eps");
        return EXIT_USAGE;
    }
    if (o->rank_by == OS_RANK_AUTO)
        o->rank_by = o->reduction ? OS_RANK_REDUCTION
                     : o->eps > 0.0 ? OS_RANK_LUMO_SOLV
                                    : OS_RANK_LUMO;
    if (os_scf_options_check(&o->scf, &err) != OS_OK || os_basis_check(o->basis, &err) != OS_OK) {
        cli_error(err.msg);
        return EXIT_USAGE;
    }
    /* --json onto a device, FIFO or folder is refused when the batch ends
     * (report/atomic.c); say so now, before the batch's work is lost. */
    struct stat jsb;
    if (o->json && strcmp(o->json, "-") != 0 && stat(o->json, &jsb) == 0 &&
        !S_ISREG(jsb.st_mode)) {
        os_fail(&err, OS_ERR_IO,
                "--json %s: it is %s (only regular files are written, never put in the place "
                "of anything else)",
                o->json, os_file_kind(jsb.st_mode));
        cli_error(err.msg);
        return EXIT_USAGE;
    }
    /* A closed standard stream would hand its descriptor to the next file
     * opened, and output meant for it would land there: hold it on
     * /dev/null, and refuse --json - when stdout is the closed one. */
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) != -1) continue;
        if (fd == 1 && o->json && strcmp(o->json, "-") == 0) {
            fprintf(stderr, "orbscreen: --json -: standard output is closed\n");
            return EXIT_USAGE;
        }
        int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (nfd >= 0 && nfd != fd) close(nfd); /* lowest free descriptor: fd itself */
    }
    return -1;
}

