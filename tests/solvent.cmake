os_add_test(test_solvent ${OS_TEST_DIR}/test_solvent.c)
# Continuum solvent (issue 12) against NWChem 7.0.2's COSMO: each
# tests/reference/cosmo/<case>.ref beside the <case>.nw that produced it
# (tools/nwchem_cosmo_refs.py).  Same radii (1.2 x Bondi, NWChem's bohr),
# eps and f(eps) as the reference.
add_test(NAME solvent_integrals COMMAND test_solvent integrals)

# NWChem's own surface: its points (to 1e-9 bohr) and, for neutral
# molecules, its printed COSMO energy from its dumped charges (1e-9 Eh):
# octahedron levels 2 and 3, icosahedron, an anion, one sphere.
foreach(case water_hf_631gs_eps78 water_hf_631gs_eps78_m3 water_hf_631gs_eps78_i2
             methanol_hf_631gs_eps78 acetate_hf_631pgs_eps78 fluoride_hf_631pgs_eps78)
  add_test(NAME solvent_surface_${case} COMMAND test_solvent surface ${case})
endforeach()

# Solvation energies dG_elec = E(solvent) - E(gas): in NWChem's
# discretization to 1e-6 Eh (HF also E_gas and E_sol; B3LYP grids differ,
# dG_elec agrees to ~1e-7), in ours (SWIG, 110 Lebedev points per sphere)
# within 0.3 kcal/mol (the issue's criterion).  Neutral and anionic, C-PCM
# and COSMO f(eps), eps 78.4 and 7.2, HF and B3LYP, a UKS radical anion, and
# acetate in DME against NWChem's finest tessellation (level 4, 1500 points).
foreach(case water_hf_631gs_eps78 water_hf_631gs_eps7 water_hf_631gs_eps78_ks
             methanol_hf_631gs_eps78 fluoride_hf_631pgs_eps78 acetate_hf_631pgs_eps78
             formate_b3lyp_631pgs_eps78 formaldehyde_red_b3lyp_631pgs_eps7
             acetate_b3lyp_631pgs_eps7_m4)
  add_test(NAME solvent_${case} COMMAND test_solvent compare ${case} 1e-6 0.3)
endforeach()

# F-: one sphere, independent of the number of surface points; the energy
# is smooth under displacement; NWChem's Fock term vs the variational one.
add_test(NAME solvent_single_sphere COMMAND test_solvent sphere)
add_test(NAME solvent_smooth COMMAND test_solvent smooth)
add_test(NAME solvent_fock COMMAND test_solvent fock)

# --solvent / --eps through the command line.
add_test(NAME solvent_cli COMMAND sh ${OS_TEST_DIR}/test_solvent_cli.sh
         $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
