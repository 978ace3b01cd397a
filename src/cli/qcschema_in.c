#include "cli/cli.h"
int cli_run_qcschema(const cli_options *o) { (void)o; return EXIT_USAGE; }
