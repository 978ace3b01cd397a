/* Element symbols and symbol lookup for the whole periodic table (Z = 1..118,
 * IUPAC 2016 names), so that an element is recognized even where orbscreen
 * cannot compute it (beyond OS_MAX_Z, or missing from a basis set). */
#include "orbscreen.h"

#include <ctype.h>
#include <string.h>

static const char *const element_symbols[OS_MAX_Z_KNOWN + 1] = {
    "?",
    "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne",
    "Na", "Mg", "Al", "Si", "P",  "S",  "Cl", "Ar", "K",  "Ca",
    "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
    "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr",
    "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
    "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
    "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
    "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg",
    "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
    "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm",
    "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds",
    "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
};

const char *os_element_symbol(int Z)
{
    if (Z < 1 || Z > OS_MAX_Z_KNOWN) return "?";
    return element_symbols[Z];
}

int os_element_from_symbol(const char *sym)
{
    if (!sym) return 0;
    size_t n = strlen(sym);
    if (n < 1 || n > 2) return 0;
    for (int Z = 1; Z <= OS_MAX_Z_KNOWN; ++Z) {
        const char *s = element_symbols[Z];
        if (strlen(s) != n) continue;
        if (tolower((unsigned char)s[0]) != tolower((unsigned char)sym[0])) continue;
        if (n == 2 && tolower((unsigned char)s[1]) != tolower((unsigned char)sym[1])) continue;
        return Z;
    }
    return 0;
}

