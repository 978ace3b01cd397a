/* libFuzzer target: the XYZ comment line's keys (charge, mult, name) on
 * arbitrary bytes (tests/fuzz/run.sh).  The bytes become line 2 of an
 * otherwise valid Li2 file, so every run reaches the comment grammar.  An
 * accepted line keeps charge and multiplicity within bounds and consistent
 * with the electron count; a rejected one names line 2 in a one-line message. */
#include "orbscreen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] = "2\n", tail[] = "\nLi 0 0 0\nLi 0 0 2.7\n";
    if (size > 4096) return 0;
    char text[sizeof head + 4096 + sizeof tail];
    size_t n = 0;
    memcpy(text, head, sizeof head - 1);
    n = sizeof head - 1;
    for (size_t i = 0; i < size; ++i) /* one line: no line breaks, no NUL */
        text[n++] = data[i] == '\n' || data[i] == '\r' || data[i] == 0 ? ' ' : (char)data[i];
    memcpy(text + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;

    os_molecule mol;
    os_error err = {""};
    os_status st = os_molecule_parse_xyz(text, n, "c.xyz", &mol, &err);
    if (st != OS_OK) {
        if (!err.msg[0] || strchr(err.msg, '\n') || strncmp(err.msg, "c.xyz:2: ", 9) || mol.Z)
            abort();
        return 0;
    }
    if (mol.natom != 2 || strlen(mol.label) >= sizeof mol.label) abort();
    if (mol.has_charge && (mol.charge < -OS_MAX_CHARGE || mol.charge > OS_MAX_CHARGE)) abort();
    if (mol.has_mult && (mol.mult < 1 || mol.mult > OS_MAX_MULT)) abort();
    if (!mol.has_charge && mol.charge != 0) abort();
    if (!mol.has_mult && mol.mult != 1) abort();
    /* Li2 has 6 electrons: a charge the parser kept leaves some. */
    if (mol.has_charge && os_molecule_nelectron(&mol) <= 0) abort();
    if (mol.has_charge && mol.has_mult && os_molecule_check_state(&mol, &err) != OS_OK) abort();
    os_molecule_free(&mol);
    return 0;
}
