os_add_test(test_scf ${OS_TEST_DIR}/test_scf.c)
# SCF stages: DIIS, SAD guess, restart from orbitals, external potential
# terms, degenerate occupations, explicit threads.
add_test(NAME scf COMMAND test_scf)
