os_add_test(test_numint ${OS_TEST_DIR}/test_numint.c)
add_test(NAME numint COMMAND test_numint)
