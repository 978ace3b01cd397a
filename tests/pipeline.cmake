# Pipelines and viewers (issue 13): stdout table, multi-frame/SDF/stdin
# input, QCSchema validated by qcelemental, the JSON Schema, --version.
add_test(NAME pipeline COMMAND sh ${OS_TEST_DIR}/test_pipeline.sh $<TARGET_FILE:orbscreen_cli>
         ${OS_REF_DIR} ${CMAKE_SOURCE_DIR})
