# assets.cmake - compile every file under assets/ into the binary.
#
# At build time cmake/embed_assets.cmake writes ${MXRAY_ASSETS_C}: one byte array per file,
# named by its path under assets/ (e.g. "scenarios/all-good.scn"), and the table that
# src/assets.c searches. The glob is re-checked on every build (CONFIGURE_DEPENDS), so a file
# added anywhere under assets/ (a new directory too) is compiled in without a CMake change.
file(GLOB_RECURSE MXRAY_ASSET_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/assets/*)
set(MXRAY_ASSETS_C ${PROJECT_BINARY_DIR}/generated/assets_data.c)
# The list itself is a dependency too, so removing or renaming a file regenerates the table
# (written only when it changes, so an unchanged set regenerates nothing).
set(list_file ${PROJECT_BINARY_DIR}/generated/assets.list)
string(REPLACE ";" "\n" list_text "${MXRAY_ASSET_FILES}")
if(EXISTS ${list_file})
  file(READ ${list_file} old_list)
endif()
if(NOT "${old_list}" STREQUAL "${list_text}")
  file(WRITE ${list_file} "${list_text}")
endif()
add_custom_command(
  OUTPUT ${MXRAY_ASSETS_C}
  COMMAND ${CMAKE_COMMAND} -DASSETS=${PROJECT_SOURCE_DIR}/assets -DOUT=${MXRAY_ASSETS_C}
    -P ${PROJECT_SOURCE_DIR}/cmake/embed_assets.cmake
  DEPENDS ${MXRAY_ASSET_FILES} ${list_file} ${PROJECT_SOURCE_DIR}/cmake/embed_assets.cmake
  COMMENT "Compiling in assets/ (${MXRAY_ASSETS_C})"
  VERBATIM)
