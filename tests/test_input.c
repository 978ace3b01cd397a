/* Inputs that hold several molecules, and the readers behind them:
 * multi-frame XYZ, SDF/MOL (V2000, V3000; formal charges, radicals, data
 * items), format detection, the JSON reader, SHA-256 (FIPS 180-2 test
 * vectors and sha256sum).  Files are written to a temporary folder and read
 * back through os_input, as the command line does. */
#include "check.h"
#include "core/sha256.h"
#include "input/json_reader.h"
#include "input/qcschema.h"
#include "orbscreen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* ---------------------------------------------------------------- SHA-256 */

static void test_sha256(void)
{
    char hex[65];
    os_sha256_hex("", 0, hex);
    check_true("sha256(\"\")", !strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    os_sha256_hex("abc", 3, hex);
    check_true("sha256(\"abc\") (FIPS 180-2 B.1)",
               !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    os_sha256_hex(two, strlen(two), hex);
    check_true("sha256 two-block message (FIPS 180-2 B.2)",
               !strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    /* One million 'a' (B.3), fed in uneven pieces through update. */
    static char a[1000000];
    memset(a, 'a', sizeof a);
    os_sha256 s;
    unsigned char d[32];
    os_sha256_init(&s);
    for (size_t off = 0, step = 1; off < sizeof a; off += step, step = step * 7 % 1013 + 1)
        os_sha256_update(&s, a + off, off + step > sizeof a ? sizeof a - off : step);
    os_sha256_final(&s, d);
    for (int i = 0; i < 32; ++i) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    check_true("sha256 of a million 'a' in pieces (FIPS 180-2 B.3)",
               !strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    /* Padding edge cases against the system's sha256sum. */
    int lens[] = {55, 56, 63, 64, 65, 119, 120};
    for (size_t k = 0; k < sizeof lens / sizeof *lens; ++k) {
        char buf[200], cmd[700], want[80] = "", what[80];
        for (int i = 0; i < lens[k]; ++i) buf[i] = (char)('A' + i % 26);
        buf[lens[k]] = '\0';
        const char *path = write_file("sha.txt", buf);
        snprintf(cmd, sizeof cmd, "sha256sum '%s' 2>/dev/null", path);
        FILE *p = popen(cmd, "r");
        if (!p || !fgets(want, sizeof want, p)) {
            if (p) pclose(p);
            printf("SKIP sha256sum not available\n");
            return;
        }
        pclose(p);
        want[64] = '\0';
        os_sha256_hex(buf, (size_t)lens[k], hex);
        snprintf(what, sizeof what, "sha256 of %d bytes = sha256sum's", lens[k]);
        check_true(what, !strcmp(hex, want));
    }
}

/* ------------------------------------------------------------------- JSON */

static void test_json(void)
{
    const char *t = "{\"a\": [1, -2.5e-3, true, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\", "
                    "\"o\": {\"k\": {}}, \"a\": 7}";
    os_jvalue v;
    os_error err;
    check_true("json: parses", os_json_parse(t, strlen(t), "t", &v, &err) == OS_OK);
    const os_jvalue *a = os_jvalue_get(&v, "a"), *s = os_jvalue_get(&v, "s");
    check_close("json: repeated key: the last wins", a && a->type == OS_JNUM ? a->num : -1, 7, 0);
    check_true("json: \\u escapes and a surrogate pair to UTF-8",
               s && s->str && !strcmp(s->str, "x\xc3\xa9\xf0\x9f\x98\x80\n"));
    check_true("json: nested empty object", os_jvalue_get(os_jvalue_get(&v, "o"), "k") != NULL);
    os_jvalue_free(&v);
    const char *bad[] = {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"\\ud800\"",
                         "[1] 2", "\"a\nb\"", "nul", "\"\xff\"", "{\"a\":1,}", "-", "1e"};
    int rejected = 0;
    for (size_t k = 0; k < sizeof bad / sizeof *bad; ++k) {
        os_status st = os_json_parse(bad[k], strlen(bad[k]), "bad", &v, &err);
        rejected += st == OS_ERR_PARSE && strncmp(err.msg, "bad:", 4) == 0;
    }
    check_close("json: malformed texts rejected with a located message", rejected,
                (double)(sizeof bad / sizeof *bad), 0);
    /* Deep nesting is refused, not a stack overflow. */
    char deep[20001];
    memset(deep, '[', 20000);
    deep[20000] = '\0';
    check_true("json: nesting beyond the limit refused",
               os_json_parse(deep, 20000, "deep", &v, &err) == OS_ERR_PARSE && strstr(err.msg, "deep"));
}

/* keywords.maxiter out of int range is a bad value, not an undefined cast
 * (the JSON fuzzer's crasher of 2026-11-29: maxiter 1e300). */
static void test_qcschema_maxiter(void)
{
    const char *head = "{\"molecule\": {\"symbols\": [\"H\", \"H\"], \"geometry\": [0,0,0, 0,0,1.4]},"
                       " \"driver\": \"energy\", \"model\": {\"method\": \"hf\", \"basis\": \"sto-3g\"},"
                       " \"keywords\": {\"maxiter\": ";
    const char *vals[] = {"50}}", "1e300}}", "-1e300}}", "2.5}}"};
    for (int k = 0; k < 4; ++k) {
        char text[512];
        snprintf(text, sizeof text, "%s%s", head, vals[k]);
        os_jvalue v;
        os_error err = {""};
        os_molecule mol;
        os_qcschema_task task;
        if (!check_true("qcschema: input parses", os_json_parse(text, strlen(text), "q", &v, &err) == OS_OK))
            return;
        os_status st = os_qcschema_read_input(&v, "q.json", &mol, &task, &err);
        if (k == 0)
            check_close("qcschema: maxiter 50 read", st == OS_OK ? task.max_iter : -1, 50, 0);
        else
            check_true("qcschema: maxiter out of range or fractional refused with the file named",
                       st == OS_ERR_INPUT && strstr(err.msg, "q.json: bad value for keyword 'maxiter'"));
        os_molecule_free(&mol);
        os_jvalue_free(&v);
    }
}

/* --------------------------------------------------------- multi-frame XYZ */

static const char *water_frames =
    "3\nconformer 1 E=-76.1\nO 0 0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n"
    "3\nname=second smiles=O charge=0\nO 0 0 0.12\nH 0 0.76 -0.47\nH 0 -0.76 -0.47\n"
    "\n"
    "3\n\nO 0 0 0.11\nH 0 0.75 -0.46\nH 0 -0.75 -0.46\n";

static void test_xyz_frames(void)
{
    os_input *in;
    os_error err;
    const char *path = write_file("conf.xyz", water_frames);
    check_true("xyz frames: opened", os_input_open(path, &in, &err) == OS_OK);
    check_close("xyz frames: 3 molecules", os_input_count(in), 3, 0);
    check_true("xyz frames: format xyz", !strcmp(os_input_format(in), "xyz"));
    char name[256];
    os_input_name(in, 0, name, sizeof name);
    check_true("xyz frames: frame 1 named conf#1", !strcmp(name, "conf#1"));
    os_input_name(in, 1, name, sizeof name);
    check_true("xyz frames: frame 2 named by its name=", !strcmp(name, "second"));
    os_input_name(in, 2, name, sizeof name);
    check_true("xyz frames: frame 3 named conf#3", !strcmp(name, "conf#3"));
    double z[3] = {0.1173, 0.12, 0.11};
    for (int i = 0; i < 3; ++i) {
        os_molecule m;
        char what[96];
        snprintf(what, sizeof what, "xyz frames: frame %d parses with its own O z", i + 1);
        check_true(what, os_input_molecule(in, i, &m, &err) == OS_OK && m.natom == 3 &&
                             fabs(m.xyz[2] * OS_BOHR_ANGSTROM - z[i]) < 1e-12 && m.frame == i + 1 &&
                             m.nframe == 3);
        if (i == 1) {
            const char *sm = os_molecule_tag(&m, "smiles");
            check_true("xyz frames: smiles= kept as a tag", sm && !strcmp(sm, "O"));
            check_close("xyz frames: every key=value token is a tag", m.ntag, 3, 0);
        }
        os_molecule_free(&m);
    }
    char hex[65];
    os_sha256_hex(water_frames, strlen(water_frames), hex);
    check_true("xyz frames: SHA-256 of the file's bytes", !strcmp(os_input_sha256(in), hex));
    os_input_free(in);

    /* A broken frame after good ones: the good ones stay, the error names
     * the file's own line. */
    char text[1024];
    snprintf(text, sizeof text, "%s3\nbroken\nO 0 0 0\nH 0 0 abc\nH 0 1 0\n", water_frames);
    path = write_file("broken.xyz", text);
    check_true("xyz frames: broken file opens", os_input_open(path, &in, &err) == OS_OK);
    check_close("xyz frames: 4 molecules", in ? os_input_count(in) : -1, 4, 0);
    if (in && os_input_count(in) == 4) {
        os_molecule m;
        os_status st = os_input_molecule(in, 3, &m, &err);
        check_true("xyz frames: 4th fails naming line 20 of the file",
                   st == OS_ERR_PARSE && strstr(err.msg, "broken.xyz:20: non-numeric coordinate"));
        os_molecule_free(&m);
        st = os_input_molecule(in, 2, &m, &err);
        check_true("xyz frames: 3rd still parses", st == OS_OK);
        os_molecule_free(&m);
    }
    os_input_free(in);

    /* One frame with an extra atom line keeps the single-frame message. */
    path = write_file("extra.xyz", "2\nw\nO 0 0 0\nH 0 0 1\nH 0 1 0\n");
    os_input_open(path, &in, &err);
    os_molecule m;
    check_true("xyz: extra atom line is still an error, not a frame",
               in && os_input_count(in) == 1 && os_input_molecule(in, 0, &m, &err) == OS_ERR_PARSE &&
                   strstr(err.msg, "extra.xyz:5: more atoms than the 2 given on line 1"));
    os_molecule_free(&m);
    os_input_free(in);
}

/* ------------------------------------------------------------------- SDF */

/* Trifluoroacetate as Open Babel writes it (V2000, charge on O1 in both the
 * atom block, code 5, and an M  CHG line), then the same anion in V3000,
 * then a methyl radical marked with M  RAD. */
static const char *sdf_text =
    "tfa\n"
    " OpenBabel11282602523D\n"
    "\n"
    "  7  6  0  0  0  0  0  0  0  0999 V2000\n"
    "    2.8171   -0.9084    0.7464 O   0  5  0  0  0  0  0  0  0  0  0  0\n"
    "    2.2620   -0.0130    0.0291 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.1193    0.5158    0.2263 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    3.0556    0.4740   -1.2286 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    2.7521   -0.2901   -2.3155 F   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    2.7655    1.7668   -1.5457 F   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    4.4031    0.3997   -1.0420 F   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0  0  0  0\n"
    "  2  3  2  0  0  0  0\n"
    "  2  4  1  0  0  0  0\n"
    "  4  5  1  0  0  0  0\n"
    "  4  6  1  0  0  0  0\n"
    "  4  7  1  0  0  0  0\n"
    "M  CHG  1   1  -1\n"
    "M  END\n"
    "> <SMILES>\n"
    "[O-]C(=O)C(F)(F)F\n"
    "\n"
    "$$$$\n"
    "\n"
    "  Mrv\n"
    "\n"
    "  0  0  0     0  0            999 V3000\n"
    "M  V30 BEGIN CTAB\n"
    "M  V30 COUNTS 7 6 0 0 0\n"
    "M  V30 BEGIN ATOM\n"
    "M  V30 1 O 2.8171 -0.9084 0.7464 0 CHG=-1\n"
    "M  V30 2 C 2.2620 -0.0130 0.0291 0\n"
    "M  V30 3 O 1.1193 0.5158 0.2263 0\n"
    "M  V30 4 C 3.0556 0.4740 -1.2286 -\n"
    "M  V30 0\n"
    "M  V30 5 F 2.7521 -0.2901 -2.3155 0\n"
    "M  V30 6 F 2.7655 1.7668 -1.5457 0\n"
    "M  V30 7 F 4.4031 0.3997 -1.0420 0\n"
    "M  V30 END ATOM\n"
    "M  V30 BEGIN BOND\n"
    "M  V30 1 1 1 2\n"
    "M  V30 END BOND\n"
    "M  V30 END CTAB\n"
    "M  END\n"
    "$$$$\n"
    "methyl\n"
    "  handmade          3D\n"
    "\n"
    "  4  3  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.0790    0.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "   -0.5395    0.9344    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "   -0.5395   -0.9344    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0  0  0  0\n"
    "  1  3  1  0  0  0  0\n"
    "  1  4  1  0  0  0  0\n"
    "M  RAD  1   1   2\n"
    "M  END\n"
    "$$$$\n";

static void test_sdf(void)
{
    os_input *in;
    os_error err;
    /* .txt: the content decides, not the name. */
    const char *path = write_file("three.txt", sdf_text);
    check_true("sdf: opened", os_input_open(path, &in, &err) == OS_OK);
    if (!in) return;
    check_true("sdf: recognized by content", !strcmp(os_input_format(in), "sdf"));
    check_close("sdf: 3 records", os_input_count(in), 3, 0);
    char name[256];
    os_input_name(in, 0, name, sizeof name);
    check_true("sdf: record named by its title", !strcmp(name, "tfa"));
    os_input_name(in, 1, name, sizeof name);
    check_true("sdf: untitled record named three.txt#2", !strcmp(name, "three.txt#2"));
    os_molecule m;
    os_status st = os_input_molecule(in, 0, &m, &err);
    check_true("sdf V2000: parses", st == OS_OK);
    if (st == OS_OK) {
        check_close("sdf V2000: 7 atoms", m.natom, 7, 0);
        check_true("sdf V2000: charge -1 from M  CHG (not counted twice)", m.has_charge && m.charge == -1);
        check_close("sdf V2000: atom 7 x (bohr)", m.xyz[18], 4.4031 / OS_BOHR_ANGSTROM, 1e-12);
        check_true("sdf V2000: F is fluorine", m.Z[6] == 9);
        const char *sm = os_molecule_tag(&m, "SMILES");
        check_true("sdf V2000: data item kept as a tag", sm && !strcmp(sm, "[O-]C(=O)C(F)(F)F"));
    }
    os_molecule_free(&m);
    st = os_input_molecule(in, 1, &m, &err);
    check_true("sdf V3000: parses (continuation line joined)", st == OS_OK);
    if (st == OS_OK) {
        check_close("sdf V3000: 7 atoms", m.natom, 7, 0);
        check_true("sdf V3000: charge -1 from CHG=", m.has_charge && m.charge == -1);
        check_close("sdf V3000: atom 4 z (bohr)", m.xyz[11], -1.2286 / OS_BOHR_ANGSTROM, 1e-12);
    } else {
        printf("     %s\n", err.msg);
    }
    os_molecule_free(&m);
    st = os_input_molecule(in, 2, &m, &err);
    check_true("sdf radical: doublet from M  RAD", st == OS_OK && m.has_mult && m.mult == 2 && m.charge == 0);
    os_molecule_free(&m);
    os_input_free(in);

    /* Atom-block charges alone (no M  CHG): code 5 = -1. */
    char text[4096];
    const char *end = strstr(sdf_text, "M  CHG");
    snprintf(text, sizeof text, "%.*sM  END\n$$$$\n", (int)(end - sdf_text), sdf_text);
    path = write_file("blockcharge.sdf", text);
    os_input_open(path, &in, &err);
    st = in ? os_input_molecule(in, 0, &m, &err) : OS_ERR_IO;
    check_true("sdf: atom-block charge code 5 gives -1", st == OS_OK && m.charge == -1 && m.has_charge);
    os_molecule_free(&m);
    os_input_free(in);

    /* 2D coordinates are refused with a hint. */
    snprintf(text, sizeof text, "x\n     RDKit          2D\n\n%s", strstr(sdf_text, "  7  6  0"));
    path = write_file("flat.mol", text);
    os_input_open(path, &in, &err);
    st = in ? os_input_molecule(in, 0, &m, &err) : OS_ERR_IO;
    check_true("sdf: 2D file refused, naming line 2", st == OS_ERR_INPUT && strstr(err.msg, "flat.mol:2: 2D"));
    os_molecule_free(&m);
    os_input_free(in);
}

/* ---------------------------------------------------------------- formats */

static void test_formats(void)
{
    os_input *in = NULL;
    os_error err;
    const char *path = write_file("x.mol2", "@<TRIPOS>MOLECULE\nwater\n 3 2\n");
    check_true("format: MOL2 refused as unsupported, named",
               os_input_open(path, &in, &err) == OS_ERR_PARSE && strstr(err.msg, "unsupported format") &&
                   strstr(err.msg, "MOL2") && !in);
    path = write_file("x.pdb", "HETATM    1  O   HOH     1       0.000   0.000   0.000\n");
    check_true("format: PDB refused", os_input_open(path, &in, &err) == OS_ERR_PARSE &&
                                          strstr(err.msg, "unsupported format (looks like PDB)"));
    path = write_file("x.dat", "water\n");
    check_true("format: anything else refused", os_input_open(path, &in, &err) == OS_ERR_PARSE &&
                                                    strstr(err.msg, "unsupported format"));
    /* A damaged .xyz is parsed as XYZ, so its error names the line. */
    path = write_file("damaged.xyz", "three\ncomment\nO 0 0 0\n");
    check_true("format: damaged .xyz opened as XYZ", os_input_open(path, &in, &err) == OS_OK);
    os_molecule m;
    check_true("format: ... and its error is the XYZ one",
               in && os_input_molecule(in, 0, &m, &err) == OS_ERR_PARSE && strstr(err.msg, "damaged.xyz:1:"));
    os_molecule_free(&m);
    os_input_free(in);
    path = write_file("empty.sdf", "\n\n");
    check_true("format: blank file is an empty input",
               os_input_open(path, &in, &err) == OS_ERR_PARSE && strstr(err.msg, "empty input"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/orbscreen-test-input-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    test_sha256();
    test_json();
    test_qcschema_maxiter();
    test_xyz_frames();
    test_sdf();
    test_formats();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return check_finish();
}
