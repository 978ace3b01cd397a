/* orbitals.svg: an orbital-level diagram (HOMO and LUMO of each molecule on
 * a shared energy axis, in eV), in the style of a paper figure: one column
 * per succeeded molecule in the caller's order, LUMO and HOMO as short
 * labelled bars, the gap as a double arrow, ticks and light gridlines. */
#include "report/report.h"

#include "core/error.h"
#include "core/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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

os_status os_report_write_svg(FILE *f, const os_report_run *run, const os_report_entry *e,
                              int n, os_error *err)
{
    /* Which molecules are drawn, and the energy range they span (eV). */
    int ncol = 0;
    double emin = INFINITY, emax = -INFINITY;
    for (int i = 0; i < n; ++i) {
        if (!os_report_entry_ok(&e[i])) continue;
        ++ncol;
        double h = e[i].res->homo * OS_HARTREE_EV, l = e[i].res->lumo * OS_HARTREE_EV;
        if (isfinite(h)) emin = fmin(emin, h), emax = fmax(emax, h);
        if (isfinite(l)) emin = fmin(emin, l), emax = fmax(emax, l);
    }
    if (!(emin <= emax)) emin = -1.0, emax = 1.0;
    if (emax - emin < 1.0) emin -= 0.5, emax += 0.5;

    /* Geometry, px. */
    const double ml = 92, mr = 28, mt = 86, ph = 430, mb = 64;
    double cw = 150;
    double W = ml + (ncol > 0 ? ncol : 1) * cw + mr;
    if (W < 520) W = 520;
    cw = (W - ml - mr) / (ncol > 0 ? ncol : 1);
    double H = mt + ph + mb;
    double bw = cw * 0.46 < 70 ? cw * 0.46 : 70;

    yaxis ax = {mt, mt + ph, 0, 0};
    double step = nice_step(emax - emin, 6);
    /* Room above/below for the value labels (about 22 px each side). */
    double pad = (emax - emin) * 22.0 / ph + 0.25 * step;
    ax.lo = floor((emin - pad) / step) * step;
    ax.hi = ceil((emax + pad) / step) * step;

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

    /* Title and level of theory. */
    fprintf(f, "  <text x=\"%.1f\" y=\"32\" font-size=\"19\" font-weight=\"bold\">"
               "Frontier orbital energies</text>\n",
            ml);
    if (run && (run->method || run->basis)) {
        char lot[256];
        size_t pos = 0;
        lot[0] = '\0';
        /* Functionals are written in capitals in papers (B3LYP, PBE0, HF);
         * wB97X-style names get their omega. */
        char meth[64];
        snprintf(meth, sizeof meth, "%s", run->method ? run->method : "?");
        for (char *c = meth; *c; ++c)
            if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
        if (!strncmp(meth, "WB97", 4)) {
            xml_append(lot, sizeof lot, &pos, "\xcf\x89", 0); /* U+03C9 omega */
            xml_append(lot, sizeof lot, &pos, meth + 1, 1);
        } else {
            xml_append(lot, sizeof lot, &pos, meth, 1);
        }
        xml_append(lot, sizeof lot, &pos, " / ", 0);
        xml_append(lot, sizeof lot, &pos, run->basis ? run->basis : "?", 1);
        fprintf(f, "  <text x=\"%.1f\" y=\"55\" font-size=\"13\" fill=\"#555555\">%s</text>\n", ml,
                lot);
    }
    /* Legend, top right. */
    double lx = W - mr - 92;
    fprintf(f, "  <g class=\"legend\" font-size=\"13\">\n");
    level_bar(f, lx + 14, 26, 28, COL_LUMO);
    fprintf(f, "    <text x=\"%.1f\" y=\"30.5\">LUMO</text>\n", lx + 36);
    level_bar(f, lx + 14, 48, 28, COL_HOMO);
    fprintf(f, "    <text x=\"%.1f\" y=\"52.5\">HOMO</text>\n", lx + 36);
    fputs("  </g>\n", f);

    /* Axis: gridlines, ticks and labels. */
    fputs("  <g class=\"axis\" font-size=\"13\">\n", f);
    int nt = (int)floor((ax.hi - ax.lo) / step + 0.5);
    for (int t = 0; t <= nt; ++t) {
        double v = ax.lo + t * step, y = ypx(&ax, v);
        int zero = fabs(v) < 1e-9 * step;
        fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1\"%s/>\n",
                ml, y, W - mr, y, zero ? "#b8b8b8" : COL_GRID,
                zero ? " stroke-dasharray=\"5 4\"" : "");
        fprintf(f, "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1.2\"/>\n",
                ml - 6, y, ml, y, COL_TEXT);
        char lab[32];
        int digits = step < 0.999 ? (step < 0.0999 ? 2 : 1) : 0;
        fmt_ev(lab, sizeof lab, v, digits);
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", ml - 10,
                y + 4.5, lab);
    }
    fprintf(f, "    <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"%s\" stroke-width=\"1.2\"/>\n",
            ml, ax.top, W - mr - ml, ax.bottom - ax.top, COL_TEXT);
    fprintf(f, "    <text transform=\"translate(24 %.1f) rotate(-90)\" text-anchor=\"middle\" "
               "font-size=\"15\">Energy (eV)</text>\n",
            (ax.top + ax.bottom) / 2);
    fputs("  </g>\n", f);

    if (ncol == 0)
        fprintf(f, "  <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"15\" "
                   "fill=\"#777777\">no results</text>\n",
                (ml + W - mr) / 2, (ax.top + ax.bottom) / 2);

    /* One column group per molecule. */
    int col = 0;
    for (int i = 0; i < n; ++i) {
        if (!os_report_entry_ok(&e[i])) continue;
        double cx = ml + (col + 0.5) * cw;
        double h = e[i].res->homo * OS_HARTREE_EV, l = e[i].res->lumo * OS_HARTREE_EV;
        char label[1024], v[32];
        os_report_svg_label(e[i].mol, e[i].label, label, sizeof label);
        fprintf(f, "  <g class=\"molecule\" id=\"mol-%d\" font-size=\"13\">\n", col + 1);
        if (isfinite(l)) {
            double y = ypx(&ax, l);
            level_bar(f, cx, y, bw, COL_LUMO);
            fmt_ev(v, sizeof v, l, 2);
            fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                    cx, y - 9, COL_LUMO, v);
        }
        if (isfinite(h)) {
            double y = ypx(&ax, h);
            level_bar(f, cx, y, bw, COL_HOMO);
            fmt_ev(v, sizeof v, h, 2);
            fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                    cx, y + 20, COL_HOMO, v);
        }
        if (isfinite(l) && isfinite(h) && l > h) {
            double y1 = ypx(&ax, l), y2 = ypx(&ax, h);
            gap_arrow(f, cx, y1, y2);
            fmt_ev(v, sizeof v, l - h, 2);
            /* A short arrow leaves no room beside it between the bars: put
             * the label beside the bars, on the left in the last column. */
            double tx = cx + 8;
            const char *anchor = "start";
            if (y2 - y1 < 30) {
                tx = cx + bw / 2 + 6;
                if (tx + 58 > W - mr) tx = cx - bw / 2 - 6, anchor = "end";
            }
            fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" font-size=\"12.5\" text-anchor=\"%s\">%s eV</text>\n",
                    tx, (y1 + y2) / 2 + 4.5, anchor, v);
        }
        /* Long names shrink to fit their column (about 0.62 em per glyph). */
        int glyphs = 2;
        for (const char *p = e[i].label ? e[i].label : e[i].mol->name; *p; ++p)
            glyphs += ((unsigned char)*p & 0xc0) != 0x80;
        double fs = 0.95 * cw / (0.62 * glyphs);
        if (fs > 16) fs = 16;
        if (fs < 8) fs = 8;
        fprintf(f, "    <text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%.1f\">%s</text>\n",
                cx, ax.bottom + 30, fs, label);
        fputs("  </g>\n", f);
        ++col;
    }
    fputs("</svg>\n", f);
    if (ferror(f)) return os_fail(err, OS_ERR_IO, "cannot write SVG: %s", strerror(errno));
    return OS_OK;
}
