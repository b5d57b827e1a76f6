# ponder_gpu_test(<name> SOURCES <files...> LIBS <targets...>)
# gpu tests: need a CUDA device. They build without Qt (GPU machines have none) and exit 77,
# which ctest reports as "skipped", where no usable GPU exists. Shared by tests/gpu and the
# kernels-only project (tools/gpu-kernels) that GPU machines without the app's libraries build.
#
# Each test's limit is its TIMEOUT property, PONDER_GPU_TEST_TIMEOUT seconds: ctest's --timeout
# applies only to tests without that property, so a caller who needs a shorter limit (the
# time-boxed tools/gpu-check.sh) sets this variable at configure time.
set(PONDER_GPU_TEST_TIMEOUT 600 CACHE STRING "Seconds one gpu test may run before ctest stops it")
function(ponder_gpu_test name)
    cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE ponder_warnings ${T_LIBS})
    target_compile_definitions(${name} PRIVATE PONDER_TEST_DATA_DIR="${PONDER_TEST_DATA_DIR}")
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS gpu SKIP_RETURN_CODE 77
        TIMEOUT ${PONDER_GPU_TEST_TIMEOUT})
    if(TARGET ponder_cuda)
        add_dependencies(${name} ponder_cuda)
        # The test binaries live below the build root, where the engine's loader does not look:
        # point it at this build's module.
        set_tests_properties(${name} PROPERTIES
            ENVIRONMENT "PONDER_CUDA_MODULE=$<TARGET_FILE:ponder_cuda>")
    endif()
endfunction()
