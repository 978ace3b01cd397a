os_add_test(test_reproducible ${OS_TEST_DIR}/test_reproducible.c)
# Results do not depend on the thread count, to the last bit: SCF energies,
# orbital energies, the stability eigenvalue and the nuclear gradient of a
# solvated radical ion on 1, 2 and 3 threads (core/lanes.h).
add_test(NAME reproducible COMMAND test_reproducible)
