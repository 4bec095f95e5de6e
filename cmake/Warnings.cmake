# Warnings for our own targets only: third-party headers come in as SYSTEM
# includes through their imported targets and are not subject to these flags.
add_library(lbdeploy_warnings INTERFACE)
target_compile_options(lbdeploy_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
  -Wimplicit-fallthrough -Wformat=2)
# Clang (the fuzz build) also warns on C structs initialised by libgit2's
# *_INIT macros, which leave the remaining fields zero on purpose; GCC does not.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(lbdeploy_warnings INTERFACE -Wno-missing-field-initializers)
endif()
if(LBDEPLOY_WERROR)
  target_compile_options(lbdeploy_warnings INTERFACE -Werror)
endif()
add_library(lbdeploy::warnings ALIAS lbdeploy_warnings)

# GCC 12 with Boost 1.74 Asio coroutines: -Wnull-dereference fires inside
# Asio's scheduler once inlined, and -Wmismatched-new-delete on Asio's own
# awaitable frame allocator (its operator new/delete pair is correct). Both are
# false positives in code we do not own; only files with coroutines get these.
set(LBDEPLOY_ASIO_WARNING_WORKAROUNDS -Wno-null-dereference -Wno-mismatched-new-delete)
