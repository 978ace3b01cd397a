# The Slurm job scripts, tools/slurm/*.sh: docs/cluster.md shows them byte
# for byte, and they run (with the variables sbatch sets, without Slurm).
file(GLOB OS_SLURM_SCRIPTS ${CMAKE_SOURCE_DIR}/tools/slurm/*.sh)
add_test(NAME docs_scripts COMMAND python3 ${OS_TEST_DIR}/docs_scripts.py
         ${CMAKE_SOURCE_DIR}/docs/cluster.md ${OS_SLURM_SCRIPTS})
add_test(NAME slurm_scripts COMMAND sh ${OS_TEST_DIR}/test_slurm_scripts.sh
         $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
