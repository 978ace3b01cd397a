/* orbitals.svg: an orbital-level diagram (HOMO and LUMO of each molecule on
 * a shared energy axis, in eV), in the style of a paper figure: ranked
 * anions first in rank order (rank numbers above), the other molecules
 * apart after a dashed line, wrapped into rows that fit a page; LUMO and
 * HOMO as short labelled bars, the gap as a double arrow; each molecule
 * named with its charge as a superscript and its formula with subscripts;
 * the level of theory and phase in the subtitle and the caption. */
#include "report/report.h"

#include "core/error.h"
#include "core/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Colours: LUMO red, HOMO blue (the usual acceptor/donor reading). */
#define COL_LUMO "#c0392b"
#define COL_HOMO "#1f5fa8"
#define COL_TEXT "#222222"
#define COL_GRID "#e3e3e3"
#define FONT "DejaVu Sans, Helvetica, Arial, sans-serif"
#define MINUS "\xe2\x88\x92" /* U+2212, typographic minus */

/* Append s to buf at *pos, never overrunning n or cutting a character.
 * escape: XML-escape it, and make it valid XML text whatever it holds
 * (control characters become blanks, invalid UTF-8 bytes U+FFFD). */
static void xml_append(char *buf, size_t n, size_t *pos, const char *s, int escape)
{
    while (*s && *pos + 1 < n) {
        const char *rep = NULL;
        int len = 1;
        if (escape) {
            unsigned char c = (unsigned char)*s;
            len = os_utf8_len(s);
            switch (c) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&apos;"; break;
            default:
                /* XML 1.0 forbids most control characters even escaped. */
                if (c < 0x20 || c == 0x7f) rep = " ";
                else if (len == 0) rep = OS_UTF8_REPLACEMENT, len = 1;
            }
        }
        const char *out = rep ? rep : s;
        size_t olen = rep ? strlen(rep) : (size_t)len;
        if (*pos + olen >= n) break;
        memcpy(buf + *pos, out, olen);
        *pos += olen;
        s += len;
    }
    buf[*pos] = '\0';
}

void os_report_svg_label(const os_molecule *mol, const char *label, char *buf, size_t n)
{
    if (!buf || n == 0) return;
    size_t pos = 0;
    buf[0] = '\0';
    char base[256];
    snprintf(base, sizeof base, "%s", label ? label : mol->name);
    int q = mol->charge < 0 ? -mol->charge : mol->charge;
    if (mol->natom > 0 && q > 0) {
        /* Drop a written charge ("TFSI-", "SO4 2-", "Li+") so it is not drawn twice. */
        size_t len = strlen(base);
        if (len > 1 && base[len - 1] == (mol->charge < 0 ? '-' : '+')) {
            size_t cut = len - 1;
            char digits[16];
            snprintf(digits, sizeof digits, "%d", q);
            size_t nd = strlen(digits);
            if (q > 1 && cut > nd && !strncmp(base + cut - nd, digits, nd)) cut -= nd;
            else if (q > 1) cut = len; /* "X-" on a dianion: leave it as written */
            while (cut > 1 && base[cut - 1] == ' ') --cut;
            base[cut] = '\0';
        }
    }
    xml_append(buf, n, &pos, base, 1);
    if (mol->natom == 0 || mol->charge == 0) return;
    char sup[32];
    const char *sign = mol->charge < 0 ? MINUS : "+";
    if (q == 1)
        snprintf(sup, sizeof sup, "%s", sign);
    else
        snprintf(sup, sizeof sup, "%d%s", q, sign);
    xml_append(buf, n, &pos, "<tspan baseline-shift=\"super\" font-size=\"75%\">", 0);
    xml_append(buf, n, &pos, sup, 0);
    xml_append(buf, n, &pos, "</tspan>", 0);
}

