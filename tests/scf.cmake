os_add_test(test_scf ${OS_TEST_DIR}/test_scf.c)
# SCF stages: DIIS, SAD guess, restart from orbitals, external potential
# terms, degenerate occupations, explicit threads.
add_test(NAME scf COMMAND test_scf)

# <S^2> of UHF determinants against Psi4 1.3.2's (tests/reference/reduction/,
# tools/psi4_s2_refs.sh): doublets CH3 and OH, triplet O2.
os_add_test(test_spin ${OS_TEST_DIR}/test_spin.c)
add_test(NAME spin_ch3_uhf_631gs COMMAND test_spin geom/ch3.xyz 6-31G* 0 2 ch3_uhf_631gs 1e-7)
add_test(NAME spin_oh_uhf_ccpvdz COMMAND test_spin geom/oh.xyz cc-pVDZ 1 2 oh_uhf_ccpvdz 1e-7)
add_test(NAME spin_o2_uhf_631gs COMMAND test_spin geom/o2.xyz 6-31G* 0 3 o2_uhf_631gs 1e-7)
# The same UHF determinants by direct minimization over orbital rotations
# from the first orbitals (OS_SCF_SOLVER_DESCENT, src/scf/descent.c), not DIIS.
add_test(NAME spin_ch3_uhf_631gs_descent COMMAND test_spin geom/ch3.xyz 6-31G* 0 2 ch3_uhf_631gs 1e-7 descent)
add_test(NAME spin_o2_uhf_631gs_descent COMMAND test_spin geom/o2.xyz 6-31G* 0 3 o2_uhf_631gs 1e-7 descent)
