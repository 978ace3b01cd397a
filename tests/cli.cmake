# The command-line contract, driven through the real binary.
add_test(NAME cli COMMAND sh ${OS_TEST_DIR}/test_cli.sh $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
# Campaigns: --resume after SIGKILL, --shard K/N and orbscreen merge.
add_test(NAME campaign COMMAND sh ${OS_TEST_DIR}/test_campaign.sh $<TARGET_FILE:orbscreen_cli> ${OS_REF_DIR})
