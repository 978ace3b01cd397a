os_add_test(test_jk ${OS_TEST_DIR}/test_jk.c)
# J/K builders (direct, semi-direct, incremental, range-separated) vs the naive oracle.
add_test(NAME jk COMMAND test_jk)
os_add_test(test_jk_df ${OS_TEST_DIR}/test_jk_df.c)
# The density-fitted builder (in core, direct, long-range K) vs a dense DF oracle.
add_test(NAME jk_df COMMAND test_jk_df)
