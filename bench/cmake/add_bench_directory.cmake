# Adds bench/ to a build of the ledger whose top-level CMakeLists.txt does not (yet) do so:
#
#   cmake -S . -B build-bench -DCMAKE_PROJECT_INCLUDE=$PWD/bench/cmake/add_bench_directory.cmake
#
# CMake includes this file right after the top level's project() call. The deferred call runs
# once the top level has been read to its end, so every ledger:: target and helper bench/
# uses exists by then. A deferred call may not add a subdirectory, so it includes
# bench/CMakeLists.txt into the top-level scope instead (which is why that file names its
# sources by CMAKE_CURRENT_LIST_DIR). bench/run passes this file only when the top level has
# no add_subdirectory(bench) of its own.
# (Variables in a deferred call are expanded when it runs, hence the named path.)
get_filename_component(LEDGER_BENCH_LISTS "${CMAKE_CURRENT_LIST_DIR}/../CMakeLists.txt" ABSOLUTE)
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL include "${LEDGER_BENCH_LISTS}")
