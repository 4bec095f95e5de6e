# The version string: the project version plus `git describe`, computed at
# every build (not only at configure time), so `lbdeploy --version` names the
# commit the binary was built from even in an incremental build directory.
# Without a checkout (a Docker build context has no .git), pass
# -DLBDEPLOY_GIT_DESCRIBE=... or get "unknown".
set(LBDEPLOY_GIT_DESCRIBE "" CACHE STRING "git describe of the sources when they are not a checkout")
find_package(Git QUIET)

set(LBDEPLOY_VERSION_HEADER "${CMAKE_BINARY_DIR}/generated/cli/version.hpp")
add_custom_target(lbdeploy_version
  COMMAND "${CMAKE_COMMAND}"
          "-DSOURCE_DIR=${CMAKE_SOURCE_DIR}"
          "-DOUTPUT=${LBDEPLOY_VERSION_HEADER}"
          "-DVERSION=${PROJECT_VERSION}"
          "-DGIT_EXECUTABLE=${GIT_EXECUTABLE}"
          "-DFALLBACK=${LBDEPLOY_GIT_DESCRIBE}"
          -P "${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake"
  BYPRODUCTS "${LBDEPLOY_VERSION_HEADER}"
  COMMENT "Version header (git describe)"
  VERBATIM)
