# gitrev.cmake - MXRAY_GIT_REVISION: `git describe --always` of the source tree at configure
# time ("" outside git). A commit or checkout changes HEAD or the reflog, which re-runs the
# configure step, so the revision follows the tree without being written in a file.
set(MXRAY_GIT_REVISION "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --abbrev=12
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE MXRAY_GIT_REVISION
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    set(MXRAY_GIT_REVISION "")
  endif()
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --absolute-git-dir
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE gitdir
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  foreach(f HEAD logs/HEAD)
    if(gitdir AND EXISTS ${gitdir}/${f})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${gitdir}/${f})
    endif()
  endforeach()
endif()