/* "-1.23" with a typographic minus; value in eV. */
static void fmt_ev(char *buf, size_t n, double v, int digits)
{
    if (fabs(v) < 0.5 * pow(10.0, -digits)) v = 0.0; /* no "-0.00" */
    if (v < 0)
        snprintf(buf, n, MINUS "%.*f", digits, -v);
    else
        snprintf(buf, n, "%.*f", digits, v);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about `target` ticks. */
static double nice_step(double span, int target)
{
    double raw = span / target;
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

typedef struct {
    double top, bottom; /* plot area, px */
    double hi, lo;      /* axis range, eV */
} yaxis;

static double ypx(const yaxis *ax, double ev)
{
    return ax->top + (ax->bottom - ax->top) * (ax->hi - ev) / (ax->hi - ax->lo);
}

static void level_bar(FILE *f, double cx, double y, double bw, const char *col)
{
    fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"4\" stroke-linecap=\"butt\"/>\n",
            cx - bw / 2, y, cx + bw / 2, y, col);
}

/* Vertical double arrow from y1 (top) to y2 (bottom) at x. */
static void gap_arrow(FILE *f, double x, double y1, double y2)
{
    const double head = 7.0, half = 4.0, clear = 4.0;
    double a = y1 + clear, b = y2 - clear;
    if (b - a < 3.0) return; /* levels nearly touch: the label says it */
    if (b - a < 2.5 * head) { /* too short for heads: a plain bracket line */
        fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1.2\"/>\n",
                x, a, x, b, COL_TEXT);
        return;
    }
    fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"1.2\"/>\n",
            x, a + head * 0.8, x, b - head * 0.8, COL_TEXT);
    fprintf(f, "    <path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%s\"/>\n", x, a,
            x - half, a + head, x + half, a + head, COL_TEXT);
    fprintf(f, "    <path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%s\"/>\n", x, b,
            x - half, b - head, x + half, b - head, COL_TEXT);
}

/* Hill formula as SVG markup: counts as subscripts, the charge as a
 * superscript ("C8H4F3O2" -> C<sub>8</sub>...<sup>-</sup>). */
static void formula_markup(const os_molecule *mol, char *buf, size_t n)
{
    char formula[256];
    size_t pos = 0;
    buf[0] = '\0';
    os_molecule_formula(mol, formula, sizeof formula);
    for (const char *p = formula; *p;) {
        size_t k = 0;
        char piece[32];
        if (*p >= '0' && *p <= '9') {
            while (p[k] >= '0' && p[k] <= '9' && k < sizeof piece - 1) piece[k] = p[k], ++k;
            piece[k] = '\0';
            xml_append(buf, n, &pos, "<tspan baseline-shift=\"sub\" font-size=\"75%\">", 0);
            xml_append(buf, n, &pos, piece, 0);
            xml_append(buf, n, &pos, "</tspan>", 0);
        } else {
            while (p[k] && !(p[k] >= '0' && p[k] <= '9') && k < sizeof piece - 1) piece[k] = p[k], ++k;
            piece[k] = '\0';
            xml_append(buf, n, &pos, piece, 1);
        }
        p += k;
    }
    if (mol->charge == 0) return;
    char sup[32];
    int q = mol->charge < 0 ? -mol->charge : mol->charge;
    const char *sign = mol->charge < 0 ? MINUS : "+";
    if (q == 1) snprintf(sup, sizeof sup, "%s", sign);
    else snprintf(sup, sizeof sup, "%d%s", q, sign);
    xml_append(buf, n, &pos, "<tspan baseline-shift=\"super\" font-size=\"75%\">", 0);
    xml_append(buf, n, &pos, sup, 0);
    xml_append(buf, n, &pos, "</tspan>", 0);
}

/* Glyphs in a UTF-8 string. */
static int glyphs(const char *s)
{
    int g = 0;
    for (; *s; ++s) g += ((unsigned char)*s & 0xc0) != 0x80;
    return g;
}

/* Page layout, px: a figure at most PAGE_W wide (a printed page's text
 * width at 96 dpi, with room), one column per molecule, wrapped into rows. */
#define PAGE_W 980.0
#define COL_W 118.0
#define GROUP_GAP 26.0
#define MARGIN_L 84.0
#define MARGIN_R 22.0
#define HEADER_H 78.0
#define ROW_TOP 44.0   /* group headings and rank numbers above each plot */
#define PLOT_H 210.0
#define ROW_LABELS 62.0 /* name and formula below each plot */
#define CAPTION_H 58.0
#define LABEL_FONT 13.0

typedef struct {
    const os_report_entry *e;
    int group; /* 0 ranked anions, 1 the rest */
    int row;
    double x;  /* column centre, px */
} placed;

/* Ranked anions in rank order, then everything else that succeeded in
 * input order; laid out left to right, a gap between the two groups, a new
 * row when the page is full. */
