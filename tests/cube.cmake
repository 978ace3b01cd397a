os_add_test(test_cube ${OS_TEST_DIR}/test_cube.c)
# Cube files of water (HF) and OH (UHF) orbitals read back: header, grid,
# and sum psi^2 dV = 1.
add_test(NAME cube COMMAND test_cube)
