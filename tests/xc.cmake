os_add_test(test_xc ${OS_TEST_DIR}/test_xc.c)
add_test(NAME xc COMMAND test_xc)
