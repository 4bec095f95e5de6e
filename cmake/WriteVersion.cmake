# Run at build time by the lbdeploy_version target (cmake -P). Rewrites the
# header only when its content changes, so an unchanged commit rebuilds nothing.
set(describe "${FALLBACK}")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --tags
    WORKING_DIRECTORY "${SOURCE_DIR}"
    OUTPUT_VARIABLE from_git
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE status
    ERROR_QUIET)
  if(status EQUAL 0 AND from_git)
    set(describe "${from_git}")
  endif()
endif()
if(NOT describe)
  set(describe "unknown")
endif()

set(content "#pragma once
// Generated at build time by cmake/WriteVersion.cmake.
namespace lbdeploy::cli {
inline constexpr const char* version = \"${VERSION}\";
inline constexpr const char* git_describe = \"${describe}\";
}  // namespace lbdeploy::cli
")
set(previous "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
endif()
if(NOT previous STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
