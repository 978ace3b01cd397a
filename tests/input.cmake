os_add_test(test_input ${OS_TEST_DIR}/test_input.c)
# Multi-frame XYZ, SDF/MOL V2000/V3000 (charges, radicals, data items),
# format detection, the JSON reader and SHA-256 (FIPS 180-2 vectors).
add_test(NAME input COMMAND test_input)
