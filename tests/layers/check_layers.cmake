# cmake -DSRC=<repo>/src -DLAYERS="common;storage;..." -P check_layers.cmake
#
# The layer rule of src/README.md, checked: a folder of src/ may include
# headers of the folders listed before it (and its own), never of one listed
# after it. Tests and test fixtures (*_test*, *_fuzz*) may use a higher
# layer as a fixture (the world loader, say). LAYERS is BG_LAYERS of
# src/CMakeLists.txt, the one place the order is written.
set(broken "")
list(LENGTH LAYERS count)
foreach(layer IN LISTS LAYERS)
  list(FIND LAYERS ${layer} own)
  file(GLOB sources "${SRC}/${layer}/*.cc" "${SRC}/${layer}/*.h")
  foreach(source IN LISTS sources)
    get_filename_component(name ${source} NAME)
    if(name MATCHES "_test|_fuzz")
      continue()
    endif()
    file(STRINGS ${source} includes REGEX "^#include \"[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^#include \"([a-z_]+)/.*" "\\1" folder "${line}")
      list(FIND LAYERS ${folder} theirs)
      if(theirs GREATER own)
        string(APPEND broken "  src/${layer}/${name}: ${line} (${folder} is above ${layer})\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(NOT broken STREQUAL "")
  message(FATAL_ERROR "includes that point up the layers (src/README.md):\n${broken}")
endif()
message(STATUS "${count} layers, every include points down")
