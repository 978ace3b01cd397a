# Jmol loads our Molden and cube files (skipped, exit 77, where Jmol is missing).
add_test(NAME viewer COMMAND sh ${OS_TEST_DIR}/test_viewer.sh $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
set_tests_properties(viewer PROPERTIES SKIP_RETURN_CODE 77)
