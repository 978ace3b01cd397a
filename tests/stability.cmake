os_add_test(test_stability ${OS_TEST_DIR}/test_stability.c)
# The SCF's stability analysis (lowest orbital-Hessian eigenvalue vs Psi4,
# saddle points followed down, the Hessian against energies) and the physical
# checks that turn broken results into failed molecules (issue 9).
add_test(NAME stability COMMAND test_stability)
