os_add_test(test_integrals ${OS_TEST_DIR}/test_integrals.c)
add_test(NAME integrals COMMAND test_integrals)
