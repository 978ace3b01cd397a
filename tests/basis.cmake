os_add_test(test_basis ${OS_TEST_DIR}/test_basis.c)
add_test(NAME basis COMMAND test_basis)
# Every Gaussian94 file in tests/bad-input must be rejected with a one-line
# message; fuzzer regressions (tests/fuzz/regressions/g94) must not crash.
add_test(NAME basis_corpus COMMAND test_basis --corpus ${OS_TEST_DIR}/fuzz/regressions/g94
         --must-fail ${OS_TEST_DIR}/bad-input)
