os_add_test(test_report ${OS_TEST_DIR}/test_report.c)
add_test(NAME report COMMAND test_report)
# Live SCF on water, Molden file compared with Psi4 1.3.2's (tests/reference/molden/).
add_test(NAME report_molden_psi4 COMMAND test_report psi4)
# Exact result records (resume, merge, MPI): round trip to byte-identical reports.
os_add_test(test_record ${OS_TEST_DIR}/test_record.c)
add_test(NAME record COMMAND test_record)
