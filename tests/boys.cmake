os_add_test(test_boys ${OS_TEST_DIR}/test_boys.c)
add_test(NAME boys COMMAND test_boys)
