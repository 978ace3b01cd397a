# The Slurm scripts docs/cluster.md shows are tools/slurm/*.sh, byte for byte.
file(GLOB OS_SLURM_SCRIPTS ${CMAKE_SOURCE_DIR}/tools/slurm/*.sh)
add_test(NAME docs_scripts COMMAND python3 ${OS_TEST_DIR}/docs_scripts.py
         ${CMAKE_SOURCE_DIR}/docs/cluster.md ${OS_SLURM_SCRIPTS})
