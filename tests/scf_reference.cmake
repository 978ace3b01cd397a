# Whole-program regressions against Psi4 (tests/reference/<case>.ref, made by
# the <case>.in next to it).  Tolerances are the project's acceptance criteria:
# HF total energy 1e-6 Eh, orbital energies 1e-4 eV.
os_add_test(test_scf_reference ${OS_TEST_DIR}/test_scf_reference.c)

# os_ref_test(CASE E_TOL_EH EPS_TOL_EV [GRID])
function(os_ref_test case etol epstol)
  add_test(NAME ref_${case}
           COMMAND test_scf_reference ${OS_REF_DIR}/${case}.ref ${etol} ${epstol} ${ARGN})
  set_tests_properties(ref_${case} PROPERTIES LABELS reference)
endfunction()

# Hartree-Fock (issue 2): cc-pVDZ; d functions Cartesian and spherical; an
# anion with diffuse functions; a g-shell basis; UHF radicals and a triplet;
# and two molecules nothing was tuned on (DOL, TFPAA-).
foreach(case water_hf_ccpvdz water_hf_631gs_cart water_hf_631gs_sph acetate_hf_631pgs
             water_hf_ccpvqz ch3_uhf_631gs oh_uhf_ccpvdz o2_uhf_631gs dol_hf_631pgs)
  os_ref_test(${case} 1e-6 1e-4)
endforeach()
