# bg_library(name SRCS ... DEPS ...) -> static library bg_<name>, include root = src/.
function(bg_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(bg_${name} STATIC ${ARG_SRCS})
  target_include_directories(bg_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(bg_${name} PUBLIC ${ARG_DEPS} PRIVATE bg_warnings)
endfunction()

# bg_test(name SRCS ... DEPS ... [LABELS ...]) -> gtest executable, discovered by ctest.
function(bg_test name)
  if(NOT BG_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock bg_warnings)
  gtest_discover_tests(${name} PROPERTIES LABELS "unit;${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
