# ASan + UBSan as an INTERFACE target; every target of ours links it, so the
# sanitizer build instruments all of our code and nothing when it is off.
add_library(lbdeploy_sanitizers INTERFACE)
if(LBDEPLOY_SANITIZE)
  target_compile_options(lbdeploy_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(lbdeploy_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
add_library(lbdeploy::sanitizers ALIAS lbdeploy_sanitizers)
