/* Pieces of orbscreen.json that the QCSchema writer repeats in its extras
 * (json.c). */
#ifndef OS_JSON_PARTS_H
#define OS_JSON_PARTS_H
#include "report/json_writer.h"
#include "report/report.h"

/* "input": {path, format, sha256, frame, frames} and "tags": [{key, value}]. */
void os_report_json_input(os_json *j, const os_report_entry *e);
/* "iterations", "scf_thresholds" and "scf_residuals" of an SCF. */
void os_report_json_convergence(os_json *j, const os_scf_result *r);

/* git_commit, libint2, libxc and openblas versions, into the open object. */
void os_report_json_build(os_json *j);

/* homo_ev, lumo_ev, gap_ev. */
void os_report_json_frontier(os_json *j, const os_scf_result *r);
/* key: {"alpha": a, "beta": b} (b NULL, restricted: beta = alpha), n values
 * times scale. */
void os_report_json_per_spin(os_json *j, const char *key, const double *a, const double *b, int n,
                             double scale, const char *fmt);

/* "solvation": {solvent, eps, model, energy_gas, solvation_energy, ...}. */
void os_report_json_solvation(os_json *j, const os_report_solvation *sv, const os_scf_result *r);

#endif
