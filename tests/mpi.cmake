# A batch across MPI ranks: only in a -DORBSCREEN_MPI=ON build.
if(ORBSCREEN_MPI)
  add_test(NAME mpi_batch COMMAND sh ${OS_TEST_DIR}/test_mpi.sh $<TARGET_FILE:orbscreen_cli>
           ${OS_REF_DIR} ${MPIEXEC_EXECUTABLE})
endif()
