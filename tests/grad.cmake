# Nuclear gradients (src/grad/) and the derivative integrals under them.
os_add_test(test_grad ${OS_TEST_DIR}/test_grad.c)

# Derivative integrals against differences of the integrals themselves.
add_test(NAME grad_integrals COMMAND test_grad integrals)

# Whole gradients against central differences of our own energies (every
# component; tests/reference/grad/geom/: distorted geometries, no zero by
# symmetry).  DFT on a small grid (30 radial x 110 angular points per atom):
# fast, and the grid response (points and Becke weights moving with the
# atoms) is large there (1e-4 to 7e-3 Eh/bohr), so the test sees it.
# os_grad_fd_test(NAME GEOMETRY METHOD BASIS PURE GRID)
function(os_grad_fd_test name)
  add_test(NAME grad_fd_${name} COMMAND test_grad fd ${ARGN})
endfunction()
os_grad_fd_test(rhf_water_ccpvdz grad/geom/water_d.xyz hf cc-pVDZ default -)
os_grad_fd_test(rhf_water_631gs_cart grad/geom/water_d.xyz hf 6-31G* cart -)
os_grad_fd_test(uhf_oh_ccpvdz grad/geom/oh_d.xyz hf cc-pVDZ default -)
os_grad_fd_test(pbe_water_ccpvdz grad/geom/water_d.xyz pbe cc-pVDZ default 30,110)
os_grad_fd_test(b3lyp_water_ccpvdz grad/geom/water_d.xyz b3lyp cc-pVDZ default 30,110)
os_grad_fd_test(wb97x_water_ccpvdz grad/geom/water_d.xyz wb97x cc-pVDZ default 30,110)
os_grad_fd_test(uks_b3lyp_ch3_631pgs grad/geom/ch3_d.xyz b3lyp 6-31+G* default 30,110)
os_grad_fd_test(uks_tpss_oh_631gs grad/geom/oh_d.xyz tpss 6-31G* default 30,110)
os_grad_fd_test(uks_svwn_oh_631gs grad/geom/oh_d.xyz svwn 6-31G* default 30,110)
# The same with density fitting (the default J/K; df_grad.c): HF, a GGA, a
# hybrid, a range-separated hybrid (its one-sided long-range K), open shell.
os_grad_fd_test(df_rhf_water_ccpvdz grad/geom/water_d.xyz hf cc-pVDZ default - df)
os_grad_fd_test(df_pbe_water_ccpvdz grad/geom/water_d.xyz pbe cc-pVDZ default 30,110 df)
os_grad_fd_test(df_b3lyp_water_ccpvdz grad/geom/water_d.xyz b3lyp cc-pVDZ default 30,110 df)
os_grad_fd_test(df_wb97x_water_ccpvdz grad/geom/water_d.xyz wb97x cc-pVDZ default 30,110 df)
os_grad_fd_test(df_uhf_oh_ccpvdz grad/geom/oh_d.xyz hf cc-pVDZ default - df)
os_grad_fd_test(df_uks_b3lyp_ch3_631pgs grad/geom/ch3_d.xyz b3lyp 6-31+G* default 30,110 df)
# The library's basis on an anion: Cartesian heavy-aug-cc-pVDZ-JKFIT, whose
# metric conditioning drops 2 eigenvalues (docs/gradients.md).
os_grad_fd_test(df_rhf_formate_631pgs grad/geom/formate_d.xyz hf 6-31+G* default - df)
# An external potential's term through its gradient callback (the solvent's seam).
add_test(NAME grad_fd_external COMMAND test_grad external)

# Against Psi4 1.3.2's analytic gradients at the same geometries
# (tests/reference/grad/, README there): HF 1e-6 Eh/bohr; DFT on the 200 x 974
# grid 1e-6, where our grid (pruning, partition) and Psi4's (no grid
# response) agree to ~1e-7; wB97X, the most grid-sensitive (energies differ by
# 2e-7 Eh), 3e-6.  water_b3lyp_ccpvdz_fd also checks Psi4's finite
# differences of its own energy (the true derivative, grid response included).
# os_grad_psi4_test(CASE GTOL)
function(os_grad_psi4_test case gtol)
  add_test(NAME grad_psi4_${case} COMMAND test_grad psi4 ${OS_REF_DIR}/grad/${case}.ref ${gtol})
  set_tests_properties(grad_psi4_${case} PROPERTIES LABELS reference)
endfunction()
foreach(case water_hf_ccpvdz water_hf_631gs_cart oh_uhf_ccpvdz water_b3lyp_ccpvdz
             water_pbe_ccpvdz ch3_b3lyp_631gs formate_b3lyp_631pgs
             water_hf_ccpvdz_df water_b3lyp_ccpvdz_df)
  os_grad_psi4_test(${case} 1e-6)
endforeach()
os_grad_psi4_test(water_wb97x_ccpvdz 3e-6)
os_grad_psi4_test(water_b3lyp_ccpvdz_fd 2e-7)