static int place(const os_report_entry *e, int n, placed *pl, int *nrow, double *width)
{
    int m = 0, nranked = 0;
    for (int i = 0; i < n; ++i) nranked += e[i].rank > 0;
    for (int r = 1; r <= nranked; ++r)
        for (int i = 0; i < n; ++i)
            if (e[i].rank == r) pl[m++] = (placed){&e[i], 0, 0, 0};
    for (int i = 0; i < n; ++i)
        if (e[i].rank == 0 && os_report_entry_ok(&e[i])) pl[m++] = (placed){&e[i], 1, 0, 0};
    int row = 0;
    double x = MARGIN_L, wmax = MARGIN_L;
    for (int k = 0; k < m; ++k) {
        if (k > 0 && pl[k].group != pl[k - 1].group) x += GROUP_GAP;
        if (x + COL_W > PAGE_W - MARGIN_R && k > 0) {
            ++row;
            x = MARGIN_L;
        }
        pl[k].row = row;
        pl[k].x = x + COL_W / 2;
        x += COL_W;
        if (x > wmax) wmax = x;
    }
    *nrow = m > 0 ? row + 1 : 1;
    *width = fmax(wmax + 10 + MARGIN_R, 560.0);
    return m;
}

/* Where a chemical name may break: after a hyphen, comma, space, slash or
 * closing parenthesis, or after a substituent prefix inside a word
 * ("pentafluoro|phenylacetate", "4-(trifluoro|methyl)benzoate"). */
static int may_break_after(const char *lab, size_t i)
{
    static const char *const prefix[] = {"fluoro", "chloro", "bromo", "iodo", "methyl", "ethyl",
                                         "propyl", "butyl", "phenyl", "benzyl", "sulfonyl",
                                         "amino", "hydroxy", "methoxy", "oxy"};
    if (strchr("-, /)", lab[i])) return 1;
    for (size_t k = 0; k < sizeof prefix / sizeof *prefix; ++k) {
        size_t n = strlen(prefix[k]);
        if (i + 1 >= n && strncasecmp(lab + i + 1 - n, prefix[k], n) == 0 && lab[i + 1] &&
            lab[i + 1] != '-' && lab[i + 1] != ',')
            return 1;
    }
    return 0;
}

/* Name and formula under a column.  A name too wide for the column is
 * split in two lines where a chemical name may break, so that the longer
 * line is as short as possible; still too wide, it gets a smaller font. */
static void molecule_label(FILE *f, const placed *p, double y)
{
    const os_molecule *mol = p->e->mol;
    const char *lab = p->e->label ? p->e->label : mol->name;
    char markup[1024], first[256], first_markup[1024];
    double room = COL_W - 8, fs = LABEL_FONT;
    int g = glyphs(lab);
    first[0] = '\0';
    size_t len = strlen(lab);
    if (g * 0.6 * fs > room && len < sizeof first) {
        size_t best = 0, best_len = len;
        for (size_t i = 1; i + 2 < len; ++i) {
            if (!may_break_after(lab, i)) continue;
            size_t a = i + 1, b = len - i - 1, longer = a > b ? a : b;
            if (longer < best_len) best = i, best_len = longer;
        }
        if (best) {
            size_t cut = lab[best] == ' ' ? best : best + 1; /* a hyphen stays on line 1 */
            memcpy(first, lab, cut);
            first[cut] = '\0';
            lab += best + 1;
            while (*lab == ' ') ++lab;
            g = glyphs(first) > glyphs(lab) ? glyphs(first) : glyphs(lab);
        }
    }
    if (g * 0.6 * fs > room) fs = fmax(9.5, room / (0.6 * g));
    os_report_svg_label(mol, lab, markup, sizeof markup);
    if (first[0]) {
        size_t pos = 0;
        first_markup[0] = '\0';
        xml_append(first_markup, sizeof first_markup, &pos, first, 1);
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.1f\">%s</text>\n",
                p->x, y, fs, first_markup);
        y += fs + 2;
    }
    fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.1f\">%s</text>\n",
            p->x, y, fs, markup);
    if (mol->natom > 0) {
        char formula[1024];
        formula_markup(mol, formula, sizeof formula);
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
                   "fill=\"#666666\">%s</text>\n",
                p->x, y + 17, formula);
    }
}

