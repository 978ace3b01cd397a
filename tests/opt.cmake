# Geometry optimization (src/opt/) and bond perception.
os_add_test(test_opt ${OS_TEST_DIR}/test_opt.c)

# Internal coordinates: B rows against differences of their values (1e-8),
# back-transformation round trips; bonds and their comparison.
add_test(NAME opt_bmatrix COMMAND test_opt bmatrix)
add_test(NAME opt_backtransform COMMAND test_opt backtransform)
add_test(NAME opt_connectivity COMMAND test_opt connectivity)

# Against Psi4 1.3.2's optimizer from the same starts (tests/reference/opt/,
# README there): energy 1e-6 Eh, bonds 1e-3 A, angles 0.1 deg.
function(os_opt_psi4_test case)
  add_test(NAME opt_psi4_${case} COMMAND test_opt psi4 ${OS_REF_DIR}/opt/${case}.ref)
  set_tests_properties(opt_psi4_${case} PROPERTIES LABELS reference)
endfunction()
foreach(case water_hf_631gs water_b3lyp_631gs formaldehyde_b3lyp_631gs formate_b3lyp_631pgs
             ammonia_hf_631gs)
  os_opt_psi4_test(${case})
endforeach()

# The same minimum from far away (O-H stretched to 1.6 A), and in Cartesians.
add_test(NAME opt_stretched_water COMMAND test_opt start opt/geom/water_stretched.xyz
                                          ${OS_REF_DIR}/opt/water_hf_631gs.ref)
add_test(NAME opt_cartesian_water COMMAND test_opt start opt/geom/water_s.xyz
                                          ${OS_REF_DIR}/opt/water_hf_631gs.ref cartesian)
# The minimum check flags a saddle point (planar NH3).
add_test(NAME opt_saddle COMMAND test_opt saddle ${OS_REF_DIR}/opt/ammonia_hf_631gs.ref)
# The model Hessian against an independent implementation
# (tools/lindh_model_ref.py): 4-fluorobenzoate, whose para axis puts C, C and
# F on one line (no term may run through that straight angle).
add_test(NAME opt_model_hessian COMMAND test_opt model_hessian opt/geom/fbz.xyz
                                        ${OS_REF_DIR}/opt/model_hessian_fbz.ref)
# Geometry-dependent external terms through the optimizer's hook.
add_test(NAME opt_external COMMAND test_opt external ${OS_REF_DIR}/opt/water_hf_631gs.ref)

# orbscreen --opt (water HF/6-31G*, gas phase by default): JSON, .opt.xyz, a restart, a failure.
add_test(NAME opt_cli COMMAND sh ${OS_TEST_DIR}/test_opt_cli.sh $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
# orbscreen --opt in a solvent, and --opt --reduction (adiabatic potential,
# a bond broken by the reduced species): tiny HF cases, seconds each.
add_test(NAME opt_solvent_cli COMMAND sh ${OS_TEST_DIR}/test_opt_solvent_cli.sh $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
# The committed library's geometries are orbscreen's B3LYP/6-31+G* minima
# (energy = the file's E_Eh to 1e-6 Eh, max force < 4.5e-4 Eh/bohr): DOL, DME.
add_test(NAME library_minima COMMAND sh ${OS_TEST_DIR}/test_library.sh $<TARGET_FILE:orbscreen_cli> ${CMAKE_SOURCE_DIR}/molecules)
