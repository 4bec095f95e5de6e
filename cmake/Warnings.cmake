# Warnings for our own targets only: third-party headers come in as SYSTEM
# includes through their imported targets and are not subject to these flags.
add_library(lbdeploy_warnings INTERFACE)
target_compile_options(lbdeploy_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
  -Wimplicit-fallthrough -Wformat=2)
if(LBDEPLOY_WERROR)
  target_compile_options(lbdeploy_warnings INTERFACE -Werror)
endif()
add_library(lbdeploy::warnings ALIAS lbdeploy_warnings)
