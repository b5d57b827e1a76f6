# ponder_gpu_test(<name> SOURCES <files...> LIBS <targets...>)
# gpu tests: need a CUDA device. They build without Qt (GPU machines have none) and exit 77,
# which ctest reports as "skipped", where no usable GPU exists. Shared by tests/gpu and the
# kernels-only project (tools/gpu-kernels) that GPU machines without the app's libraries build.
function(ponder_gpu_test name)
    cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE ponder_warnings ${T_LIBS})
    target_compile_definitions(${name} PRIVATE PONDER_TEST_DATA_DIR="${PONDER_TEST_DATA_DIR}")
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS gpu SKIP_RETURN_CODE 77 TIMEOUT 600)
    if(TARGET ponder_cuda)
        add_dependencies(${name} ponder_cuda)
        # The test binaries live below the build root, where the engine's loader does not look:
        # point it at this build's module.
        set_tests_properties(${name} PROPERTIES
            ENVIRONMENT "PONDER_CUDA_MODULE=$<TARGET_FILE:ponder_cuda>")
    endif()
endfunction()
