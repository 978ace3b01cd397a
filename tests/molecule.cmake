os_add_test(test_molecule ${OS_TEST_DIR}/test_molecule.c)
add_test(NAME molecule COMMAND test_molecule)
# Every XYZ file in tests/bad-input must be rejected with a one-line message;
# fuzzer regressions (tests/fuzz/regressions/xyz) must at least not crash.
add_test(NAME molecule_corpus COMMAND test_molecule --corpus ${OS_TEST_DIR}/fuzz/regressions/xyz
         --must-fail ${OS_TEST_DIR}/bad-input)
