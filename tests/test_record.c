/* Result records (src/report/record.c): an entry written as a record and
 * read back gives byte-identical JSON and CSV (every double kept bit for bit,
 * NaN and infinities included), for an unrestricted result with solvation,
 * gradient, tags and odd strings, and for a failed molecule; malformed
 * records are refused. */
#include "check.h"
#include "input/input.h"
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a writer makes of an entry, as a string (caller frees). */
static char *json_of(const os_report_entry *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    os_report_write_json_entry(f, NULL, e, NULL);
    os_report_write_csv(f, NULL, e, 1, NULL);
    fclose(f);
    return buf;
}

static char *record_of(const os_report_entry *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    os_report_record_write(f, e, NULL);
    fclose(f);
    return buf;
}

/* Written, read back, written again: the same record and the same reports. */
static void round_trip(const char *what, const os_report_entry *e)
{
    char *rec = record_of(e), label[160];
    os_report_record *x = NULL;
    os_error err;
    snprintf(label, sizeof label, "%s: record parses", what);
    check_true(label, os_report_record_parse(rec, &x, &err) == OS_OK);
    if (!x) {
        free(rec);
        return;
    }
    const os_report_entry *b = os_report_record_entry(x);
    char *rec2 = record_of(b), *ja = json_of(e), *jb = json_of(b);
    snprintf(label, sizeof label, "%s: record written again is the same", what);
    check_true(label, strcmp(rec, rec2) == 0);
    snprintf(label, sizeof label, "%s: JSON and CSV from the record are byte-identical", what);
    check_true(label, strcmp(ja, jb) == 0);
    if (e->res && b->res) {
        snprintf(label, sizeof label, "%s: energy bit for bit", what);
        check_close(label, b->res->energy - e->res->energy, 0.0, 0.0);
    }
    free(rec), free(rec2), free(ja), free(jb);
    os_report_record_free(x);
}

int main(void)
{
    int Z[3] = {8, 1, 1};
    double xyz[9] = {0, 0, 0.2216, 0, 1.4309, -0.8867, 0, -1.4309, -0.8867};
    os_molecule mol = {.natom = 3, .Z = Z, .xyz = xyz, .charge = -1, .mult = 2, .has_charge = 1,
                       .frame = 2, .nframe = 3};
    snprintf(mol.name, sizeof mol.name, "water anion 100%% (test)");
    snprintf(mol.label, sizeof mol.label, "H2O\xe2\x88\x92");
    snprintf(mol.file, sizeof mol.file, "dir with space/scan.xyz");
    os_molecule_add_tag(&mol, "smiles", 6, "[OH2-]", 6, NULL);
    os_molecule_add_tag(&mol, "note", 4, "a b%c", 5, NULL);
    os_basis bs = {.nbf = 4};
    snprintf(bs.name, sizeof bs.name, "6-31+G*");
    /* Values with every bit significant: 1/3, 1/7, ... */
    double eps_a[4] = {-20.0 / 3.0, -1.0 / 7.0, 0.1 / 3.0, 2.0 / 9.0};
    double eps_b[4] = {-19.0 / 3.0, -1.0 / 11.0, 0.2 / 3.0, NAN};
    double occ_a[4] = {1, 1, 0, 0}, occ_b[4] = {1, 0, 0, 0};
    os_scf_result res = {.converged = 1, .iterations = 17, .unrestricted = 1, .nbf = 4,
                         .nmo = 4, .nalpha = 2, .nbeta = 1, .energy = -76.0 - 1.0 / 3.0,
                         .e_nuc = 9.0 + 1.0 / 7.0, .e_conv = 1e-9, .g_conv = 1e-7,
                         .last_de = 3.3e-11, .last_gradient = 1.0 / 3e9, .s_min_eig = 0.0123,
                         .lindep = 1e-7, .homo = -1.0 / 7.0, .lumo = INFINITY,
                         .peak_memory_bytes = 123456789, .eps_a = eps_a, .eps_b = eps_b,
                         .occ_a = occ_a, .occ_b = occ_b};
    snprintf(res.method, sizeof res.method, "b3lyp");
    snprintf(res.grid, sizeof res.grid, "75,302");
    snprintf(res.jk, sizeof res.jk, "df");
    snprintf(res.warning, sizeof res.warning, "HOMO and LUMO within 1e-3 Eh: \"occupation\"");
    os_report_solvation solv = {.solvent = "dme", .eps = 7.2, .model = "C-PCM (Lebedev 110)",
                                .e_gas = -76.0 - 0.3 / 7.0, .e_pol = -0.01 / 3.0};
    double grad[9];
    for (int k = 0; k < 9; ++k) grad[k] = (k - 4) / 13.0;
    os_report_entry e = {.mol = &mol, .bs = &bs, .res = &res, .wall_s = 1.0 / 3.0,
                         .label = mol.label, .solv = &solv, .input_format = "xyz",
                         .input_sha256 = "00ff", .gradient = grad};
    round_trip("UKS anion in dme with gradient", &e);

    /* With the Delta-SCF: the reduction (its SOMO's diffuse share bit for bit,
     * and the start its state came from)
     * and an oxidation whose share is not computed (NAN). */
    os_report_redox rx = {.red = {.dn = 1, .charge = -2, .mult = 3, .e_n = e.res->energy,
                                  .e_ion = -76.0 - 2.0 / 7.0, .s2 = 2.0 + 1.0 / 3e4,
                                  .s2_exact = 2.0, .iterations = 13, .potential_v = -1.0 / 3.0,
                                  .somo_diffuse = 2.0 / 7.0, .start = 1, .starts = 2},
                          .have_ox = 1,
                          .ox = {.dn = -1, .charge = 0, .mult = 1, .potential_v = 4.0 / 3.0,
                                 .somo_diffuse = NAN}};
    os_report_entry er = e;
    er.redox = &rx;
    round_trip("UKS anion with reduction and oxidation", &er);

    os_molecule bad = {0};
    snprintf(bad.name, sizeof bad.name, "bad");
    snprintf(bad.file, sizeof bad.file, "bad.xyz");
    os_report_entry f = {.mol = &bad, .error = "bad.xyz:4: non-numeric coordinate 'abc'",
                         .status = OS_ERR_PARSE};
    round_trip("unreadable molecule", &f);

    /* Malformed records are refused, with a message. */
    char *rec = record_of(&e);
    size_t len = strlen(rec);
    const char *bad_lines[] = {"", "osrec9 x", "osrec1", "osrec1 sname"};
    os_report_record *x;
    os_error err;
    for (size_t k = 0; k < sizeof bad_lines / sizeof *bad_lines; ++k)
        check_true("a malformed record is refused",
                   os_report_record_parse(bad_lines[k], &x, &err) != OS_OK && !x && err.msg[0]);
    rec[len / 2] = '\0';
    check_true("a record cut in half is refused", os_report_record_parse(rec, &x, &err) != OS_OK);
    free(rec);
    rec = record_of(&e);
    char *pct = strchr(rec, '%');
    if (pct) pct[1] = 'Z';
    check_true("a bad %XX escape is refused",
               pct && os_report_record_parse(rec, &x, &err) != OS_OK);
    free(rec);
    os_molecule_free_tags(&mol);
    return check_finish();
}
