# ASan + UBSan as an INTERFACE target; every target of ours links it, so the
# sanitizer build instruments all of our code and nothing when it is off.
# The fuzz build adds libFuzzer's coverage instrumentation (fuzzer-no-link) to
# every library, so the fuzzers are guided by the product's branches; only the
# targets in tests/fuzz link libFuzzer itself (-fsanitize=fuzzer). Without
# UBSan's `function` check: clang 14 cannot emit it for split coroutines
# ("Cannot represent a difference across sections", llvm/llvm-project#49689).
# LBDEPLOY_FUZZ_SANITIZE=OFF keeps the coverage and drops ASan+UBSan: several
# times the executions per second, for the long runs docs/testing.md reports
# (ctest's bounded runs keep the sanitizers).
option(LBDEPLOY_FUZZ_SANITIZE "ASan+UBSan in the fuzz build" ON)
add_library(lbdeploy_sanitizers INTERFACE)
if(LBDEPLOY_FUZZ AND NOT LBDEPLOY_FUZZ_SANITIZE)
  target_compile_options(lbdeploy_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
elseif(LBDEPLOY_FUZZ)
  target_compile_options(lbdeploy_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  target_link_options(lbdeploy_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(LBDEPLOY_SANITIZE)
  target_compile_options(lbdeploy_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(lbdeploy_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
add_library(lbdeploy::sanitizers ALIAS lbdeploy_sanitizers)
