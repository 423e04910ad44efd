# Warning flags shared by every ledger target.
add_library(ledger_warnings INTERFACE)
target_compile_options(ledger_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(LEDGER_WERROR)
  target_compile_options(ledger_warnings INTERFACE -Werror)
endif()

# ledger_library(NAME <module> SOURCES <files...>)
#
# Declares the static library ledger_<module> with the alias ledger::<module>. Headers are
# included by their path from the repository root ("engine/status.h"), so the root is the
# one public include directory. Dependencies are added by the caller with
# target_link_libraries, PRIVATE unless a public header includes the dependency.
function(ledger_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES" ${ARGN})
  set(target ledger_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(ledger::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_link_libraries(${target} PRIVATE ledger_warnings)
endfunction()