/* HOMO and LUMO bars, values and the gap of one molecule. */
static void molecule_levels(FILE *f, const placed *p, const yaxis *ax)
{
    const os_scf_result *r = p->e->res;
    double cx = p->x, bw = 0.5 * COL_W;
    double h = r->homo * OS_HARTREE_EV, l = r->lumo * OS_HARTREE_EV;
    char v[32];
    if (isfinite(l)) {
        double y = ypx(ax, l);
        level_bar(f, cx, y, bw, COL_LUMO);
        fmt_ev(v, sizeof v, l, 2);
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                cx, y - 9, COL_LUMO, v);
    }
    if (isfinite(h)) {
        double y = ypx(ax, h);
        level_bar(f, cx, y, bw, COL_HOMO);
        fmt_ev(v, sizeof v, h, 2);
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                cx, y + 20, COL_HOMO, v);
    }
    if (isfinite(l) && isfinite(h) && l > h) {
        double y1 = ypx(ax, l), y2 = ypx(ax, h);
        gap_arrow(f, cx, y1, y2);
        fmt_ev(v, sizeof v, l - h, 2);
        /* A short arrow leaves no room beside it: the gap goes under the
         * HOMO's value instead, inside the column. */
        if (y2 - y1 < 30)
            fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\">"
                       "gap %s eV</text>\n",
                    cx, y2 + 35, v);
        else
            fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%s eV</text>\n", cx + 8,
                    (y1 + y2) / 2 + 4.5, v);
    }
}

/* One row's frame: gridlines, ticks and their labels, the axis title. */
static void row_axis(FILE *f, const yaxis *ax, double step, double x0, double x1)
{
    fputs("  <g class=\"axis\" font-size=\"13\">\n", f);
    int nt = (int)floor((ax->hi - ax->lo) / step + 0.5);
    for (int t = 0; t <= nt; ++t) {
        double v = ax->lo + t * step, y = ypx(ax, v);
        int zero = fabs(v) < 1e-9 * step;
        fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1\"%s/>\n",
                x0, y, x1, y, zero ? "#b8b8b8" : COL_GRID, zero ? " stroke-dasharray=\"5 4\"" : "");
        fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1.2\"/>\n",
                x0 - 6, y, x0, y, COL_TEXT);
        char lab[32];
        int digits = step < 0.999 ? (step < 0.0999 ? 2 : 1) : 0;
        fmt_ev(lab, sizeof lab, v, digits);
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", x0 - 10,
                y + 4.5, lab);
    }
    fprintf(f, "    <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"%s\" stroke-width=\"1.2\"/>\n",
            x0, ax->top, x1 - x0, ax->bottom - ax->top, COL_TEXT);
    fprintf(f, "    <text transform=\"translate(24 %.1f) rotate(-90)\" text-anchor=\"middle\" "
               "font-size=\"14\">Energy (eV)</text>\n",
            (ax->top + ax->bottom) / 2);
    fputs("  </g>\n", f);
}

/* "B3LYP/6-31+G*, gas phase" with omega for the wB97 family. */
static void theory_markup(const os_report_run *run, char *buf, size_t n)
{
    char lot[192];
    size_t pos = 0;
    buf[0] = '\0';
    os_report_level_of_theory(run, lot, sizeof lot);
    if (!strncmp(lot, "WB97", 4)) {
        xml_append(buf, n, &pos, "\xcf\x89", 0); /* U+03C9 omega */
        xml_append(buf, n, &pos, lot + 1, 1);
    } else {
        xml_append(buf, n, &pos, lot, 1);
    }
    xml_append(buf, n, &pos, ", ", 0);
    xml_append(buf, n, &pos, os_report_phase(run), 1);
}

