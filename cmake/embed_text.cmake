# cmake -DIN=<file> -DOUT=<file.cc> -DNAMESPACE=<ns> -DNAME=<constant> -P embed_text.cmake
#
# Writes a C++ source file that defines `const std::string_view <NAME>` in
# namespace <NAMESPACE>, holding the bytes of <IN> as a raw string literal.
# Run at build time (add_custom_command), so the constant follows the file.
file(READ "${IN}" text)
set(delimiter "bg_embed")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )${delimiter}\"")
endif()
get_filename_component(source "${IN}" NAME)
file(WRITE "${OUT}"
  "// Generated from ${source} by cmake/embed_text.cmake at build time: do not edit.\n"
  "#include <string_view>\n\n"
  "namespace ${NAMESPACE} {\n"
  "// NOLINTNEXTLINE(readability-identifier-naming): a constant, named as one\n"
  "extern const std::string_view ${NAME};\n"
  "// NOLINTNEXTLINE(readability-identifier-naming)\n"
  "const std::string_view ${NAME} = R\"${delimiter}(${text})${delimiter}\";\n"
  "}  // namespace ${NAMESPACE}\n")
