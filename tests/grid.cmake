os_add_test(test_grid ${OS_TEST_DIR}/test_grid.c)
add_test(NAME grid COMMAND test_grid)