os_status os_report_write_svg(FILE *f, const os_report_run *run, const os_report_entry *e,
                              int n, os_error *err)
{
    placed *pl = malloc(sizeof *pl * (size_t)(n > 0 ? n : 1));
    if (!pl) return OS_NOMEM(err, "figure");
    int nrow;
    double W;
    int m = place(e, n, pl, &nrow, &W);

    /* One energy range for every row, so rows compare (eV). */
    double emin = INFINITY, emax = -INFINITY;
    for (int k = 0; k < m; ++k) {
        double h = pl[k].e->res->homo * OS_HARTREE_EV, l = pl[k].e->res->lumo * OS_HARTREE_EV;
        if (isfinite(h)) emin = fmin(emin, h), emax = fmax(emax, h);
        if (isfinite(l)) emin = fmin(emin, l), emax = fmax(emax, l);
    }
    if (!(emin <= emax)) emin = -1.0, emax = 1.0;
    if (emax - emin < 1.0) emin -= 0.5, emax += 0.5;
    double step = nice_step(emax - emin, 6);
    /* room for the value labels (and a gap label under the lowest HOMO) */
    double pad = (emax - emin) * 40.0 / PLOT_H + 0.25 * step;
    double lo = floor((emin - pad) / step) * step, hi = ceil((emax + pad) / step) * step;
    double row_h = ROW_TOP + PLOT_H + ROW_LABELS;
    double H = HEADER_H + nrow * row_h + CAPTION_H;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\" fill=\"%s\">\n",
            W, H, W, H, FONT, COL_TEXT);
    fputs("  <title>Frontier orbital energies (HOMO and LUMO, eV)</title>\n", f);
    {
        char desc[512];
        size_t pos = 0;
        desc[0] = '\0';
        xml_append(desc, sizeof desc, &pos, "Ranking: " OS_REPORT_RANKING_CONVENTION ".", 1);
        fprintf(f, "  <desc>%s</desc>\n", desc);
    }
    fprintf(f, "  <rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", W, H);
    char theory[384];
    theory_markup(run, theory, sizeof theory);
    fprintf(f, "  <text x=\"%.1f\" y=\"30\" font-size=\"19\" font-weight=\"bold\">"
               "Frontier orbital energies</text>\n", MARGIN_L);
    fprintf(f, "  <text x=\"%.1f\" y=\"52\" font-size=\"14\" fill=\"#444444\">%s</text>\n",
            MARGIN_L, theory);
    double lx = W - MARGIN_R - 84;
    fputs("  <g class=\"legend\" font-size=\"13\">\n", f);
    level_bar(f, lx + 14, 24, 28, COL_LUMO);
    fprintf(f, "    <text x=\"%.1f\" y=\"28.5\">LUMO</text>\n", lx + 36);
    level_bar(f, lx + 14, 46, 28, COL_HOMO);
    fprintf(f, "    <text x=\"%.1f\" y=\"50.5\">HOMO</text>\n", lx + 36);
    fputs("  </g>\n", f);

    for (int row = 0; row < nrow; ++row) {
        double top = HEADER_H + row * row_h + ROW_TOP;
        yaxis ax = {top, top + PLOT_H, hi, lo};
        double x1 = MARGIN_L;
        for (int k = 0; k < m; ++k)
            if (pl[k].row == row) x1 = pl[k].x + COL_W / 2 + 10; /* room for a gap label */
        if (m == 0) x1 = W - MARGIN_R;
        row_axis(f, &ax, step, MARGIN_L, x1);
        for (int k = 0; k < m; ++k) {
            if (pl[k].row != row) continue;
            /* A group's heading where it starts; a dashed line before the second group. */
            if (k == 0 || pl[k - 1].group != pl[k].group) {
                fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" font-size=\"12.5\" font-style=\"italic\" "
                           "fill=\"#555555\">%s</text>\n",
                        pl[k].x - COL_W / 2 + 2, top - 26,
                        pl[k].group == 0 ? "anions, ranked by LUMO" : "not ranked");
                if (k > 0 && pl[k - 1].row == row)
                    fprintf(f, "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"#888888\" stroke-dasharray=\"4 3\"/>\n",
                            pl[k].x - COL_W / 2 - GROUP_GAP / 2, top,
                            pl[k].x - COL_W / 2 - GROUP_GAP / 2, top + PLOT_H);
            }
            fprintf(f, "  <g class=\"molecule\" id=\"mol-%d\" font-size=\"13\">\n", k + 1);
            if (pl[k].e->rank > 0)
                fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"14\" "
                           "font-weight=\"bold\">%d</text>\n",
                        pl[k].x, top - 7, pl[k].e->rank);
            molecule_levels(f, &pl[k], &ax);
            molecule_label(f, &pl[k], top + PLOT_H + 22);
            fputs("  </g>\n", f);
        }
        if (m == 0)
            fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"15\" "
                       "fill=\"#777777\">no results</text>\n",
                    (MARGIN_L + W - MARGIN_R) / 2, top + PLOT_H / 2);
    }
    /* Caption: what is drawn, at which level of theory, and the ranking. */
    double cy = HEADER_H + nrow * row_h + 22;
    fprintf(f, "  <text class=\"caption\" x=\"%.1f\" y=\"%.1f\" font-size=\"12.5\" fill=\"#333333\">"
               "HOMO (blue) and LUMO (red) energies and their gap, %s.</text>\n",
            MARGIN_L, cy, theory);
    fprintf(f, "  <text class=\"caption\" x=\"%.1f\" y=\"%.1f\" font-size=\"12.5\" fill=\"#333333\">"
               "Bold numbers rank the anions by LUMO energy: 1 = lowest LUMO = most easily "
               "reduced. Neutral molecules are not ranked.</text>\n",
            MARGIN_L, cy + 18);
    fputs("</svg>\n", f);
    free(pl);
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write SVG: %s", strerror(errno));
    return OS_OK;
}
