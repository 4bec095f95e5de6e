# lbdeploy_module(NAME SOURCES ... [PUBLIC ...] [PRIVATE ...] [ASIO_SOURCES ...])
# One room of ARCHITECTURE.md: the library lbdeploy_NAME with its alias
# lbdeploy::NAME, headers included from the project root ("room/file.hpp"),
# our warnings and sanitizers. ASIO_SOURCES are the files with Asio coroutines
# (see LBDEPLOY_ASIO_WARNING_WORKAROUNDS).
function(lbdeploy_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE;ASIO_SOURCES" ${ARGN})
  add_library(lbdeploy_${name} ${ARG_SOURCES})
  add_library(lbdeploy::${name} ALIAS lbdeploy_${name})
  target_include_directories(lbdeploy_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(lbdeploy_${name}
    PUBLIC ${ARG_PUBLIC}
    PRIVATE ${ARG_PRIVATE} lbdeploy::warnings lbdeploy::sanitizers)
  if(ARG_ASIO_SOURCES)
    set_source_files_properties(${ARG_ASIO_SOURCES} PROPERTIES COMPILE_OPTIONS "${LBDEPLOY_ASIO_WARNING_WORKAROUNDS}")
  endif()
endfunction()
