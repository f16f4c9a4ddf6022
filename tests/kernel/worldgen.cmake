# tests/kernel/worldgen.cmake - the world generator's test (included from
# tests/kernel/CMakeLists.txt).  It reaches the kernel's internal headers
# worldgen.h, noise.h and rng.h, and hashes columns with the header-only
# xxhash (XXH_INLINE_ALL is defined in the source).
add_executable(test_kernel_worldgen ${CMAKE_CURRENT_LIST_DIR}/test_worldgen.c)
target_include_directories(test_kernel_worldgen PRIVATE
    ${PROJECT_SOURCE_DIR}/kernel/src
    ${PROJECT_SOURCE_DIR}/tests
    ${XXHASH_INCLUDE_DIRS})
target_link_libraries(test_kernel_worldgen PRIVATE quarry_kernel quarry_warnings)
add_test(NAME kernel_worldgen COMMAND test_kernel_worldgen)
