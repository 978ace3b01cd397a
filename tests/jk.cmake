os_add_test(test_jk ${OS_TEST_DIR}/test_jk.c)
# J/K builders (direct, semi-direct, incremental, range-separated) vs the naive oracle.
add_test(NAME jk COMMAND test_jk)
